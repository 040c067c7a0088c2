"""Autograd evidence: a claimed ∂ ln g(…)/∂v equals torch autograd of g's ``:torch:`` code.

Sympy's derivative of the page's own definition is one reference; this is an independent one:
torch differentiates the ``log_prob`` the definition is bound to, at the same points.
"""

from __future__ import annotations

import numpy as np

from .. import bindings
from .. import latex as ast
from ..evaluation import Evaluated, Subject, disagreement
from ..instances import size_names
from ..records import Evidence
from ..scope import Scope
from ..translate import Translator
from . import numeric


def target(lhs: ast.Node, scope: Scope) -> tuple[ast.Call, ast.Sym] | None:
    """(call, variable) when ``lhs`` reads ∂ ln g(...)/∂v and g is bound to torch."""
    if not (isinstance(lhs, ast.Derivative) and len(lhs.wrt) == 1 and lhs.wrt[0][1] == 1):
        return None
    inner = lhs.expr
    if not (isinstance(inner, ast.Func) and inner.name == "ln" and isinstance(inner.arg, ast.Call)):
        return None
    call, var = inner.arg, lhs.wrt[0][0]
    definition = scope.definitions.get(call.name)
    if definition is None or not definition.torch:
        return None
    if not any(isinstance(a, ast.Sym) and a.name == var.name for a in call.args):
        return None
    return call, var


def compare(subject: Subject, rhs: ast.Node, call: ast.Call, var: ast.Sym) -> Evidence:
    """torch autograd of the definition's bound log_prob, against the claim's ``rhs``."""
    scope = subject.scope
    definition = scope.definitions[call.name]
    sizes = size_names(scope)
    py = bindings.python_name
    pairs = list(zip(definition.params, call.args, strict=True))
    wrt = next(py(p) for p, a in pairs if _named(a) and a.name == var.name)

    def grads(item: Evaluated) -> np.ndarray:
        ns = bindings.namespace(scope, item.assignment, item.columns, sizes)
        local = {py(p): ns[py(a.name)] for p, a in pairs if _named(a) and py(a.name) in ns}
        out = bindings.evaluate(
            definition.torch, {**ns, **local}, item.rows, what="autograd of :torch:", grad_of=wrt
        )
        if var.indices:
            index = Translator(scope, item.assignment).index(var.indices[0], {})
            out = out[:, index - 1]
        return out

    def failed(item: Evaluated, row: int, ours: float, theirs: float, which: int) -> str:
        return (
            f"torch autograd of {definition.name}'s :torch: ≠ rhs at {item.point(row)} "
            f"({disagreement(('rhs', 'autograd'), ours, theirs)})"
        )

    evaluated = subject.evaluate(lambda t: [t.expr(rhs)])
    passed = f"torch autograd of `{definition.torch}` agrees with rhs"
    return numeric.against(evaluated, grads, "torch", passed, failed)


def _named(node: ast.Node) -> bool:
    return isinstance(node, ast.Sym)
