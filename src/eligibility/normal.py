r"""Normal (Williams' Gaussian unit): log-density, eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Normal` names them: ``loc`` μ and
``scale`` σ > 0. With ``log_scale=True`` the second eligibility and Fisher entry are taken
with respect to s = ln σ instead of σ (the parameterisation that keeps σ positive for free).
Every function is batched, broadcasts like torch, keeps the dtype and stays differentiable.

>>> import torch
>>> eligibility(torch.tensor(1.0), loc=torch.tensor(0.0), scale=torch.tensor(1.0))
NormalEligibility(loc=tensor(1.), scale=tensor(0.))
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor

from . import _validation as check


class NormalEligibility(NamedTuple):
    """The eligibilities of the two parameters: ``loc`` (μ), ``scale`` (σ, or s = ln σ)."""

    loc: Tensor
    scale: Tensor


def _params(value, loc, scale, validate: bool):
    loc = check.as_tensor(loc, "loc")
    scale = check.as_tensor(scale, "scale", like=loc)
    value = check.as_tensor(value, "value", like=loc)
    if validate:
        check.not_nan(loc, "loc")
        check.not_nan(value, "value")
        check.positive(scale, "scale")
        try:
            torch.broadcast_shapes(value.shape, loc.shape, scale.shape)
        except RuntimeError:
            raise ValueError(
                f"value of shape {tuple(value.shape)} does not broadcast with loc of shape "
                f"{tuple(loc.shape)} and scale of shape {tuple(scale.shape)}"
            ) from None
    return torch.broadcast_tensors(value, loc, scale)


def log_prob(value, *, loc, scale, validate: bool = True) -> Tensor:
    r"""ln g(y; μ, σ) = −(y − μ)² / (2σ²) − ln σ − ½ ln 2π, as ``torch.distributions.Normal``.

    Examples
    --------
    >>> log_prob(torch.tensor(0.0), loc=torch.tensor(0.0), scale=torch.tensor(1.0))
    tensor(-0.9189)

    Notes
    -----
    Implements ``eq-gaussian-log-density``, the logarithm of ``eq-gaussian-density``.
    """
    value, loc, scale = _params(value, loc, scale, validate)
    return -((value - loc) ** 2) / (2 * scale**2) - torch.log(scale) - 0.5 * math.log(2 * math.pi)


def eligibility(
    value, *, loc, scale, log_scale: bool = False, validate: bool = True
) -> NormalEligibility:
    r"""(∂/∂μ, ∂/∂σ) of ln g: ((y − μ)/σ², ((y − μ)² − σ²)/σ³).

    With ``log_scale=True`` the second component is ∂/∂s for s = ln σ (``scale`` is still σ
    itself): ((y − μ)² − σ²)/σ² = (y − μ)²/σ² − 1.

    Examples
    --------
    >>> e = eligibility(torch.tensor(2.0), loc=torch.tensor(0.0), scale=torch.tensor(2.0))
    >>> e.loc, e.scale
    (tensor(0.5000), tensor(0.))
    >>> eligibility(torch.tensor(3.0), loc=torch.tensor(1.0), scale=torch.tensor(1.0),
    ...             log_scale=True).scale
    tensor(3.)

    Notes
    -----
    Implements ``eq-gaussian-eligibility-loc``, ``eq-gaussian-eligibility-scale`` and
    ``eq-gaussian-eligibility-log-scale`` (Williams' Gaussian unit). The log-scale form is the
    scale form times dσ/ds = σ: the chain rule.
    """
    value, loc, scale = _params(value, loc, scale, validate)
    diff = value - loc
    if log_scale:
        return NormalEligibility(diff / scale**2, diff**2 / scale**2 - 1)
    return NormalEligibility(diff / scale**2, (diff**2 - scale**2) / scale**3)


def fisher_information(*, loc, scale, log_scale: bool = False, validate: bool = True) -> Tensor:
    r"""The 2×2 Fisher information in (μ, σ): diag(1/σ², 2/σ²), shape ``(..., 2, 2)``.

    With ``log_scale=True``, in (μ, s = ln σ): diag(1/σ², 2).

    Examples
    --------
    >>> fisher_information(loc=torch.tensor(0.0), scale=torch.tensor(2.0))
    tensor([[0.2500, 0.0000],
            [0.0000, 0.5000]])
    >>> fisher_information(loc=torch.tensor(0.0), scale=torch.tensor(2.0), log_scale=True)
    tensor([[0.2500, 0.0000],
            [0.0000, 2.0000]])

    Notes
    -----
    Implements ``eq-gaussian-fisher-loc``, ``eq-gaussian-fisher-scale``,
    ``eq-gaussian-fisher-cross`` and ``eq-gaussian-fisher-log-scale``; the off-diagonal
    E[e_μ e_σ] vanishes because the odd central moments of y do.
    """
    _, loc, scale = _params(loc, loc, scale, validate)
    second = 2 * torch.ones_like(scale) if log_scale else 2 / scale**2
    diag = torch.stack([1 / scale**2, second], dim=-1)
    return torch.diag_embed(diag)
