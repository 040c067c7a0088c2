r"""Expectations over infinite supports: an integral over an interval, a sum over ℕ.

``\mathbb{E}_{y}[\dots]`` over a finite support is a finite sum (see ``translate``). When ``y``
is declared continuous (``y \in \mathbb{R}``, ``y \in (0, \infty)``) the expectation is the
exact integral of density × body over the declared interval: over ℝ, a polynomial times a
Gaussian is integrated by completing the square (exact and fast), anything else goes to
``sympy.integrate``; when ``y`` is declared in ℕ it is the exact infinite sum from 0
(``sympy.summation``, term by term). The parameters' sympy symbols carry their declared
domains as assumptions (``σ ∈ (0, ∞)`` is positive), which is what lets sympy decide.

Where sympy cannot decide within ``SYMBOLIC_SECONDS`` (or returns an unevaluated or
conditional answer), the expectation becomes an opaque function of the parameters that is
evaluated numerically at each sample point: ``mpmath.quad`` (tanh-sinh, 20 digits, split at
the point's parameter values and their sums with its
positive ones) for integrals, a direct summation to relative tolerance
``TOLERANCE`` for sums. A point where that method cannot reach ``TOLERANCE`` evaluates to NaN,
so it can never pass silently. The method that decided is returned with the value, and the
evidence of the formula names it.

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
import math
import signal
import threading
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.utilities.lambdify import implemented_function

from . import euler

EXACT = ("Gaussian moments", "Euler integral", "sympy.integrate", "sympy.summation")
SYMBOLIC_SECONDS = 10.0  # sympy's budget per expectation; 0 skips straight to the numeric method
TOLERANCE = 1e-10  # relative tolerance of the numeric fallback
DIGITS = 20  # working precision of the numeric fallback
MAX_TERMS = 200_000  # a sum that has not converged by then is NaN at that point


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
class Outcome:
    """The expectation as a sympy expression of the parameters, and how it was obtained."""

    value: sympy.Expr
    method: str  # Gaussian moments | sympy.integrate | sympy.summation | mpmath.quad | …

    @property
    def exact(self) -> bool:
        return self.method in EXACT

    def kind(self, support: Support) -> str:
        """The evidence method the ledger shows: integral | series | quadrature | truncated sum."""
        if self.exact:
            return "series" if support.integer else "integral"
        return "truncated sum" if support.integer else "quadrature"

    def describe(self, var: str, support: Support) -> str:
        if self.exact:
            return f"E over {var} ∈ {support.describe()} exact by {self.method}"
        return (
            f"E over {var} ∈ {support.describe()} by {self.method} "
            f"({DIGITS} digits, rtol {TOLERANCE:g}; sympy did not decide)"
        )


_MEMO: dict[tuple, Outcome] = {}


def expectation(integrand: sympy.Expr, var: sympy.Symbol, support: Support) -> Outcome:
    """∫ or Σ of ``integrand`` over ``support`` in ``var``: exact if sympy decides in time."""
    key = (integrand, var, support, SYMBOLIC_SECONDS > 0)
    if key not in _MEMO:
        outcome = _symbolic(integrand, var, support) if SYMBOLIC_SECONDS > 0 else None
        _MEMO[key] = outcome or _numeric(integrand, var, support)
    return _MEMO[key]


# --- exact --------------------------------------------------------------------------------


class _OutOfTime(BaseException):  # not an Exception: sympy's own handlers must not swallow it
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (main thread only; elsewhere, no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def interrupt(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, interrupt)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # someone else's timer was running: give it back (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - seconds, 1e-3))


def _symbolic(integrand: sympy.Expr, var: sympy.Symbol, support: Support) -> Outcome | None:
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
            if sympy.count_ops(value) <= 100 or value.has(sympy.erf, sympy.erfc):
                # small results read (and prove) best simplified; erf(±∞) pieces cancel
                value = sympy.simplify(value)
    except _OutOfTime:
        return None
    except (NotImplementedError, ValueError, TypeError, sympy.PolynomialError, RecursionError):
        return None
    unresolved = (sympy.Integral, sympy.Sum, sympy.Piecewise, sympy.erf, sympy.erfc)
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
    f = sympy.lambdify([var, *params], integrand, modules="mpmath")
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
    """Σ from ``start`` until, past the largest parameter, 10 terms in a row are negligible."""
    total, quiet = mpmath.mpf(0), 0
    past = max([abs(a) for a in args] + [mpmath.mpf(0)])
    for y in range(start, start + MAX_TERMS):
        term = mpmath.re(f(mpmath.mpf(y), *args))
        total += term
        if y > past and abs(term) <= TOLERANCE * abs(total):
            quiet += 1
            if quiet >= 10:
                return float(total)
        else:
            quiet = 0
    return math.nan
