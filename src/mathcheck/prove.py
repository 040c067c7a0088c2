"""Decide whether two expressions are equal: symbolically when sympy can, else numerically.

>>> import sympy
>>> p = sympy.Symbol("p", positive=True)
>>> prove_zero(sympy.diff(sympy.log(p) + sympy.log(1 - p), p) - (1 - 2 * p) / (p * (1 - p)))
True
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import sympy

from . import special

# Above this size sympy's general simplify can take seconds; cheaper rewrites still run.
SIMPLIFY_OPS_LIMIT = 250
RTOL = 1e-8
ATOL = 1e-10


def prove_zero(difference: sympy.Expr) -> bool | None:
    """True when sympy shows ``difference`` is identically 0; None when it cannot decide."""
    if difference == 0:
        return True
    expanded = _expand_log(difference)
    attempts = (
        lambda e: sympy.cancel(sympy.together(e)),
        lambda e: sympy.cancel(sympy.together(sympy.powsimp(sympy.expand(e.rewrite(sympy.exp))))),
        lambda e: sympy.simplify(e) if sympy.count_ops(e) <= SIMPLIFY_OPS_LIMIT else e,
    )
    for attempt in attempts:
        try:
            if attempt(expanded) == 0:
                return True
        except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
            continue
    return None


def _expand_log(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.expand_log(expr, force=True)``, without its costly first pass where it does nothing.

    That pass rewrites products whose numerator and denominator both hold the logarithm of a
    rational number (``log(8)/log(2)`` → 3), asking every product of ``expr`` for its numerator
    and denominator: a third of the time of a proof on the book's pages, for nothing when
    ``expr`` has no such logarithm. Then only the second pass, sympy's own, is needed.

    >>> p = sympy.Symbol("p", positive=True)
    >>> _expand_log(sympy.log(p**2 * (1 - p))), _expand_log(sympy.log(8) / sympy.log(2))
    (2*log(p) + log(1 - p), 3)
    """
    if any(log.args[0].is_Rational for log in expr.atoms(sympy.log)):
        return sympy.expand_log(expr, force=True)
    return expr.expand(
        deep=True,
        log=True,
        mul=False,
        power_exp=False,
        power_base=False,
        multinomial=False,
        basic=False,
        force=True,
    )


_gamma = special.NUMPY["gamma"]


_NUMPY_EXTRAS = {
    **special.NUMPY,
    "factorial": lambda x: _gamma(np.asarray(x, dtype=float) + 1),
    "binomial": lambda n, k: (
        _gamma(np.asarray(n, float) + 1)
        / (_gamma(np.asarray(k, float) + 1) * _gamma(np.asarray(n, float) - k + 1))
    ),
}


# Printing an expression as Python source is most of lambdify's cost, and the checks of one
# formula evaluate the same expressions again (a claim's rhs for its numeric, autograd and
# binding evidence; a row re-evaluated with mpmath for every row that disagrees): each
# (arguments, expression) is made into a function once. No docstring (docstring_limit=-1):
# lambdify would print every expression a second time for it.
@functools.lru_cache(maxsize=4096)
def _numpy_function(symbols: tuple[sympy.Symbol, ...], expr: sympy.Expr):
    return sympy.lambdify(list(symbols), expr, modules=[_NUMPY_EXTRAS, "numpy"], docstring_limit=-1)


@functools.lru_cache(maxsize=2048)
def _mpmath_function(symbols: tuple[sympy.Symbol, ...], expr: sympy.Expr):
    return sympy.lambdify(list(symbols), expr, modules=MPMATH, docstring_limit=-1)


def evaluate(exprs: list[sympy.Expr], values: dict[sympy.Symbol, np.ndarray], rows: int):
    """Evaluate sympy expressions at sample rows, in float64; each result has shape (rows,)."""
    symbols = sorted(values, key=lambda s: s.name)
    functions = [_numpy_function(tuple(symbols), e) for e in exprs]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            arguments = [values[s] for s in symbols]
            results = [fn(*arguments) for fn in functions]
        except (NameError, TypeError, AttributeError):
            # a function numpy lacks (a Bessel function from an exact series): row by row
            # with mpmath, which has them all
            results = [[evaluate_precise(e, values, row) for row in range(rows)] for e in exprs]
    return [np.broadcast_to(np.asarray(r, dtype=float), (rows,)) for r in results]


def _bounded_exp(x):
    """mpmath's exp, except that an argument beyond 2^4096 in size gives ±∞ at once: exp of
    exp(e^20) would need log₂ of its argument in bits just to reduce it, and never return
    (exp(−8e87), a log-density's tail, is still computed).

    >>> import mpmath
    >>> float(mpmath.log(_bounded_exp(mpmath.mpf("-8e87")))), _bounded_exp(mpmath.mpf(2) ** 5000)
    (-8e+87, mpf('+inf'))
    """
    import mpmath

    if mpmath.isfinite(x) and mpmath.mag(x) > 4096:
        return mpmath.inf if x > 0 else mpmath.mpf(0)
    return mpmath.exp(x)


MPMATH = [{"exp": _bounded_exp}, "mpmath"]  # the modules every mpmath evaluation uses


PRECISE_DIGITS = (50, 200, 1000, 5000)  # tried in turn while the value is not a finite number


def evaluate_precise(expr: sympy.Expr, values: dict[sympy.Symbol, np.ndarray], row: int) -> float:
    """Re-evaluate one row with 50 significant digits (mpmath), or more while that is not
    enough for a finite value.

    Float64 loses everything to cancellation in naive forms such as 1 − σ(20); a row that
    disagrees in float64 is re-evaluated here before it counts as a counter-example. At
    θ = 144, 1 − σ(θ) ≈ 3e−63 is 0 even with 50 digits; 200 tell it apart.

    >>> theta = sympy.Symbol("theta", real=True)
    >>> naive = 1 / (1 - 1 / (1 + sympy.exp(-theta)))
    >>> evaluate_precise(naive, {theta: np.array([144.0])}, 0) > 1e62
    True
    """
    import mpmath

    symbols = sorted(values, key=lambda s: s.name)
    fn = _mpmath_function(tuple(symbols), expr)
    value = float("nan")
    for digits in PRECISE_DIGITS:
        with mpmath.workdps(digits):
            try:
                value = float(mpmath.re(fn(*(mpmath.mpf(float(values[s][row])) for s in symbols))))
            except (ZeroDivisionError, ValueError, OverflowError):
                value = float("nan")
        if math.isfinite(value):
            return value
    return value


def relative_error(a: np.ndarray, b: np.ndarray, atol: float = ATOL) -> np.ndarray:
    """|a − b| scaled by the size of both; equal infinities count as agreement."""
    with np.errstate(all="ignore"):
        err = np.abs(a - b) / (np.maximum(np.abs(a), np.abs(b)) + atol / RTOL)
    same_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    err = np.where(same_inf, 0.0, err)
    return np.where(np.isnan(err), np.inf, err)


def agree(a: np.ndarray, b: np.ndarray, atol: float = ATOL) -> np.ndarray:
    """Per-row agreement within RTOL (relative) or ``atol`` (absolute).

    An infinity agrees only with the same infinity (the tolerance scaled by an infinite value
    would otherwise let −∞ agree with every number). Logarithms of densities are compared
    with ``atol = RTOL``: an absolute difference ε in ln g is a relative difference ε in g.

    >>> agree(np.array([1.0, -np.inf, np.inf, np.nan]), np.array([1.0 + 1e-12, -3.0, np.inf, 2.0]))
    array([ True, False,  True, False])
    """
    with np.errstate(all="ignore"):
        finite = np.isfinite(a) & np.isfinite(b)
        close = finite & (np.abs(a - b) <= atol + RTOL * np.maximum(np.abs(a), np.abs(b)))
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    return close | same_inf | both_nan
