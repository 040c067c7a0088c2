r"""Entropy and KL divergence of a policy, and their gradients in eligibility form.

The gradient of the entropy is an expectation of eligibilities, ∇H = −E[(ln g) e], so a policy
can be regularised towards exploration with the same samples REINFORCE uses (Williams & Peng
1991). Closed forms here, for the categorical policy (logits, or torch's weights ``probs``) and
the Gaussian (scale σ or s = ln σ); torch's ``entropy()`` and ``kl_divergence`` agree with them.
The chapter *Entropy and KL* (docs/entropy.md) uses this module.

>>> import torch
>>> entropy_gradient(logits=torch.zeros(3))
tensor([0., 0., 0.])
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from . import _validation as check

__all__ = [
    "entropy",
    "entropy_gradient",
    "kl_divergence",
    "kl_gradient",
    "normal_entropy",
    "normal_entropy_gradient",
    "normal_kl",
    "normal_kl_gradient",
    "regularised_estimate",
]


def _policy(probs, logits, validate: bool, name: str = "") -> tuple[Tensor, Tensor, str, Tensor]:
    """(probabilities, log-probabilities, kind, parameter) of a categorical policy."""
    kind = check.one_of(probs, logits)
    label = f"{name}{kind}"
    param = check.as_tensor(probs if kind == "probs" else logits, label)
    if validate:
        if param.dim() == 0:
            raise ValueError(f"{label} must have a last dimension of K classes; got a scalar")
        (check.weights if kind == "probs" else check.finite_logits)(param, label)
    if kind == "logits":
        log_p = torch.log_softmax(param, -1)
    else:
        log_p = torch.log(param) - torch.log(param.sum(-1, keepdim=True))
    return log_p.exp(), log_p, kind, param


def _xlogy(p: Tensor, log_p: Tensor) -> Tensor:
    """p ln p with 0 ln 0 = 0 (a class of probability zero adds nothing to the entropy)."""
    return torch.where(p > 0, p * log_p, torch.zeros_like(p))


def entropy(*, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""H = −Σ_k g_k ln g_k of a categorical policy, shape ``(...)``.

    Examples
    --------
    >>> entropy(logits=torch.zeros(4))  # ln 4
    tensor(1.3863)

    Notes
    -----
    Equals ``torch.distributions.Categorical(...).entropy()`` (``eq-entropy-definition``).
    """
    p, log_p, _, _ = _policy(probs, logits, validate)
    return -_xlogy(p, log_p).sum(-1)


def entropy_gradient(*, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""∂H/∂(the parameter passed), shape ``(..., K)``.

    Logits θ: −g_j (ln g_j + H). Weights π (torch's ``probs``): −(ln g_j + H) / Σ_i π_i.

    Examples
    --------
    >>> entropy_gradient(logits=torch.tensor([0.0, 1.0]))
    tensor([ 0.1966, -0.1966])

    Notes
    -----
    Implements ``eq-entropy-gradient-softmax``: the expectation −E[(ln g) e] of
    ``eq-entropy-gradient`` with the softmax eligibility δ_jk − g_j. Both vanish at the uniform
    policy, the entropy's maximum.
    """
    p, log_p, kind, param = _policy(probs, logits, validate)
    h = -_xlogy(p, log_p).sum(-1, keepdim=True)
    if kind == "logits":
        return -torch.where(p > 0, p * (log_p + h), torch.zeros_like(p))
    return -(log_p + h) / param.sum(-1, keepdim=True)


def kl_divergence(
    *, probs=None, logits=None, ref_probs=None, ref_logits=None, validate: bool = True
) -> Tensor:
    r"""KL(g ‖ ρ) = Σ_k g_k (ln g_k − ln ρ_k) of two categorical policies, shape ``(...)``.

    Examples
    --------
    >>> kl_divergence(probs=torch.tensor([0.5, 0.5]), ref_probs=torch.tensor([0.9, 0.1]))
    tensor(0.5108)

    Notes
    -----
    Equals ``torch.distributions.kl_divergence(Categorical(...), Categorical(...))``
    (``eq-entropy-kl-definition``).
    """
    p, log_p, _, _ = _policy(probs, logits, validate)
    _, log_ref, _, _ = _policy(ref_probs, ref_logits, validate, name="ref_")
    return torch.where(p > 0, p * (log_p - log_ref), torch.zeros_like(p)).sum(-1)


def kl_gradient(
    *, probs=None, logits=None, ref_probs=None, ref_logits=None, validate: bool = True
) -> Tensor:
    r"""∂ KL(g ‖ ρ) / ∂(the parameter of g passed), shape ``(..., K)``; ρ is held fixed.

    Logits θ: g_j (ln(g_j / ρ_j) − KL). Weights π: (ln(g_j / ρ_j) − KL) / Σ_i π_i.

    Examples
    --------
    >>> kl_gradient(logits=torch.zeros(2), ref_probs=torch.tensor([0.9, 0.1]))
    tensor([-0.5493,  0.5493])

    Notes
    -----
    Implements ``eq-entropy-kl-gradient-softmax``, the expectation E[(ln g − ln ρ) e] of
    ``eq-entropy-kl-gradient``: the regulariser of a policy kept near a reference policy.
    """
    p, log_p, kind, param = _policy(probs, logits, validate)
    _, log_ref, _, _ = _policy(ref_probs, ref_logits, validate, name="ref_")
    ratio = log_p - log_ref
    kl = torch.where(p > 0, p * ratio, torch.zeros_like(p)).sum(-1, keepdim=True)
    if kind == "logits":
        return p * (ratio - kl)
    return (ratio - kl) / param.sum(-1, keepdim=True)


def regularised_estimate(reward, log_prob, eligibility: Tensor, *, strength, baseline=0.0):
    r"""One-draw estimate of ∇(E[r] + β H): (r − β ln g(y) − b) e, shape of ``eligibility``.

    ``reward`` and ``log_prob`` ``(...)`` are r(y) and ln g(y) at the draws, ``eligibility``
    ``(..., P)``; ``strength`` is β ≥ 0.

    Examples
    --------
    >>> regularised_estimate(torch.tensor(1.0), torch.tensor(-2.0), torch.tensor([0.5, -0.5]),
    ...                      strength=0.5)
    tensor([ 1., -1.])

    Notes
    -----
    The entropy bonus enters as a reward −β ln g(y) (``eq-entropy-regularised``), as in
    Williams & Peng (1991). ``log_prob`` must not carry a graph into the parameters: like the
    reward, it is a constant weight on the eligibility.
    """
    e = check.as_tensor(eligibility, "eligibility")
    r = check.as_tensor(reward, "reward", like=e)
    lp = check.as_tensor(log_prob, "log_prob", like=e)
    beta = check.as_tensor(strength, "strength", like=e)
    if (beta < 0).any():
        raise ValueError(f"strength must be non-negative; got {beta.min().item():g}")
    return (r - beta * lp - baseline).unsqueeze(-1) * e


def _scale(scale, validate: bool) -> Tensor:
    scale = check.as_tensor(scale, "scale")
    if validate:
        check.positive(scale, "scale")
    return scale


def normal_entropy(*, scale, validate: bool = True) -> Tensor:
    r"""H = ½ ln(2π e σ²) of N(μ, σ²), shape ``(...)``; it does not depend on μ.

    Examples
    --------
    >>> normal_entropy(scale=torch.tensor(1.0))
    tensor(1.4189)
    """
    scale = _scale(scale, validate)
    return 0.5 * math.log(2 * math.pi * math.e) + torch.log(scale)


def normal_entropy_gradient(*, scale, log_scale: bool = False, validate: bool = True) -> Tensor:
    r"""(∂H/∂μ, ∂H/∂σ) = (0, 1/σ), or (0, 1) in s = ln σ; shape ``(..., 2)``.

    Examples
    --------
    >>> normal_entropy_gradient(scale=torch.tensor(0.5))
    tensor([0., 2.])

    Notes
    -----
    Implements ``eq-entropy-gaussian-gradient``: −E[(ln g) e_σ] = 1/σ.
    """
    scale = _scale(scale, validate)
    second = torch.ones_like(scale) if log_scale else 1 / scale
    return torch.stack([torch.zeros_like(scale), second], -1)


def normal_kl(*, loc, scale, ref_loc, ref_scale, validate: bool = True) -> Tensor:
    r"""KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) = ln(σ₀/σ) + (σ² + (μ − μ₀)²) / (2σ₀²) − ½, shape ``(...)``.

    Examples
    --------
    >>> normal_kl(loc=torch.tensor(1.0), scale=torch.tensor(1.0), ref_loc=0.0, ref_scale=1.0)
    tensor(0.5000)
    """
    loc, scale, ref_loc, ref_scale = _normal_pair(loc, scale, ref_loc, ref_scale, validate)
    return (
        torch.log(ref_scale / scale) + (scale**2 + (loc - ref_loc) ** 2) / (2 * ref_scale**2) - 0.5
    )


def normal_kl_gradient(*, loc, scale, ref_loc, ref_scale, validate: bool = True) -> Tensor:
    r"""(∂KL/∂μ, ∂KL/∂σ) = ((μ − μ₀)/σ₀², σ/σ₀² − 1/σ), shape ``(..., 2)``.

    Examples
    --------
    >>> normal_kl_gradient(loc=torch.tensor(1.0), scale=torch.tensor(2.0), ref_loc=0.0,
    ...                    ref_scale=1.0)
    tensor([1.0000, 1.5000])

    Notes
    -----
    Implements ``eq-entropy-gaussian-kl-loc`` and ``eq-entropy-gaussian-kl-scale``, the
    expectations E[(ln g − ln g₀) e] over y.
    """
    loc, scale, ref_loc, ref_scale = _normal_pair(loc, scale, ref_loc, ref_scale, validate)
    d_loc = (loc - ref_loc) / ref_scale**2
    d_scale = scale / ref_scale**2 - 1 / scale
    return torch.stack(torch.broadcast_tensors(d_loc, d_scale), -1)


def _normal_pair(loc, scale, ref_loc, ref_scale, validate: bool):
    loc = check.as_tensor(loc, "loc")
    scale = check.as_tensor(scale, "scale", like=loc)
    ref_loc = check.as_tensor(ref_loc, "ref_loc", like=loc)
    ref_scale = check.as_tensor(ref_scale, "ref_scale", like=loc)
    if validate:
        for name, value in (("loc", loc), ("ref_loc", ref_loc)):
            check.not_nan(value, name)
        check.positive(scale, "scale")
        check.positive(ref_scale, "ref_scale")
    return loc, scale, ref_loc, ref_scale
