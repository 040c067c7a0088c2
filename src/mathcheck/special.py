r"""Special functions of the densities torch has: Γ, ln Γ, digamma ψ, the Beta function,
binomial and multinomial coefficients.

The parser reads ``\Gamma(x)``, ``\ln \Gamma(x)``, ``\psi(x)`` (digamma; ``\psi^{(1)}(x)`` or
``\psi'(x)`` trigamma), ``\operatorname{B}(\alpha, \beta)``, ``\binom{n}{k}`` (real arguments
too) and ``\binom{n}{x_1, \dots, x_K}`` into :class:`mathcheck.latex.Special` nodes, unless
the page declares or defines the name for something else; this module says what each one is
in sympy, and how float64 evaluates it at the sample points (numpy has no Γ; mpmath gives
ψ and its derivatives).

>>> import sympy
>>> a, b = sympy.symbols("a b", positive=True)
>>> SYMPY["beta"](a, b)
gamma(a)*gamma(b)/gamma(a + b)
>>> NUMPY["polygamma"](0, [1.0])  # ψ(1) = −γ
array([-0.57721566])
"""

from __future__ import annotations

import math

import numpy as np
import sympy

# name → (how many arguments, the sympy function); Β is written through Γ so that proofs
# only ever meet Γ and its logarithmic derivatives
SYMPY = {
    "gamma": sympy.gamma,
    "digamma": lambda x: sympy.polygamma(0, x),
    "trigamma": lambda x: sympy.polygamma(1, x),
    "beta": lambda a, b: sympy.gamma(a) * sympy.gamma(b) / sympy.gamma(a + b),
    "max": sympy.Max,
    "min": sympy.Min,
}
ARITY = {"gamma": 1, "digamma": 1, "trigamma": 1, "beta": 2, "max": 0, "min": 0}  # 0: any
SHOWN = {"gamma": "Γ", "digamma": "ψ", "trigamma": "ψ′", "beta": "B", "max": "max", "min": "min"}


def multinomial(n: sympy.Expr, parts: list[sympy.Expr]) -> sympy.Expr:
    """n! / (x_1! ⋯ x_K!): the multinomial coefficient (Γ-based, so real arguments work too).

    >>> multinomial(sympy.Integer(3), [sympy.Integer(1), sympy.Integer(2)])
    3
    """
    return sympy.factorial(n) / sympy.Mul(*(sympy.factorial(x) for x in parts))


def _each(fn):
    """A float function made to run over arrays (and scalars) of sample points."""

    def vectorised(*args):
        return np.vectorize(fn, otypes=[float])(*(np.asarray(a, dtype=float) for a in args))

    return vectorised


def _gamma(x: float) -> float:
    try:
        return math.gamma(x)
    except OverflowError:  # beyond float64: the point is re-checked with mpmath if it matters
        return math.inf
    except ValueError:  # a pole
        return math.nan


def _polygamma(n: float, x: float) -> float:
    import mpmath

    try:
        return float(mpmath.polygamma(int(n), x))
    except (ValueError, ZeroDivisionError):
        return math.nan


NUMPY = {"gamma": _each(_gamma), "polygamma": _each(_polygamma)}
