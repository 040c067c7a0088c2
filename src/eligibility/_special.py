r"""Special functions computed to float64's precision where torch's are less exact.

``torch.special.polygamma(1, x)`` (the trigamma ψ′) is off by a few 1e-10 relative at moderate
x. The Fisher informations of the Beta and Dirichlet subtract two trigammas of nearby
arguments, ψ′(α) − ψ′(α + β), which turns that into errors of 1e-8 and more: larger than the
tolerance at which the book holds a closed form to its formula.
"""

from __future__ import annotations

import torch
from torch import Tensor

_SHIFT = 10  # ψ′(x) = ψ′(x + 1) + 1/x²: ten steps take every x > 0 to 10 or beyond
# ψ′(x) ~ 1/x + 1/(2x²) + Σ_k B_2k / x^(2k+1), Bernoulli numbers B_2 … B_14; at x ≥ 10 the
# first term left out, B_16/x¹⁷, is below 1e-16 of ψ′(x)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def trigamma(x: Tensor) -> Tensor:
    r"""ψ′(x) = d² ln Γ(x) / dx² for x > 0, elementwise, differentiable, in the dtype of x.

    By the recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then the asymptotic series.

    Examples
    --------
    >>> import math
    >>> value = trigamma(torch.tensor([1.0, 0.5], dtype=torch.float64))
    >>> abs(value[0].item() - math.pi**2 / 6) < 1e-15, abs(value[1].item() - math.pi**2 / 2) < 1e-14
    (True, True)
    """
    total = torch.zeros_like(x)
    for _ in range(_SHIFT):
        small = x < _SHIFT
        total = total + torch.where(small, 1 / x**2, torch.zeros_like(x))
        x = torch.where(small, x + 1, x)
    inv = 1 / x
    inv2 = inv * inv
    series = torch.zeros_like(x)
    for b in reversed(_BERNOULLI):
        series = (series + b) * inv2
    return total + inv * (1 + inv / 2 + series)
