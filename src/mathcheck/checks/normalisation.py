"""Normalisation evidence: a density sums (or integrates) to one over its support."""

from __future__ import annotations

import time

import sympy

from ..domains import Interval, Simplex
from ..evaluation import Subject, notes
from ..records import Evidence
from ..scope import Definition
from ..translate import Translator, pretty
from . import numeric, symbolic


def check(subject: Subject, definition: Definition) -> Evidence:
    """Σ or ∫ of ``definition`` over its first argument equals 1 at every point."""
    start = time.perf_counter()
    var = definition.params[0]
    outer = Subject(subject.scope, [n for n in subject.names if n != var], subject.seed)

    def total(t: Translator) -> list[sympy.Expr]:
        mass = t.expectation(var, definition, {}, lambda env: sympy.Integer(1))
        return [mass, sympy.Integer(1)]

    first = subject.scope.declarations[var].domain
    continuous = isinstance(first, Simplex) or (isinstance(first, Interval) and not first.integer)
    op = "∫" if continuous else "Σ"
    evaluated = outer.evaluate(total)
    evidence = numeric.compare(evaluated, 0, 1, (op, "expected"))
    evidence.method = "normalised"
    how = "".join(f"; {how}" for _, how in notes(evaluated))
    if not evidence.ok:
        verb = "integrate" if op == "∫" else "sum"
        evidence.detail = (
            f"{definition.name} does not {verb} to 1 over {pretty(var)}: {evidence.detail}{how}"
        )
    else:
        proven = symbolic.proven_instances(evaluated, 0, 1) == len(evaluated)
        exact = "symbolic in every instance; " if proven else ""
        evidence.detail = f"{op} over {pretty(var)} = 1; {exact}{evidence.detail}{how}"
    evidence.seconds = time.perf_counter() - start
    return evidence
