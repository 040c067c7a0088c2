r"""Normal (Williams' Gaussian unit): log-density, eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Normal` names them: ``loc`` μ and
``scale`` σ > 0.

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
    """The eligibilities of the two parameters."""

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
    r"""ln g(y; μ, σ) = −(y − μ)² / (2σ²) − ln σ − ½ ln 2π.

    Examples
    --------
    >>> log_prob(torch.tensor(0.0), loc=torch.tensor(0.0), scale=torch.tensor(1.0))
    tensor(-0.9189)
    """
    value, loc, scale = _params(value, loc, scale, validate)
    return -((value - loc) ** 2) / (2 * scale**2) - torch.log(scale) - 0.5 * math.log(2 * math.pi)


def eligibility(value, *, loc, scale, validate: bool = True) -> NormalEligibility:
    r"""(∂/∂μ, ∂/∂σ) of ln g: ((y − μ)/σ², ((y − μ)² − σ²)/σ³).

    Examples
    --------
    >>> e = eligibility(torch.tensor(2.0), loc=torch.tensor(0.0), scale=torch.tensor(2.0))
    >>> e.loc, e.scale
    (tensor(0.5000), tensor(0.))

    Notes
    -----
    Implements ``eq-normal-eligibility-loc`` and ``eq-normal-eligibility-scale`` (Williams'
    Gaussian unit). For the log-scale s = ln σ, multiply the scale eligibility by σ.
    """
    value, loc, scale = _params(value, loc, scale, validate)
    diff = value - loc
    return NormalEligibility(diff / scale**2, (diff**2 - scale**2) / scale**3)


def fisher_information(*, loc, scale, validate: bool = True) -> Tensor:
    r"""The 2×2 Fisher information in (μ, σ): diag(1/σ², 2/σ²), shape ``(..., 2, 2)``.

    Examples
    --------
    >>> fisher_information(loc=torch.tensor(0.0), scale=torch.tensor(2.0))
    tensor([[0.2500, 0.0000],
            [0.0000, 0.5000]])

    Notes
    -----
    Implements ``eq-normal-fisher``; the off-diagonal E[e_μ e_σ] vanishes because odd moments
    of y − μ do.
    """
    _, loc, scale = _params(loc, loc, scale, validate)
    diag = torch.stack([1 / scale**2, 2 / scale**2], dim=-1)
    return torch.diag_embed(diag)
