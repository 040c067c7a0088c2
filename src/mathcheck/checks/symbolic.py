"""Symbolic evidence: sympy reduces the difference of two expressions to 0 in every instance."""

from __future__ import annotations

import time

from .. import prove
from ..evaluation import Evaluated
from ..records import Evidence


def proven_instances(evaluated: list[Evaluated], a: int, b: int) -> int:
    """In how many instances the difference of expressions ``a`` and ``b`` simplifies to 0."""
    proven = 0
    for item in evaluated:
        difference = item.exprs[a] - item.exprs[b]
        if item.constraints:  # e.g. the last component of a simplex point
            difference = difference.subs(item.constraints)
        if prove.prove_zero(difference):
            proven += 1
    return proven


def compare(evaluated: list[Evaluated], a: int, b: int) -> Evidence:
    """Evidence that holds only when every instance is proven."""
    start = time.perf_counter()
    proven = proven_instances(evaluated, a, b)
    return Evidence(
        "symbolic",
        ok=proven == len(evaluated),
        points=len(evaluated),
        seconds=time.perf_counter() - start,
        detail=f"difference simplifies to 0 in {proven} of {len(evaluated)} instance(s)",
    )
