"""Gradient evidence: a definition bound to code has the gradient of that code, not only its value.

Agreeing in value is not enough where a domain is a surface: on the simplex ``q_k`` and
``q_k / Σ q_i`` are equal, yet their derivatives by ``q_j`` differ by 1, and every eligibility
derived from the wrong one would be wrong. So a definition bound with ``:torch:`` or
``:package:`` is also differentiated, by sympy, with respect to every continuous symbol its
check samples, and compared with torch autograd of the binding at the same points.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

from .. import bindings
from ..domains import Interval, Simplex, Vector
from ..evaluation import Evaluated, Subject, disagreement
from ..instances import size_names
from ..records import Evidence
from ..translate import Translator, pretty
from . import numeric


def variables(subject: Subject) -> list[str]:
    """The continuous symbols of ``subject``: real intervals, real vectors, simplex points."""
    out = []
    for name in subject.names:
        domain = subject.scope.declarations[name].domain
        if isinstance(domain, Vector | Simplex) or (
            isinstance(domain, Interval) and not domain.integer
        ):
            out.append(name)
    return out


def compare(
    subject: Subject,
    build: Callable[[Translator], sympy.Expr],
    expression: str,
    method: str,
    what: str,
) -> Evidence:
    """∂(``build``)/∂v against autograd of ``expression`` for every continuous v of ``subject``."""
    names = variables(subject)
    sizes = size_names(subject.scope)
    py = bindings.python_name

    def components(t: Translator, name: str) -> list[sympy.Symbol]:
        domain = subject.scope.declarations[name].domain
        if isinstance(domain, Interval):
            return [t.symbol(name, domain)]
        return list(t.declared(name))  # a vector's components

    def derivatives(t: Translator) -> list[sympy.Expr]:
        value = build(t)
        return [sympy.diff(value, c) for name in names for c in components(t, name)]

    def autograd(item: Evaluated) -> np.ndarray:
        ns = bindings.namespace(subject.scope, item.assignment, item.columns, sizes)
        columns = []
        for name in names:
            grad = bindings.evaluate(
                expression, ns, item.rows, what=f"autograd of :{method}:", grad_of=py(name)
            )
            columns.append(grad.reshape(item.rows, -1))
        return np.concatenate(columns, axis=1)

    def labels(item: Evaluated) -> list[str]:
        out = []
        for name in names:
            column = item.columns[name]
            if np.ndim(column) == 2:
                out += [f"{name}_{i}" for i in range(1, column.shape[1] + 1)]
            else:
                out.append(name)
        return out

    def failed(item: Evaluated, row: int, ours: float, theirs: float, which: int) -> str:
        by = pretty(labels(item)[which])
        return (
            f"the gradient of {what} by {by} ≠ torch autograd of :{method}: `{expression}` at "
            f"{item.point(row)} ({disagreement(('sympy', 'autograd'), ours, theirs)}): the two "
            "agree in value but not in how they change"
        )

    if not names:
        return Evidence(
            f"{method} gradient", True, detail="no continuous symbol to differentiate by"
        )
    evaluated = subject.evaluate(derivatives)
    shown = ", ".join(pretty(n) for n in names)
    passed = f"its gradient by {shown} agrees with torch autograd of `{expression}`"
    evidence = numeric.against(evaluated, autograd, f"{method} gradient", passed, failed)
    return evidence
