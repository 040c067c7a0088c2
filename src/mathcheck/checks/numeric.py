"""Numeric evidence: two expressions agree at every sample point of every instance.

Float64 first; a row that disagrees is re-evaluated with 50 significant digits before it counts
as a counter-example, so cancellation in a naive form is not mistaken for an error.

A check needs points to stand on: when fewer than ``N_RANDOM`` points (or, for a formula of
discrete symbols only, fewer than all of them) could be evaluated, it fails. A point where the
reference (torch, the package) cannot be computed in float64 although the formula's exact value
is finite, such as torch's autograd of σ(θ) at θ = 140 where σ(θ) rounds to 1, is no evidence
either way: it is left out, and the evidence says how many were.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np

from .. import prove
from ..evaluation import N_RANDOM, Evaluated, disagreement
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
            detail = f"at {item.point(row)} ({disagreement(names, left[row], right[row])})"
            return Evidence("numeric", False, points, worst, time.perf_counter() - start, detail)
    return _enough(
        "numeric",
        points,
        valid,
        worst,
        start,
        f"{points} points in {len(evaluated)} instance(s), float64, rtol {prove.RTOL:g}",
    )


def against(
    evaluated: Iterable[Evaluated],
    reference: Callable[[Evaluated], np.ndarray],
    method: str,
    passed: str,
    failed: Callable[[Evaluated, int, float, float, int], str],
    atol: float = prove.ATOL,
) -> Evidence:
    """Each instance's expressions against the columns of ``reference(instance)``.

    ``reference`` gives an array of shape (rows,) for one expression, or (rows, m) for the
    instance's m expressions (a gradient, component by component). ``passed`` is the detail of
    agreement; ``failed(instance, row, ours, theirs, which)`` describes the first point of
    disagreement (after the 50-digit re-check of ours). ``atol`` is the absolute tolerance
    (``RTOL`` when the values are logarithms, see :func:`mathcheck.prove.agree`).
    """
    start = time.perf_counter()
    worst, points, valid, beyond = 0.0, 0, 0, 0
    computed: dict[int, np.ndarray] = {}  # per instance: the components of a vector share it
    for item in evaluated:
        key = id(item.assignment)
        if key not in computed:
            computed[key] = np.asarray(reference(item), dtype=float)
        theirs_all = item.select(computed[key])
        if theirs_all.ndim == 1:
            theirs_all = theirs_all[:, None]
        for which in range(theirs_all.shape[1]):
            theirs = theirs_all[:, which]
            ours = item.values[which]
            # a disagreement, or a reference float64 could not compute (even where ours
            # overflowed alike): our side's exact value decides
            suspect = np.flatnonzero(~prove.agree(ours, theirs, atol) | ~np.isfinite(theirs))
            if suspect.size:
                ours = item.precise(which, suspect)
            # float64 could not compute the reference where the exact value is finite
            unreachable = ~np.isfinite(theirs) & np.isfinite(ours)
            bad = ~prove.agree(ours, theirs, atol) & ~unreachable
            points += item.rows
            beyond += int(unreachable.sum())
            valid += int((np.isfinite(ours) & np.isfinite(theirs)).sum())
            error = np.where(unreachable, 0.0, prove.relative_error(ours, theirs, atol))
            worst = max(worst, float(np.max(error, initial=0.0)))
            if bad.any():
                row = int(np.argmax(bad))
                detail = failed(item, row, ours[row], theirs[row], which)
                return Evidence(method, False, points, worst, time.perf_counter() - start, detail)
    if beyond:
        passed += (
            f" ({beyond} of {points} points left out: there the reference is not finite in "
            "float64 though the formula's exact value is)"
        )
    return _enough(method, points, valid, worst, start, passed, beyond)


def _enough(
    method: str,
    points: int,
    valid: int,
    worst: float,
    start: float,
    detail: str,
    explained: int = 0,
):
    """The evidence, unless too few points could be evaluated for it to mean anything.

    Points left out for a stated reason (``explained``: float64 cannot compute the reference
    there) count towards the points a check needs, but at least half of them must still have
    been compared.
    """
    seconds = time.perf_counter() - start
    needed = min(N_RANDOM, points)
    if valid + explained < needed or valid < needed / 2 or valid == 0:
        detail = (
            f"only {valid} of {points} points could be evaluated (both sides finite); a check "
            f"needs {min(N_RANDOM, max(points, 1))}"
        )
        return Evidence(method, False, points, worst, seconds, detail)
    return Evidence(method, True, points, worst, seconds, detail)
