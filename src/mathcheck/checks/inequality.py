"""Inequality evidence: ``≤ ≥ < >`` hold at every sample point of every instance (and are proved
symbolically where sympy can); ``≠`` holds when the sides differ somewhere in every instance.

``a ≤ b`` is checked in float64 with the tolerance of the equality check (a point where
``a − b`` exceeds it is re-evaluated with 50 digits before it counts); ``a < b`` must hold
strictly, at 50 digits where float64 cannot tell. Vectors and matrices are compared
component-wise. ``a ≠ b`` claims the two sides are different functions: a point where they
differ (at 50 digits) is a proof of that, so it needs one such point in every instance.

>>> import sympy
>>> p = sympy.Symbol("p", positive=True)
>>> proves(1 / (p * (1 - p)) - 4, strict=False, constraints={})  # 1/(p(1−p)) ≥ 4 needs p < 1
False
>>> proves(p**2 + 1, strict=True, constraints={})
True
"""

from __future__ import annotations

import time

import numpy as np
import sympy

from .. import prove
from ..evaluation import N_RANDOM, Evaluated, fmt
from ..records import Evidence

ORIENTED = {"≤": False, "<": True, "≥": False, ">": True}  # relation → strict


def compare(
    evaluated: list[Evaluated], a: int, b: int, relation: str, names: tuple[str, str]
) -> Evidence:
    """Numeric evidence that expression ``a`` ``relation`` expression ``b`` at every point."""
    if relation == "≠":
        return differ(evaluated, a, b, names)
    start = time.perf_counter()
    strict = ORIENTED[relation]
    lo, hi = (a, b) if relation in ("≤", "<") else (b, a)
    points = valid = 0
    for item in evaluated:
        low, high = item.values[lo], item.values[hi]
        suspect = np.flatnonzero(_violated(low, high, strict))
        if suspect.size:  # rule out float64 rounding before calling it a counter-example
            low, high = item.precise(lo, suspect), item.precise(hi, suspect)
        bad = _violated(low, high, strict, precise=True)
        points += item.rows
        valid += int((~(np.isnan(low) | np.isnan(high))).sum())
        if bad.any():
            row = int(np.argmax(bad))
            left, right = item.values[a][row], item.values[b][row]
            if suspect.size:
                left, right = (low, high)[:: 1 if lo == a else -1]
                left, right = left[row], right[row]
            detail = f"at {item.point(row)} ({names[0]} {fmt(left)}, {names[1]} {fmt(right)})"
            return Evidence("numeric", False, points, None, time.perf_counter() - start, detail)
    if valid < min(N_RANDOM, points):
        detail = f"only {valid} of {points} points could be evaluated"
        return Evidence("numeric", False, points, None, time.perf_counter() - start, detail)
    detail = f"{relation} at {points} points in {len(evaluated)} instance(s), float64"
    return Evidence("numeric", True, points, None, time.perf_counter() - start, detail)


def _violated(low: np.ndarray, high: np.ndarray, strict: bool, precise: bool = False):
    """Rows where ``low ≤ high`` (or ``<``) fails; a NaN on either side is not evaluable."""
    with np.errstate(all="ignore"):
        if strict:
            bad = low >= high
        else:
            slack = 0.0 if precise else prove.ATOL + prove.RTOL * np.maximum(abs(low), abs(high))
            bad = low - high > slack + (prove.ATOL if precise else 0.0)
    return bad & ~(np.isnan(low) | np.isnan(high))


def differ(evaluated: list[Evaluated], a: int, b: int, names: tuple[str, str]) -> Evidence:
    """``a ≠ b``: in every instance, a point (of some component) where the sides differ."""
    start = time.perf_counter()
    witnessed: dict[int, str] = {}
    instances: dict[int, dict] = {}
    points = 0
    for item in evaluated:
        key = id(item.assignment)
        instances[key] = item.assignment
        points += item.rows
        if key in witnessed:
            continue
        suspect = np.flatnonzero(~prove.agree(item.values[a], item.values[b]))
        if not suspect.size:
            continue
        left, right = item.precise(a, suspect), item.precise(b, suspect)
        apart = ~prove.agree(left, right) & ~(np.isnan(left) | np.isnan(right))
        if apart.any():
            row = int(suspect[int(np.argmax(apart))])
            witnessed[key] = (
                f"{item.point(row)} ({names[0]} {fmt(left[int(np.argmax(apart))])}, "
                f"{names[1]} {fmt(right[int(np.argmax(apart))])})"
            )
    missing = [k for k in instances if k not in witnessed]
    seconds = time.perf_counter() - start
    if missing:
        where = ", ".join(f"{k}={v}" for k, v in instances[missing[0]].items()) or "every instance"
        detail = f"the sides agree at every point ({where}): they are not shown to differ"
        return Evidence("numeric", False, points, None, seconds, detail)
    first = next(iter(witnessed.values()))
    detail = f"the sides differ in every instance, e.g. at {first}"
    return Evidence("numeric", True, points, None, seconds, detail)


def symbolic(evaluated: list[Evaluated], a: int, b: int, relation: str) -> Evidence:
    """Sympy shows the difference has the claimed sign in every instance (and component)."""
    start = time.perf_counter()
    strict = ORIENTED[relation]
    proven = 0
    for item in evaluated:
        lo, hi = (a, b) if relation in ("≤", "<") else (b, a)
        if proves(item.exprs[hi] - item.exprs[lo], strict=strict, constraints=item.constraints):
            proven += 1
    return Evidence(
        "symbolic",
        ok=proven == len(evaluated),
        points=len(evaluated),
        seconds=time.perf_counter() - start,
        detail=f"the sign of the difference is proved in {proven} of {len(evaluated)} case(s)",
    )


def proves(difference: sympy.Expr, *, strict: bool, constraints: dict) -> bool:
    """True when sympy's assumptions show ``difference`` > 0 (strict) or ≥ 0."""
    if constraints:
        difference = difference.subs(constraints)
    want = "is_positive" if strict else "is_nonnegative"
    candidates = [difference]
    try:
        together = sympy.cancel(sympy.together(difference))
        candidates.append(together)
        numerator, denominator = sympy.fraction(sympy.factor(together))
        if getattr(denominator, "is_positive", False):
            candidates.append(numerator)
        if sympy.count_ops(together) <= prove.SIMPLIFY_OPS_LIMIT:
            candidates.append(sympy.simplify(together))
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        pass
    return any(getattr(c, want, None) is True for c in candidates)
