r"""Euler's integrals in closed form: the expectations of the Beta and Gamma families.

Over (0, 1), ∫ x^p (1 − x)^q dx = B(p + 1, q + 1); over (0, ∞), ∫ x^p e^{−r x} dx =
Γ(p + 1) / r^{p + 1}, for symbolic p, q and r > 0. A logarithm of x (or of 1 − x) multiplying
a term is the derivative of the same integral by p (or q): E[ln x] under a Beta density is
ψ(a) − ψ(a + b) exactly. An integrand made of such terms is integrated term by term; anything
else returns None, and :mod:`mathcheck.expectation` tries sympy and then quadrature.

>>> import sympy
>>> x = sympy.Symbol("x", positive=True)
>>> a, b = sympy.symbols("a b", positive=True)
>>> kernel = x ** (a - 1) * (1 - x) ** (b - 1)
>>> sympy.simplify(integrate(x * kernel, x, 0, 1) / integrate(kernel, x, 0, 1))
a/(a + b)
>>> integrate(sympy.exp(-b * x) * x ** (a - 1), x, 0, sympy.oo)
gamma(a)/b**a
"""

from __future__ import annotations

import sympy


def integrate(integrand: sympy.Expr, x: sympy.Symbol, lo, hi) -> sympy.Expr | None:
    """∫_lo^hi integrand dx over (0, 1) or (0, ∞) when every term has the Euler form."""
    if (lo, hi) == (0, 1):
        form = _beta_term
    elif (lo, hi) == (0, sympy.oo):
        form = _gamma_term
    else:
        return None
    expanded = sympy.expand(sympy.powsimp(sympy.expand_log(integrand, force=True)))
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(expanded):
        value = form(term, x)
        if value is None:
            return None
        total += value
    return total


def _factors(term: sympy.Expr, x: sympy.Symbol):
    """(constant, power of x, power of 1 − x, rate of e^{−r x}, logs of x, logs of 1 − x)."""
    numerator, denominator = sympy.fraction(term)
    # expand leaves x in a sum below the line (μ^a / (a² μ + 2ab μ)): take common factors out
    denominator = sympy.factor_terms(denominator)
    const = sympy.Integer(1)
    p = q = r = sympy.Integer(0)
    logs_x = logs_1mx = 0
    one_minus = 1 - x
    pieces = [(f, 1) for f in sympy.Mul.make_args(numerator)]
    pieces += [(f, -1) for f in sympy.Mul.make_args(denominator)]
    for piece, sign in pieces:
        if not piece.has(x):
            const *= piece**sign
            continue
        factor = piece**sign
        base, exponent = factor.as_base_exp()
        if base == x and not exponent.has(x):
            p += exponent
        elif (base == one_minus or base == -one_minus) and not exponent.has(x):
            if base == -one_minus:  # (x − 1)^e = (−1)^e (1 − x)^e
                const *= (-1) ** exponent
            q += exponent
        elif isinstance(factor, sympy.exp) or (base == sympy.E and exponent.has(x)):
            argument = sympy.expand(factor.args[0] if isinstance(factor, sympy.exp) else exponent)
            rate = -argument.coeff(x)
            rest = sympy.expand(argument + rate * x)
            if rest.has(x) or rate.has(x):
                return None
            r += rate
            const *= sympy.exp(rest)
        elif isinstance(base, sympy.log) and exponent.is_Integer and exponent > 0:
            if base.args[0] == x:
                logs_x += int(exponent)
            elif base.args[0] == one_minus:
                logs_1mx += int(exponent)
            else:
                return None
        else:
            return None
    return const, p, q, r, logs_x, logs_1mx


def _beta_term(term: sympy.Expr, x: sympy.Symbol) -> sympy.Expr | None:
    found = _factors(term, x)
    if found is None:
        return None
    const, p, q, r, logs_x, logs_1mx = found
    if r != 0:
        return None
    s, t = sympy.Dummy("s"), sympy.Dummy("t")
    value = sympy.gamma(s + 1) * sympy.gamma(t + 1) / sympy.gamma(s + t + 2)
    value = sympy.diff(value, s, logs_x) if logs_x else value
    value = sympy.diff(value, t, logs_1mx) if logs_1mx else value
    return const * value.subs({s: p, t: q})


def _gamma_term(term: sympy.Expr, x: sympy.Symbol) -> sympy.Expr | None:
    found = _factors(term, x)
    if found is None:
        return None
    const, p, q, r, logs_x, logs_1mx = found
    if q != 0 or logs_1mx or r == 0 or not (r.is_positive or r.is_Symbol):
        return None
    s = sympy.Dummy("s")
    value = sympy.gamma(s + 1) / r ** (s + 1)
    value = sympy.diff(value, s, logs_x) if logs_x else value
    return const * value.subs(s, p)
