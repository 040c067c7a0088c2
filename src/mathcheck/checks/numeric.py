"""Numeric evidence: two expressions agree at every sample point of every instance.

Float64 first; a row that disagrees is re-evaluated with 50 significant digits before it counts
as a counter-example, so cancellation in a naive form is not mistaken for an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np

from .. import prove
from ..evaluation import N_RANDOM, Evaluated, fmt
from ..records import Evidence


def compare(
    evaluated: list[Evaluated], a: int, b: int, names: tuple[str, str] = ("lhs", "rhs")
) -> Evidence:
    """Expressions ``a`` and ``b`` agree at every point (and enough points could be evaluated)."""
    start = time.perf_counter()
    worst, points, valid = 0.0, 0, 0
    for item in evaluated:
        left, right = item.values[a], item.values[b]
        suspect = np.flatnonzero(~prove.agree(left, right))
        if suspect.size:  # rule out float64 cancellation before calling it a counter-example
            left, right = item.precise(a, suspect), item.precise(b, suspect)
        both_nan = np.isnan(left) & np.isnan(right)
        ok = prove.agree(left, right)
        err = np.where(both_nan, 0.0, prove.relative_error(left, right))
        points += item.rows
        valid += int((~both_nan).sum())
        worst = max(worst, float(np.max(err, initial=0.0)))
        if not ok.all() or (np.isnan(left) != np.isnan(right)).any():
            row = int(np.argmax(~ok))
            detail = (
                f"at {item.point(row)} ({names[0]} {fmt(left[row])}, {names[1]} {fmt(right[row])})"
            )
            return Evidence("numeric", False, points, worst, time.perf_counter() - start, detail)
    if valid < min(N_RANDOM, points):
        detail = f"only {valid} of {points} points could be evaluated"
        return Evidence("numeric", False, points, worst, time.perf_counter() - start, detail)
    detail = f"{points} points in {len(evaluated)} instance(s), float64, rtol {prove.RTOL:g}"
    return Evidence("numeric", True, points, worst, time.perf_counter() - start, detail)


def against(
    evaluated: Iterable[Evaluated],
    reference: Callable[[Evaluated], np.ndarray],
    method: str,
    passed: str,
    failed: Callable[[Evaluated, int, float, float], str],
) -> Evidence:
    """Expression 0 of each instance against ``reference(instance)`` (torch, the package).

    ``passed`` is the detail of agreement; ``failed(instance, row, ours, theirs)`` describes
    the first point of disagreement (after the 50-digit re-check of ours).
    """
    start = time.perf_counter()
    worst, points = 0.0, 0
    computed: dict[int, np.ndarray] = {}  # per instance: the components of a vector share it
    for item in evaluated:
        key = id(item.assignment)
        if key not in computed:
            computed[key] = reference(item)
        theirs = item.select(computed[key])
        ours = item.values[0]
        suspect = np.flatnonzero(~prove.agree(ours, theirs))
        if suspect.size:
            ours = item.precise(0, suspect)
        bad = ~prove.agree(ours, theirs)
        points += item.rows
        worst = max(worst, float(np.max(prove.relative_error(ours, theirs), initial=0.0)))
        if bad.any():
            row = int(np.argmax(bad))
            detail = failed(item, row, ours[row], theirs[row])
            return Evidence(method, False, points, worst, time.perf_counter() - start, detail)
    return Evidence(method, True, points, worst, time.perf_counter() - start, passed)
