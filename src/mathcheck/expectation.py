r"""Expectations over infinite supports: an integral over an interval, a sum over ℕ.

``\mathbb{E}_{y}[\dots]`` over a finite support is a finite sum (see ``translate``). When ``y``
is declared continuous (``y \in \mathbb{R}``, ``y \in (0, \infty)``) the expectation is the
exact integral of density × body over the declared interval: over ℝ, a polynomial times a
Gaussian is integrated by completing the square (exact and fast), anything else goes to
``sympy.integrate``; when ``y`` is declared in ℕ it is the exact infinite sum from 0
(``sympy.summation``, term by term). The parameters' sympy symbols carry their declared
domains as assumptions (``σ ∈ (0, ∞)`` is positive), which is what lets sympy decide; where
sympy answers with a condition (a geometric series converges for ``|p − 1| < 1``), the
condition is decided on the parameters' declared bounds (:func:`decide`: ``sympy.refine``,
then ``solveset`` over the declared interval), so a series that converges on the whole
declared domain is exact there.

Where sympy cannot decide within ``SYMBOLIC_SECONDS`` (or returns an unevaluated answer, or a
condition the declared bounds do not settle), the expectation becomes an opaque function of
the parameters that is evaluated numerically at each sample point: ``mpmath.quad``
(tanh-sinh, 20 digits, split at the point's parameter values and their sums with its
positive ones) for integrals, and for sums a direct summation that stops only once the rest
of the series is bounded below relative tolerance ``TOLERANCE`` (by the ratio test: when the
ratios of successive terms stay below r < 1 and do not grow, the rest is at most
``|term| · r / (1 − r)``), never merely because a term is small. A point where that method
cannot reach ``TOLERANCE`` evaluates to NaN, so it can never pass silently. The method that
decided is returned with the value, and the evidence of the formula names it.

Results are remembered per integrand (the same expectation is met once per check of a formula
and of its bindings), so a formula costs one integration however often it is evaluated.

>>> import sympy
>>> y, mu = sympy.Symbol("y", real=True), sympy.Symbol("mu", real=True)
>>> sigma = sympy.Symbol("sigma", positive=True)
>>> g = sympy.exp(-((y - mu) ** 2) / (2 * sigma**2)) / (sigma * sympy.sqrt(2 * sympy.pi))
>>> out = expectation(g * ((y - mu) / sigma**2) ** 2, y, Support(-math.inf, math.inf))
>>> out.value, out.method
(sigma**(-2), 'Gaussian moments')
>>> lam, k = sympy.Symbol("lambda", positive=True), sympy.Symbol("y", integer=True)
>>> p = lam**k * sympy.exp(-lam) / sympy.factorial(k)
>>> expectation(p * (k / lam - 1) ** 2, k, Support(0, math.inf, integer=True)).value
1/lambda
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import math
import signal
import threading
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.utilities.lambdify import implemented_function

from . import euler
from .prove import MPMATH

EXACT = ("Gaussian moments", "Euler integral", "sympy.integrate", "sympy.summation")
SYMBOLIC_SECONDS = 10.0  # sympy's CPU budget per expectation; 0 skips to the numeric method
TOLERANCE = 1e-10  # relative tolerance of the numeric fallback
DIGITS = 20  # working precision of the numeric fallback
MAX_TERMS = 200_000  # a sum whose rest is not bounded by then is NaN at that point
WINDOW = 10  # successive ratios the ratio test looks at


@dataclass(frozen=True)
class Support:
    """The declared range of the random variable: ``[lo, hi]``, of integers or reals."""

    lo: float
    hi: float
    integer: bool = False

    def describe(self) -> str:
        if self.integer and self.lo == 0 and math.isinf(self.hi):
            return "ℕ"
        if math.isinf(self.lo) and math.isinf(self.hi):
            return "ℝ"
        lo = "−∞" if math.isinf(self.lo) else f"{self.lo:g}"
        hi = "∞" if math.isinf(self.hi) else f"{self.hi:g}"
        return f"({lo}, {hi})"


@dataclass(frozen=True)
class Bound:
    """A parameter's declared interval, which decides the conditions sympy attaches."""

    symbol: sympy.Symbol
    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False

    def facts(self) -> list:
        """What sympy's assumptions system may take as known about the symbol."""
        out = []
        if math.isfinite(self.lo):
            bound = sympy.nsimplify(self.lo)
            out.append(
                sympy.Q.ge(self.symbol, bound) if self.lo_closed else sympy.Q.gt(self.symbol, bound)
            )
        if math.isfinite(self.hi):
            bound = sympy.nsimplify(self.hi)
            out.append(
                sympy.Q.le(self.symbol, bound) if self.hi_closed else sympy.Q.lt(self.symbol, bound)
            )
        return out

    def interval(self) -> sympy.Interval:
        lo = sympy.nsimplify(self.lo) if math.isfinite(self.lo) else -sympy.oo
        hi = sympy.nsimplify(self.hi) if math.isfinite(self.hi) else sympy.oo
        return sympy.Interval(lo, hi, not self.lo_closed, not self.hi_closed)


@dataclass(frozen=True)
class Outcome:
    """The expectation as a sympy expression of the parameters, and how it was obtained."""

    value: sympy.Expr
    method: str  # Gaussian moments | sympy.integrate | sympy.summation | mpmath.quad | …
    via: str = ""  # a change of variable made first ("y = tanh(u)"), shown with the method

    @property
    def exact(self) -> bool:
        return self.method in EXACT

    def kind(self, support: Support) -> str:
        """The evidence method the ledger shows: integral | series | quadrature | truncated sum."""
        if self.exact:
            return "series" if support.integer else "integral"
        return "truncated sum" if support.integer else "quadrature"

    def describe(self, var: str, support: Support) -> str:
        method = f"{self.method} in {self.via}" if self.via else self.method
        if self.exact:
            return f"E over {var} ∈ {support.describe()} exact by {method}"
        return (
            f"E over {var} ∈ {support.describe()} by {method} "
            f"({DIGITS} digits, rtol {TOLERANCE:g}; sympy did not decide; a point where this "
            "method cannot reach the tolerance is not a number, and fails)"
        )


_MEMO: dict[tuple, Outcome] = {}


def expectation(
    integrand: sympy.Expr, var: sympy.Symbol, support: Support, bounds: tuple[Bound, ...] = ()
) -> Outcome:
    """∫ or Σ of ``integrand`` over ``support`` in ``var``: exact if sympy decides in time.

    ``bounds`` are the declared intervals of the integrand's other symbols: a conditional
    answer is exact only where they settle its condition.
    """
    key = (integrand, var, support, bounds, SYMBOLIC_SECONDS > 0)
    if key not in _MEMO:
        via = ""
        changed = _change_of_variable(integrand, var, support)
        if changed is not None:
            integrand, var, support, via = changed
        outcome = _symbolic(integrand, var, support, bounds) if SYMBOLIC_SECONDS > 0 else None
        outcome = outcome or _numeric(integrand, var, support)
        _MEMO[key] = Outcome(outcome.value, outcome.method, via)
    return _MEMO[key]


def _change_of_variable(
    integrand: sympy.Expr, var: sympy.Symbol, support: Support
) -> tuple[sympy.Expr, sympy.Symbol, Support, str] | None:
    """Over (−1, 1), an integrand that holds artanh(y) is integrated in u = artanh(y) over ℝ.

    The density of a tanh-squashed Gaussian is a Gaussian in artanh(y) divided by
    1 − y²: in y its mass crowds against ±1 closer than any working precision resolves when
    the scale is large, while in u it is the Gaussian, whose moments are exact. With
    y = tanh(u), dy = (1 − tanh²u) du, and artanh(tanh(u)) = u for real u: the same integral,
    exactly. Anything left in tanh(u) stays for sympy or quadrature, now over ℝ.

    >>> y = sympy.Symbol("y", real=True)
    >>> integrand, u, support, via = _change_of_variable(sympy.atanh(y) / (1 - y**2), y,
    ...                                                   Support(-1, 1))
    >>> integrand, support.describe(), via
    (y_u, 'ℝ', 'u = artanh(y)')
    """
    if support.integer or (support.lo, support.hi) != (-1, 1) or not integrand.has(sympy.atanh):
        return None
    u = sympy.Symbol(f"{var.name}_u", real=True)
    moved = integrand.subs(var, sympy.tanh(u)) * (1 - sympy.tanh(u) ** 2)
    moved = moved.replace(lambda e: e == sympy.atanh(sympy.tanh(u)), lambda e: u)
    moved = sympy.factor_terms(sympy.cancel(moved)) if moved.has(sympy.tanh) else moved
    return moved, u, Support(-math.inf, math.inf), f"u = artanh({var.name})"


def decide(value: sympy.Expr, bounds: tuple[Bound, ...]) -> sympy.Expr:
    """``value`` with every condition its declared bounds settle taken: each ``Piecewise``
    becomes the branch whose condition holds on the whole declared domain (a branch whose
    condition cannot be settled there stays a ``Piecewise``).

    >>> p = sympy.Symbol("p", positive=True)
    >>> k = sympy.Symbol("k", integer=True)
    >>> series = sympy.summation(p * (1 - p) ** k, (k, 0, sympy.oo))
    >>> decide(series, (Bound(p, 0.0, 1.0),))
    1
    """
    facts = [fact for bound in bounds for fact in bound.facts()]
    if facts:
        value = sympy.refine(value, sympy.And(*facts))
    by_symbol = {b.symbol: b for b in bounds}

    def taken(piecewise: sympy.Piecewise) -> sympy.Expr:
        for expr, condition in piecewise.args:
            holds = _holds(condition, by_symbol, facts)
            if holds is None:
                return piecewise
            if holds:
                return expr
        return piecewise

    return value.replace(lambda e: isinstance(e, sympy.Piecewise), taken)


def _holds(condition, bounds: dict[sympy.Symbol, Bound], facts: list) -> bool | None:
    """Whether ``condition`` holds everywhere on the declared domain (None: undecided).

    >>> r, p = sympy.Symbol("r", positive=True), sympy.Symbol("p", positive=True)
    >>> either = ((r >= 1) & (p < 1)) | ((p <= 1) & (r < 1) & sympy.Ne(p, 1))
    >>> b = {p: Bound(p, 0.0, 1.0), r: Bound(r, 0.0, math.inf)}
    >>> _holds(either, b, [f for x in b.values() for f in x.facts()])
    True
    """
    if facts:
        condition = sympy.refine(condition, sympy.And(*facts))
    if condition in (sympy.true, sympy.false, True, False):
        return bool(condition)
    free = condition.free_symbols
    if len(free) == 1 and next(iter(free)) in bounds:
        symbol = next(iter(free))
        domain = bounds[symbol].interval()
        try:
            where = sympy.solveset(condition, symbol, domain=sympy.S.Reals)
        except (NotImplementedError, ValueError, TypeError):
            where = None
        if where is not None and domain.is_subset(where):
            return True
        if where is not None and sympy.Intersection(where, domain) is sympy.S.EmptySet:
            return False
    if isinstance(condition, sympy.And | sympy.Or):
        parts = [_holds(c, bounds, facts) for c in condition.args]
        if isinstance(condition, sympy.And):
            return False if False in parts else (True if all(parts) else None)
        if True in parts:
            return True
        if all(part is False for part in parts):
            return False
        # each part undecided alone: decide the whole on what the bounds settle of each part
        settled = condition.func(
            *(c for c, h in zip(condition.args, parts, strict=True) if h is not False)
        )
        if len(settled.free_symbols) == 1 and settled != condition:
            return _holds(settled, bounds, facts)
    return None


# --- exact --------------------------------------------------------------------------------


class _OutOfTime(BaseException):  # not an Exception: sympy's own handlers must not swallow it
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` of this process's CPU time (main thread only;
    elsewhere, no limit). CPU time, not wall time: on a machine busy with other work sympy
    gets the same budget, so whether it decides does not depend on the load."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGPROF"):
        yield
        return

    def interrupt(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGPROF, interrupt)
    outer, _ = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer:  # someone else's timer was running: give it back (at least a moment)
            signal.setitimer(signal.ITIMER_PROF, max(outer - seconds, 1e-3))


def _symbolic(
    integrand: sympy.Expr, var: sympy.Symbol, support: Support, bounds: tuple[Bound, ...]
) -> Outcome | None:
    lo = -sympy.oo if math.isinf(support.lo) else sympy.nsimplify(support.lo)
    hi = sympy.oo if math.isinf(support.hi) else sympy.nsimplify(support.hi)
    try:
        with _time_limit(SYMBOLIC_SECONDS):
            if support.integer:
                value, method = _sum(integrand, var, lo, hi), "sympy.summation"
            else:
                value = _gaussian(integrand, var) if (lo, hi) == (-sympy.oo, sympy.oo) else None
                method = "Gaussian moments"
                if value is None:  # Beta and Gamma kernels over (0, 1) and (0, ∞)
                    value, method = euler.integrate(integrand, var, lo, hi), "Euler integral"
                if value is None:
                    value, method = sympy.integrate(integrand, (var, lo, hi)), "sympy.integrate"
            value = decide(value, bounds)
            if value.has(sympy.hyper, sympy.meijerg):
                value = sympy.hyperexpand(value)
            if sympy.count_ops(value) <= 100 or value.has(sympy.erf, sympy.erfc):
                # small results read (and prove) best simplified; erf(±∞) pieces cancel
                value = sympy.simplify(value)
    except _OutOfTime:
        return None
    except (NotImplementedError, ValueError, TypeError, sympy.PolynomialError, RecursionError):
        return None
    unresolved = (
        sympy.Integral,
        sympy.Sum,
        sympy.Piecewise,
        sympy.erf,
        sympy.erfc,
        sympy.hyper,
        sympy.meijerg,
    )
    if value.has(*unresolved) or value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
        return None
    return Outcome(value, method)


def _gaussian(integrand: sympy.Expr, var: sympy.Symbol) -> sympy.Expr | None:
    """∫ over ℝ of Σ polynomial(y) · exp(a y² + b y + c) with a < 0, by completing the square.

    With m = −b/(2a): ∫ P(y) e^(a y² + b y + c) dy = e^(c − a m²) Σ_k P_k ∫ z^k e^(a z²) dz
    where P(m + z) = Σ_k P_k z^k, and ∫ z^(2j) e^(a z²) dz = Γ(j + ½) / (−a)^(j + ½) (odd
    moments vanish). Exact; None when a term is not of that shape (sympy.integrate then tries).
    """
    z = sympy.Dummy("z", real=True)
    combined = sympy.powsimp(sympy.expand(sympy.powsimp(integrand)), combine="exp")
    groups: dict[sympy.Expr, sympy.Expr] = {}  # exponent → the polynomial multiplying it
    for term in sympy.Add.make_args(combined):
        const, dependent = term.as_independent(var, as_Add=False)
        exponent, rest = sympy.Integer(0), []
        for factor in sympy.Mul.make_args(dependent):
            if isinstance(factor, sympy.exp):
                exponent += factor.args[0]
            elif factor.is_Pow and factor.base == sympy.E:
                exponent += factor.exp
            else:
                rest.append(factor)
        exponent = sympy.expand(exponent)
        groups[exponent] = groups.get(exponent, sympy.Integer(0)) + const * sympy.Mul(*rest)
    total = sympy.Integer(0)
    for exponent, poly in groups.items():
        try:
            q = sympy.Poly(exponent, var)
            p = sympy.Poly(sympy.expand(poly), var)
        except sympy.PolynomialError:
            return None
        if q.degree() != 2:
            return None
        a, b, c = q.all_coeffs()
        if not (-a).is_positive:
            return None
        m = -b / (2 * a)
        shifted = sympy.Poly(sympy.expand(p.as_expr().subs(var, m + z)), z)
        moments = sympy.Integer(0)
        for (k,), coeff in shifted.terms():
            if k % 2 == 0:
                half = sympy.Rational(k + 1, 2)
                moments += coeff * sympy.gamma(half) / (-a) ** half
        total += sympy.exp(sympy.expand(c - a * m**2)) * moments
    return total


def _sum(integrand: sympy.Expr, var: sympy.Symbol, lo, hi) -> sympy.Expr:
    """Σ term by term; exp(a·y + b) is read as exp(b)·u^y with u = exp(a) > 0 (log-rates)."""
    powers: dict[sympy.Expr, sympy.Dummy] = {}

    def as_power(e: sympy.Expr) -> sympy.Expr:
        arg = sympy.expand(e.args[0])
        a = arg.coeff(var)
        b = sympy.expand(arg - a * var)
        if a == 0 or a.has(var) or b.has(var):
            return e
        u = powers.setdefault(a, sympy.Dummy("u", positive=True))
        return sympy.exp(b) * u**var

    rewritten = integrand.replace(lambda e: isinstance(e, sympy.exp) and e.has(var), as_power)
    terms = sympy.Add.make_args(sympy.expand(rewritten))
    total = sympy.Add(*(sympy.summation(t, (var, lo, hi)) for t in terms))
    return total.subs({u: sympy.exp(a) for a, u in powers.items()})


# --- numeric fallback ------------------------------------------------------------------------


def _numeric(integrand: sympy.Expr, var: sympy.Symbol, support: Support) -> Outcome:
    import mpmath

    params = sorted(integrand.free_symbols - {var}, key=lambda s: s.name)
    # exp(a) exp(−a) as one exp: far out, one factor underflows to 0 as the other overflows,
    # and their product would be NaN (a density times its own reciprocal, as in g · (∂ ln g)²)
    combined = sympy.powsimp(integrand, combine="exp")
    f = sympy.lambdify([var, *params], combined, modules=MPMATH)
    lo = -mpmath.inf if math.isinf(support.lo) else mpmath.mpf(support.lo)
    hi = mpmath.inf if math.isinf(support.hi) else mpmath.mpf(support.hi)

    def at_point(row: tuple[float, ...]) -> float:
        with mpmath.workdps(DIGITS):
            args = [mpmath.mpf(v) for v in row]
            try:
                if support.integer:
                    return _truncated_sum(f, args, int(support.lo), mpmath)
                points = [lo, *_breakpoints(args, lo, hi), hi]
                value, error = mpmath.quad(lambda v: f(v, *args), points, error=True)
            except (ZeroDivisionError, ValueError, OverflowError):
                return math.nan
            value = mpmath.re(value)
            if error > TOLERANCE * max(1, abs(value)):
                return math.nan
            return float(value)

    memo: dict[tuple[float, ...], float] = {}

    def remembered(row: tuple[float, ...]) -> float:
        if row not in memo:
            memo[row] = at_point(row)
        return memo[row]

    def evaluate(*columns):
        scalar = all(np.ndim(c) == 0 for c in columns)
        arrays = np.broadcast_arrays(
            *(np.atleast_1d(np.asarray(c, dtype=object)).astype(float) for c in columns)
        )
        rows = arrays[0].shape[0] if arrays else 1
        out = np.array([remembered(tuple(a[i] for a in arrays)) for i in range(rows)])
        return float(out[0]) if scalar else out

    digest = hashlib.sha256(sympy.srepr(integrand).encode()).hexdigest()[:8]
    name = "E_quad" if not support.integer else "E_sum"
    function = implemented_function(sympy.Function(f"{name}_{digest}"), evaluate)
    method = "truncated sum" if support.integer else "mpmath.quad"
    return Outcome(function(*params), method)


def _breakpoints(args, lo, hi) -> list:
    """Where to split the integral: each parameter value a and, for each positive one b,
    a ± b and a ± 10 b (location and scale, whatever the family), and 0."""
    scales = [b for b in args if b > 0]
    points = {0, *args}
    for a in args:
        for b in scales:
            points |= {a - b, a + b, a - 10 * b, a + 10 * b}
    return sorted(v for v in points if lo < v < hi)


def _truncated_sum(f, args, start: int, mpmath) -> float:
    """Σ from ``start`` until the rest of the series is bounded below ``TOLERANCE`` of the sum.

    Past the largest parameter (beyond a count's mode), once the ratios of successive terms
    over the last ``WINDOW`` terms are all below 1 and none exceeds the one before, the rest is
    bounded by the geometric series of the largest of them: ``|term| · r / (1 − r)``.
    A series whose ratios creep towards 1 (a tail like 1/k²) never gets a bound and is NaN.

    >>> import mpmath, math
    >>> p = 0.003  # geometric: the terms p (1 − p)^k shrink by 0.997 a step
    >>> total = _truncated_sum(lambda k, p: p * (1 - p) ** k, [mpmath.mpf(p)], 0, mpmath)
    >>> abs(total - 1) < 1e-10
    True
    >>> math.isnan(_truncated_sum(lambda k: 1 / (k + 1) ** 2, [], 0, mpmath))
    True
    """
    total = mpmath.mpf(0)
    past = max([abs(a) for a in args] + [mpmath.mpf(0)])
    slack = 1 + mpmath.mpf(10) ** (3 - DIGITS)  # rounding in a ratio is not growth
    ratios: list = []
    previous = None
    for y in range(start, start + MAX_TERMS):
        value = mpmath.re(f(mpmath.mpf(y), *args))
        total += value
        term = abs(value)
        if previous is not None and y > past:
            ratio = term / previous if previous else (mpmath.inf if term else mpmath.mpf(0))
            ratios = [*ratios[-(WINDOW - 1) :], ratio]
            shrinking = all(b <= a * slack for a, b in itertools.pairwise(ratios))
            if len(ratios) == WINDOW and shrinking and max(ratios) < 1:
                r = max(ratios)
                if term * r / (1 - r) <= TOLERANCE * abs(total):
                    return float(total)
        previous = term
    return math.nan
