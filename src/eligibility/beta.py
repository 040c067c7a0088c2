r"""Beta: the policy for an action in an interval; log-density, eligibility, Fisher information.

Parameters are named as :class:`torch.distributions.Beta` names them: ``concentration1`` α > 0
(the exponent of y) and ``concentration0`` β > 0 (the exponent of 1 − y). An action in
[low, high] is low + (high − low) y: the affine map adds the constant −ln(high − low) to the
log-density and leaves every eligibility unchanged. The eligibilities hold the digamma function
ψ = (ln Γ)′ and the Fisher information the trigamma ψ′ (computed in :mod:`eligibility._special`
to float64 precision).

>>> import torch
>>> eligibility(torch.tensor(0.5), concentration1=torch.tensor(1.0),
...             concentration0=torch.tensor(1.0))
BetaEligibility(concentration1=tensor(0.3069), concentration0=tensor(0.3069))
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from . import _validation as check
from ._special import trigamma


class BetaEligibility(NamedTuple):
    """The eligibilities of α (``concentration1``) and β (``concentration0``)."""

    concentration1: Tensor
    concentration0: Tensor


def _params(value, alpha, beta, validate: bool):
    alpha = check.as_tensor(alpha, "concentration1")
    beta = check.as_tensor(beta, "concentration0", like=alpha)
    if validate:
        check.positive(alpha, "concentration1")
        check.positive(beta, "concentration0")
    if value is None:
        return None, *torch.broadcast_tensors(alpha, beta)
    value = check.as_tensor(value, "value", like=alpha)
    if validate:
        check.not_nan(value, "value")
        bad = ~((value > 0) & (value < 1))
        if bad.any():
            raise ValueError(
                f"value must lie in the open interval (0, 1) for Beta; got {value[bad][0].item():g}"
            )
        try:
            torch.broadcast_shapes(value.shape, alpha.shape, beta.shape)
        except RuntimeError:
            raise ValueError(
                f"value of shape {tuple(value.shape)} does not broadcast with the concentrations "
                f"of shapes {tuple(alpha.shape)} and {tuple(beta.shape)}"
            ) from None
    return torch.broadcast_tensors(value, alpha, beta)


def log_prob(value, *, concentration1, concentration0, validate: bool = True) -> Tensor:
    r"""ln g(y; α, β) = (α − 1) ln y + (β − 1) ln(1 − y) − ln B(α, β), as torch's Beta.

    Examples
    --------
    >>> log_prob(torch.tensor(0.5), concentration1=torch.tensor(2.0),
    ...          concentration0=torch.tensor(2.0))
    tensor(0.4055)

    Notes
    -----
    Implements ``eq-bounded-beta-density``, with ln B(α, β) = ln Γ(α) + ln Γ(β) − ln Γ(α + β).
    """
    y, a, b = _params(value, concentration1, concentration0, validate)
    log_beta = torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)
    return (a - 1) * torch.log(y) + (b - 1) * torch.log1p(-y) - log_beta


def eligibility(value, *, concentration1, concentration0, validate: bool = True):
    r"""(∂/∂α, ∂/∂β) of ln g: (ln y − ψ(α) + ψ(α + β), ln(1 − y) − ψ(β) + ψ(α + β)).

    Examples
    --------
    >>> e = eligibility(torch.tensor(0.25), concentration1=torch.tensor(1.0),
    ...                 concentration0=torch.tensor(2.0))
    >>> e.concentration1, e.concentration0
    (tensor(0.1137), tensor(0.2123))

    Notes
    -----
    Implements ``eq-bounded-beta-eligibility-alpha`` and ``eq-bounded-beta-eligibility-beta``:
    the sufficient statistics (ln y, ln(1 − y)) minus their means, as for every exponential
    family.
    """
    y, a, b = _params(value, concentration1, concentration0, validate)
    total = torch.special.digamma(a + b)
    return BetaEligibility(
        torch.log(y) - torch.special.digamma(a) + total,
        torch.log1p(-y) - torch.special.digamma(b) + total,
    )


def fisher_information(*, concentration1, concentration0, validate: bool = True) -> Tensor:
    r"""The 2×2 Fisher information in (α, β), shape ``(..., 2, 2)``.

    Examples
    --------
    >>> fisher_information(concentration1=torch.tensor(1.0), concentration0=torch.tensor(1.0))
    tensor([[ 1.0000, -0.6449],
            [-0.6449,  1.0000]])

    Notes
    -----
    [[ψ′(α) − ψ′(α + β), −ψ′(α + β)], [−ψ′(α + β), ψ′(β) − ψ′(α + β)]], the Hessian of
    ln B(α, β) (``eq-bounded-beta-fisher``).
    """
    _, a, b = _params(None, concentration1, concentration0, validate)
    total = trigamma(a + b)
    first = trigamma(a) - total
    second = trigamma(b) - total
    return torch.stack([torch.stack([first, -total], -1), torch.stack([-total, second], -1)], -2)
