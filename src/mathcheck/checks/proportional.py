r"""Proportionality evidence: ``a ∝ b`` in the outcome of the page's latest density.

``\pi(a \mid s, \theta) \propto e^{h(s, a, \theta)}`` says the ratio of the sides does not
depend on the outcome a: it is checked as an equality between the ratio at the outcome and the
ratio at a second, independent outcome (every pair of values for a discrete outcome, sampled
pairs for a continuous one), symbolically and at the sample points; the ratio must also be
finite and not zero.
"""

from __future__ import annotations

import numpy as np

from .. import latex as ast
from .. import values
from ..domains import Declaration
from ..errors import FormulaError
from ..evaluation import Subject
from ..instances import needed_names
from ..records import Evidence
from ..scope import Scope
from ..translate import pretty
from . import numeric, symbolic


def check(scope: Scope, left: ast.Node, right: ast.Node, seed: int) -> list[Evidence]:
    """Numeric and symbolic evidence that left / right is the same at any two outcomes."""
    density = scope.latest_density()
    outcome = density.params[0] if density is not None else None
    names = needed_names([left, right], scope)
    if outcome is None or outcome not in names:
        raise FormulaError(
            "∝ is read in the outcome of the page's latest density, and this formula does not "
            "depend on it",
            hint="state the relation with '=' and the constant, e.g. g(y; p) = c \\, h(y)",
        )
    other = f"{outcome}_other"
    paired = scope.copy()
    paired.declare(
        [Declaration(other, scope.declarations[outcome].domain, f"{outcome}′")], f"∝ {other}"
    )

    def ratio(t, env):
        a, b = t.expr(left, env), t.expr(right, env)
        if not (values.is_scalar(a) and values.is_scalar(b)):
            raise FormulaError("∝ is read between scalars")
        return a / b

    def build(t):
        return [ratio(t, {}), ratio(t, {outcome: t.expr(ast.Sym(other))})]

    subject = Subject(paired, needed_names([left, right, ast.Sym(other)], paired), seed)
    evaluated = subject.evaluate(build)
    value = numeric.compare(evaluated, 0, 1, (f"ratio at {pretty(outcome)}", "at another"))
    if not value.ok:
        value.detail = f"the ratio of the sides changes with {pretty(outcome)} {value.detail}"
        return [value]
    if not any(np.any(np.abs(item.values[0]) > 0) for item in evaluated):
        value.ok = False
        value.detail = "the ratio of the sides is 0 at every point: ∝ needs a non-zero constant"
        return [value]
    value.detail = f"the ratio of the sides is constant in {pretty(outcome)}; {value.detail}"
    proof = symbolic.compare(evaluated, 0, 1)
    return [proof, value]
