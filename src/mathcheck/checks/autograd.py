"""Autograd evidence: a claimed ∂ ln g(…)/∂v equals torch autograd of g's ``:torch:`` code.

Sympy's derivative of the page's own definition is one reference; this is an independent one:
torch differentiates the ``log_prob`` the definition is bound to, at the same points.
"""

from __future__ import annotations

import numpy as np

from .. import bindings
from .. import latex as ast
from ..distributions import bind_arguments, gradient_variables
from ..errors import ScopeError
from ..evaluation import Evaluated, Subject, disagreement
from ..instances import size_names
from ..records import Evidence
from ..scope import Scope
from ..translate import Translator
from . import numeric


def target(lhs: ast.Node, scope: Scope) -> tuple[ast.Call, ast.Sym] | None:
    """(call, variable) when ``lhs`` reads ∂ ln g(...)/∂v or ∇_v ln g(...) (bare ∇: the
    parameter of the page's latest density) and g is bound to torch."""
    if isinstance(lhs, ast.Derivative) and len(lhs.wrt) == 1 and lhs.wrt[0][1] == 1:
        var = lhs.wrt[0][0]
    elif isinstance(lhs, ast.Gradient) and lhs.order == 1:
        try:
            variables = gradient_variables(lhs, scope)
        except ScopeError:
            return None
        if len(variables) != 1:
            return None
        (var,) = variables
    else:
        return None
    inner = lhs.expr
    if not (isinstance(inner, ast.Func) and inner.name == "ln" and isinstance(inner.arg, ast.Call)):
        return None
    call = inner.arg
    definition = scope.definitions.get(call.name)
    if definition is None or not definition.torch:
        return None
    if not any(isinstance(a, ast.Sym) and a.name == var.name for a in _arguments(call, scope)):
        return None
    return call, var


def _arguments(call: ast.Call, scope: Scope) -> list[ast.Node]:
    """The call's argument for each parameter, the definition's own where it left one out."""
    definition = scope.definitions[call.name]
    written = bind_arguments(call, definition)
    return [written.get(p, ast.Sym(p)) for p in definition.params]


def compare(subject: Subject, rhs: ast.Node, call: ast.Call, var: ast.Sym) -> Evidence:
    """torch autograd of the definition's bound log_prob, against the claim's ``rhs``."""
    scope = subject.scope
    definition = scope.definitions[call.name]
    sizes = size_names(scope)
    py = bindings.python_name
    pairs = list(zip(definition.params, _arguments(call, scope), strict=True))
    wrt = next(py(p) for p, a in pairs if _named(a) and a.name == var.name)

    def grads(item: Evaluated) -> np.ndarray:
        ns = bindings.namespace(scope, item.assignment, item.columns, sizes)
        local = {py(p): ns[py(a.name)] for p, a in pairs if _named(a) and py(a.name) in ns}
        out = bindings.evaluate(
            definition.torch, {**ns, **local}, item.rows, what="autograd of :torch:", grad_of=wrt
        )
        if var.indices:  # ∂/∂θ_j, ∂/∂w_{ij}: that component of the gradient
            translator = Translator(scope, item.assignment)
            where = tuple(translator.index(i, {}) - 1 for i in var.indices)
            out = out[(slice(None), *where)]
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
