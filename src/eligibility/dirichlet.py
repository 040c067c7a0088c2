r"""Dirichlet: the continuous policy on the simplex; log-density, eligibility, Fisher information.

The parameter is named as :class:`torch.distributions.Dirichlet` names it: ``concentration``
α ∈ (0, ∞)ᴷ. A draw y is a point of the simplex (positive, summing to 1), shape ``(..., K)``:
an allocation, a mixture, a portfolio. The Beta is the Dirichlet with K = 2.

>>> import torch
>>> eligibility(torch.tensor([0.5, 0.5]), concentration=torch.tensor([1.0, 1.0]))
tensor([0.3069, 0.3069])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check
from ._special import trigamma


def _params(value, concentration, validate: bool):
    alpha = check.as_tensor(concentration, "concentration")
    if validate:
        if alpha.dim() == 0 or alpha.shape[-1] < 2:
            raise ValueError(
                "concentration must have a last dimension of K ≥ 2 components; "
                f"got shape {tuple(alpha.shape)}"
            )
        check.positive(alpha, "concentration")
    if value is None:
        return None, alpha
    value = check.as_tensor(value, "value", like=alpha)
    if validate:
        if value.dim() == 0 or value.shape[-1] != alpha.shape[-1]:
            raise ValueError(
                f"value must have a last dimension of K={alpha.shape[-1]}; "
                f"got shape {tuple(value.shape)}"
            )
        check.broadcast(value.shape[:-1], alpha.shape, event=1)
        check.not_nan(value, "value")
        tol = 1e-4 if value.dtype in (torch.float16, torch.bfloat16, torch.float32) else 1e-9
        if (value <= 0).any() or ((value.sum(-1) - 1).abs() > tol).any():
            raise ValueError("value must be a point of the simplex: positive, summing to 1")
    return torch.broadcast_tensors(value, alpha)


def log_prob(value, *, concentration, validate: bool = True) -> Tensor:
    r"""ln g(y; α) = Σ (α_i − 1) ln y_i + ln Γ(Σ α_i) − Σ ln Γ(α_i), as torch's Dirichlet.

    Examples
    --------
    >>> log_prob(torch.tensor([0.2, 0.3, 0.5]), concentration=torch.ones(3))  # ln 2!
    tensor(0.6931)

    Notes
    -----
    Implements ``eq-bounded-dirichlet-density``.
    """
    y, alpha = _params(value, concentration, validate)
    return (
        ((alpha - 1) * torch.log(y)).sum(-1)
        + torch.lgamma(alpha.sum(-1))
        - torch.lgamma(alpha).sum(-1)
    )


def eligibility(value, *, concentration, validate: bool = True) -> Tensor:
    r"""∂ ln g(y; α)/∂α_j = ln y_j − ψ(α_j) + ψ(Σ_i α_i), shape ``(..., K)``.

    Examples
    --------
    >>> eligibility(torch.tensor([0.25, 0.75]), concentration=torch.tensor([1.0, 2.0]))
    tensor([0.1137, 0.2123])

    Notes
    -----
    Implements ``eq-bounded-dirichlet-eligibility``; with K = 2 it is the Beta's.
    """
    y, alpha = _params(value, concentration, validate)
    total = torch.special.digamma(alpha.sum(-1, keepdim=True))
    return torch.log(y) - torch.special.digamma(alpha) + total


def fisher_information(*, concentration, validate: bool = True) -> Tensor:
    r"""E[e eᵀ] = diag(ψ′(α)) − ψ′(Σ α) 11ᵀ, shape ``(..., K, K)``.

    Examples
    --------
    >>> fisher_information(concentration=torch.tensor([1.0, 1.0]))
    tensor([[ 1.0000, -0.6449],
            [-0.6449,  1.0000]])

    Notes
    -----
    Implements ``eq-bounded-dirichlet-fisher``: the Hessian of ln Π Γ(α_i) − ln Γ(Σ α_i).
    """
    _, alpha = _params(None, concentration, validate)
    total = trigamma(alpha.sum(-1))[..., None, None]
    return torch.diag_embed(trigamma(alpha)) - total
