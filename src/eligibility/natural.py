r"""The natural gradient: the Fisher information as a metric, including where it is singular.

The natural gradient solves F x = ∇ for the Fisher information F (Amari 1998). For a softmax
policy F = diag(π) − π πᵀ is singular (adding a constant to every logit changes nothing), so
x is the Moore–Penrose pseudo-inverse solution, or the solution in minimal coordinates (one
logit fixed); on the simplex the natural eligibility is onehot − q; for a Gaussian mean it is
y − μ, Williams' step size σ² made exact. The compatible-features least-squares fit of the
reward on the eligibilities has the natural gradient for its weights (Kakade 2001). The chapter
*The natural gradient* (docs/natural-gradient.md) uses this module.

>>> import torch
>>> softmax_natural_gradient(torch.tensor([1.0, 0.0, 2.0]), logits=torch.zeros(3))
tensor([ 0., -1.,  1.])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check
from . import normal

__all__ = [
    "compatible_weights",
    "natural_gradient",
    "normal_natural_eligibility",
    "simplex_natural_eligibility",
    "softmax_fisher_pinv",
    "softmax_natural_gradient",
]


def natural_gradient(gradient, fisher, *, rcond: float | None = None) -> Tensor:
    r"""F⁺ ∇: the minimum-norm solution of F x = ∇ (the pseudo-inverse), batched.

    ``gradient`` ``(..., P)``, ``fisher`` ``(..., P, P)`` (symmetric, positive semi-definite).
    ``rcond`` is the relative cut-off below which eigenvalues count as zero
    (:func:`torch.linalg.pinv`'s ``rtol``; its default when ``None``).

    Examples
    --------
    >>> fisher = torch.tensor([[0.25, -0.25], [-0.25, 0.25]])
    >>> natural_gradient(torch.tensor([0.25, -0.25]), fisher)
    tensor([ 0.5000, -0.5000])

    Notes
    -----
    For an invertible F this is F⁻¹ ∇; for a singular F it is the solution orthogonal to the
    null space (``eq-natural-logits``).
    """
    gradient = check.as_tensor(gradient, "gradient")
    fisher = check.as_tensor(fisher, "fisher", like=gradient)
    if fisher.dim() < 2 or fisher.shape[-1] != fisher.shape[-2]:
        raise ValueError(f"fisher must have shape (..., P, P); got {tuple(fisher.shape)}")
    if gradient.dim() < 1 or gradient.shape[-1] != fisher.shape[-1]:
        raise ValueError(
            f"gradient must have a last dimension of P={fisher.shape[-1]}; "
            f"got shape {tuple(gradient.shape)}"
        )
    pinv = torch.linalg.pinv(fisher, rtol=rcond, hermitian=True)
    return (pinv @ gradient.unsqueeze(-1)).squeeze(-1)


def _logits(logits, validate: bool) -> Tensor:
    logits = check.as_tensor(logits, "logits")
    if validate:
        if logits.dim() == 0 or logits.shape[-1] < 2:
            raise ValueError(
                f"logits must have a last dimension of K ≥ 2 classes; got {tuple(logits.shape)}"
            )
        check.finite_logits(logits)
    return logits


def softmax_fisher_pinv(*, logits, validate: bool = True) -> Tensor:
    r"""The pseudo-inverse of the softmax Fisher information diag(π) − π πᵀ, ``(..., K, K)``.

    Examples
    --------
    >>> softmax_fisher_pinv(logits=torch.zeros(2))
    tensor([[ 1., -1.],
            [-1.,  1.]])

    Notes
    -----
    F⁺ = P diag(1/π) P with P = I − 11ᵀ/K the projection onto the sums-to-zero plane:
    F⁺_jl = δ_jl/π_j − (1/π_j + 1/π_l)/K + Σ_i (1/π_i)/K² (``eq-natural-pinv``). It is the
    Fisher information on the simplex (``eq-categorical-fisher-simplex``): the two metrics are
    each other's pseudo-inverse.
    """
    logits = _logits(logits, validate)
    inv = torch.exp(-torch.log_softmax(logits, -1))  # 1/π, exactly for tiny π
    size = logits.shape[-1]
    row = inv.unsqueeze(-1) / size
    return (
        torch.diag_embed(inv)
        - row
        - row.transpose(-1, -2)
        + (inv.sum(-1) / size**2)[..., None, None]
    )


def softmax_natural_gradient(
    rewards, *, logits, minimal: bool = False, validate: bool = True
) -> Tensor:
    r"""The natural gradient of E[r] for a softmax policy with reward r_k for class k.

    ``rewards`` and ``logits`` ``(..., K)``. By default the pseudo-inverse solution in all K
    logits, r_j − (1/K) Σ_i r_i, shape ``(..., K)``; with ``minimal=True`` the solution in the
    minimal coordinates θ_1 … θ_{K−1} (θ_K held at 0), r_m − r_K, shape ``(..., K − 1)``.

    Examples
    --------
    >>> softmax_natural_gradient(torch.tensor([1.0, 0.0, 2.0]), logits=torch.zeros(3),
    ...                          minimal=True)
    tensor([-1., -2.])

    Notes
    -----
    Implements ``eq-natural-logits`` and ``eq-natural-minimal``. Neither depends on the policy:
    the natural gradient moves every logit by its reward, while the ordinary gradient
    π_j (r_j − E[r]) vanishes wherever π_j does.
    """
    rewards, param, _ = check.policy_rewards(rewards, None, logits, validate)
    _logits(param, validate)
    rewards = rewards.expand(torch.broadcast_shapes(rewards.shape, param.shape))
    if minimal:
        return rewards[..., :-1] - rewards[..., -1:]
    return rewards - rewards.mean(-1, keepdim=True)


def simplex_natural_eligibility(value, *, probs, validate: bool = True) -> Tensor:
    r"""The natural eligibility on the simplex, onehot(k) − q, shape ``(..., K)``.

    It is F⁺ ẽ for the tangent eligibility ẽ_j = δ_jk/q_k − 1/(K q_k)
    (:func:`eligibility.categorical.eligibility_simplex`) and its Fisher information.

    Examples
    --------
    >>> simplex_natural_eligibility(torch.tensor(0), probs=torch.tensor([0.25, 0.75]))
    tensor([ 0.7500, -0.7500])

    Notes
    -----
    Implements ``eq-natural-simplex``. Its expectation weighted by a reward, q_j (r_j − E[r]),
    is the replicator equation.
    """
    probs = check.as_tensor(probs, "probs")
    if validate:
        check.weights(probs)
        tol = 1e-4 if probs.dtype in (torch.float16, torch.bfloat16, torch.float32) else 1e-9
        if ((probs.sum(-1) - 1).abs() > tol).any():
            raise ValueError(
                "probs must sum to 1 along the last dimension (a point of the simplex)"
            )
    value = torch.as_tensor(value)
    if validate:
        check.class_index(value, probs.shape[-1])
    onehot = torch.nn.functional.one_hot(value.long(), probs.shape[-1]).to(probs.dtype)
    return onehot - probs


def normal_natural_eligibility(
    value, *, loc, scale, log_scale: bool = False, validate: bool = True
) -> Tensor:
    r"""F⁻¹ e for a Gaussian: (y − μ, ((y − μ)² − σ²) / (2σ)), shape ``(..., 2)``.

    With ``log_scale=True`` the second component is for s = ln σ: ((y − μ)²/σ² − 1) / 2.

    Examples
    --------
    >>> normal_natural_eligibility(torch.tensor(3.0), loc=torch.tensor(1.0),
    ...                            scale=torch.tensor(2.0))
    tensor([2.0000, 0.0000])

    Notes
    -----
    The Fisher information in (μ, σ) is diag(1/σ², 2/σ²), so the natural eligibility of the mean
    is σ² e_μ = y − μ: Williams' suggestion of a step size proportional to σ²
    (``eq-natural-gaussian-loc``, ``eq-natural-gaussian-scale``).
    """
    e = normal.eligibility(value, loc=loc, scale=scale, log_scale=log_scale, validate=validate)
    scale = check.as_tensor(scale, "scale", like=e.loc)
    second = e.scale / 2 if log_scale else e.scale * scale**2 / 2
    return torch.stack(torch.broadcast_tensors(e.loc * scale**2, second), -1)


def compatible_weights(rewards: Tensor, eligibilities: Tensor, weights: Tensor | None = None):
    r"""Least-squares weights w of the compatible approximation r ≈ Σ_j w_j e_j.

    ``rewards`` ``(N,)``, ``eligibilities`` ``(N, P)``, ``weights`` ``(N,)`` the exact
    probabilities of the N outcomes (enumeration) or ``None`` for a sample mean. Returns the
    minimum-norm minimiser of E[(r − wᵀe)²], shape ``(P,)``.

    Examples
    --------
    >>> e = torch.tensor([[0.5, -0.5], [-0.5, 0.5]])
    >>> compatible_weights(torch.tensor([1.0, 0.0]), e, torch.tensor([0.5, 0.5]))
    tensor([ 0.5000, -0.5000])

    Notes
    -----
    The normal equations read E[e eᵀ] w = E[r e]: the Fisher information times w equals the
    gradient, so w is the natural gradient (Kakade 2001; ``eq-natural-compatible``).
    """
    rewards = check.as_tensor(rewards, "rewards")
    eligibilities = check.as_tensor(eligibilities, "eligibilities", like=rewards)
    if rewards.dim() != 1 or eligibilities.dim() != 2 or eligibilities.shape[0] != len(rewards):
        raise ValueError(
            "rewards must have shape (N,) and eligibilities (N, P); got "
            f"{tuple(rewards.shape)} and {tuple(eligibilities.shape)}"
        )
    if weights is None:
        weights = torch.full_like(rewards, 1.0 / len(rewards))
    root = weights.sqrt().unsqueeze(-1)
    design, target = root * eligibilities, root.squeeze(-1) * rewards
    return torch.linalg.pinv(design) @ target
