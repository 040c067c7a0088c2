r"""Baselines: what to subtract from the reward so REINFORCE has the least variance.

Any baseline that does not depend on the sample leaves the estimator unbiased; these are the
common choices (a constant, the mean reward) and the variance-optimal ones, per parameter and
shared, in general (by enumeration or from samples) and in closed form for a softmax policy;
the leave-one-out baseline of a batch, which stays unbiased when the baseline is estimated from
the batch itself; and the baseline that removes all variance when there are two outcomes.
The chapter *Baselines and variance* (docs/baselines.md) uses this module.

>>> import torch
>>> optimal_baseline(torch.tensor([2.0, 0.0]), torch.tensor([[1.0], [-1.0]]))
tensor([1.])
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from . import _validation as check

__all__ = [
    "categorical_optimal_baseline",
    "constant",
    "leave_one_out",
    "mean_reward",
    "optimal_baseline",
    "scalar_optimal_baseline",
    "two_outcome_baseline",
]


def constant(value: float) -> Callable[[Tensor, Tensor], Tensor]:
    """A baseline that ignores the data: ``constant(0.5)(rewards, eligibilities) == 0.5``.

    Examples
    --------
    >>> constant(0.5)(torch.tensor([1.0, 2.0]), torch.ones(2, 3))
    tensor(0.5000)
    """

    def baseline(rewards: Tensor, eligibilities: Tensor) -> Tensor:
        return torch.tensor(value, dtype=eligibilities.dtype)

    return baseline


def mean_reward(rewards: Tensor, weights: Tensor | None = None) -> Tensor:
    """The (weighted) mean reward, the most common baseline.

    Examples
    --------
    >>> mean_reward(torch.tensor([1.0, 3.0]))
    tensor(2.)
    >>> mean_reward(torch.tensor([1.0, 3.0]), torch.tensor([0.75, 0.25]))
    tensor(1.5000)
    """
    if weights is None:
        return rewards.mean(0)
    return (weights * rewards).sum(0) / weights.sum(0)


def optimal_baseline(rewards: Tensor, eligibilities: Tensor, weights: Tensor | None = None):
    r"""The variance-optimal baseline per component: b*_j = E[r e_j²] / E[e_j²].

    ``rewards`` ``(N,)``, ``eligibilities`` ``(N, P)``; ``weights`` ``(N,)`` are exact
    probabilities (enumeration) or ``None`` for the sample mean.

    Examples
    --------
    >>> e = torch.tensor([[1.0], [-1.0]])
    >>> optimal_baseline(torch.tensor([2.0, 0.0]), e, torch.tensor([0.5, 0.5]))
    tensor([1.])

    Notes
    -----
    d/db E[(r − b)² e_j²] = −2 E[(r − b) e_j²] = 0 gives b*; see ``eq-baselines-optimal``.
    """
    if weights is None:
        weights = torch.full_like(rewards, 1.0 / rewards.shape[0])
    squared = eligibilities**2
    w = weights.unsqueeze(-1)
    return (w * rewards.unsqueeze(-1) * squared).sum(0) / (w * squared).sum(0)


def categorical_optimal_baseline(rewards, *, logits, validate: bool = True) -> Tensor:
    r"""The variance-optimal baseline of each logit, b*_j = E[r e_j²] / E[e_j²], exactly.

    ``rewards`` ``(..., K)`` are the rewards of the K classes, ``logits`` ``(..., K)``; the
    result ``(..., K)`` holds one baseline per logit.

    Examples
    --------
    >>> categorical_optimal_baseline(torch.tensor([1.0, 0.0]), logits=torch.tensor([0.0, 1.0]))
    tensor([0.7311, 0.7311])

    Notes
    -----
    With g_j = softmax(θ)_j and e_j = δ_jk − g_j, b*_j = (1 − g_j) r_j + g_j r̄_{−j}, where
    r̄_{−j} = E[r_k | k ≠ j] is the probability-weighted mean reward of the other classes
    (``eq-baselines-optimal-softmax``): the mean reward g_j r_j + (1 − g_j) r̄_{−j} with the
    two weights swapped. Computed with a masked softmax, so it stays finite when g_j is close
    to 1.
    """
    rewards, param, _ = check.policy_rewards(rewards, None, logits, validate)
    size = param.shape[-1]
    if validate and size < 2:
        raise ValueError(f"logits must have at least K=2 classes; got K={size}")
    p = torch.softmax(param, -1)
    mask = torch.full((size, size), 0.0, dtype=param.dtype, device=param.device)
    mask.fill_diagonal_(-torch.inf)
    others = torch.softmax(param.unsqueeze(-2) + mask, -1)  # row j: the policy without class j
    rest = (others * rewards.unsqueeze(-2)).sum(-1)
    return (1 - p) * rewards + p * rest


def scalar_optimal_baseline(
    rewards: Tensor, eligibilities: Tensor, weights: Tensor | None = None
) -> Tensor:
    r"""The one baseline minimising the total variance: E[r ‖e‖²] / E[‖e‖²].

    ``rewards`` ``(..., N)``, ``eligibilities`` ``(..., N, P)``; ``weights`` ``(..., N)`` are
    exact probabilities (enumeration) or ``None`` for the sample mean. Leading dimensions are
    batches: one baseline each, shape ``(...)``.

    Examples
    --------
    >>> e = torch.tensor([[1.0, 1.0], [-1.0, 0.0]])
    >>> scalar_optimal_baseline(torch.tensor([3.0, 0.0]), e, torch.tensor([0.5, 0.5]))
    tensor(2.)

    Notes
    -----
    The trace of the estimator's covariance is E[(r − b)² ‖e‖²] − ‖∇E[r]‖², a parabola in b
    with its minimum where E[(r − b) ‖e‖²] = 0 (``eq-baselines-optimal-scalar``)
    (Greensmith, Bartlett & Baxter 2004). Estimated from the same samples that it then serves,
    it biases the batch estimate by O(1/N); see :func:`leave_one_out`.
    """
    if (
        rewards.dim() < 1
        or eligibilities.dim() != rewards.dim() + 1
        or eligibilities.shape[:-1] != rewards.shape
    ):
        raise ValueError(
            "rewards must have shape (..., N) and eligibilities (..., N, P); got "
            f"{tuple(rewards.shape)} and {tuple(eligibilities.shape)}"
        )
    if weights is None:
        weights = torch.full_like(rewards, 1.0 / rewards.shape[-1])
    elif weights.shape != rewards.shape:
        raise ValueError(
            f"weights must have the shape of rewards {tuple(rewards.shape)}; "
            f"got {tuple(weights.shape)}"
        )
    squared = (eligibilities**2).sum(-1)
    return (weights * rewards * squared).sum(-1) / (weights * squared).sum(-1)


def leave_one_out(rewards: Tensor) -> Tensor:
    r"""The leave-one-out baseline of each draw in a batch: the mean reward of the others.

    ``rewards`` ``(..., N)`` are the rewards of N independent draws (N ≥ 2); the result, of
    the same shape, holds b_n = (Σ_m r_m − r_n) / (N − 1) for each draw n.

    Examples
    --------
    >>> leave_one_out(torch.tensor([1.0, 2.0, 6.0]))
    tensor([4.0000, 3.5000, 1.5000])

    Notes
    -----
    b_n does not depend on draw n, so (r_n − b_n) e_n is unbiased for every n (REINFORCE
    leave-one-out, Kool, van Hoof & Welling 2019): a baseline learned from the batch at no
    bias, where the batch mean itself biases the estimate by −∇E[r]/N
    (``eq-baselines-same-sample``, ``eq-baselines-leave-one-out``). The batch estimate
    (1/N) Σ_n (r_n − b_n) e_n equals (1/(N − 1)) Σ_n (r_n − r̄) e_n with r̄ the batch mean.
    """
    rewards = torch.as_tensor(rewards)
    if rewards.dim() == 0 or rewards.shape[-1] < 2:
        raise ValueError(
            "rewards must hold N ≥ 2 draws along the last dimension for a leave-one-out "
            f"baseline; got shape {tuple(rewards.shape)}"
        )
    check.not_nan(rewards, "rewards")
    n = rewards.shape[-1]
    return (rewards.sum(-1, keepdim=True) - rewards) / (n - 1)


def two_outcome_baseline(rewards, probs) -> Tensor:
    r"""The baseline that removes all variance of REINFORCE when there are two outcomes.

    ``rewards`` ``(..., 2)`` are r(y₀), r(y₁) and ``probs`` ``(..., 2)`` their probabilities
    (non-negative weights, normalised here); the result ``(...)`` is
    b = P(y₁) r(y₀) + P(y₀) r(y₁), the mean reward with the two weights swapped.

    Examples
    --------
    >>> two_outcome_baseline(torch.tensor([1.0, 2.0]), torch.tensor([0.1, 0.9]))
    tensor(1.1000)

    Notes
    -----
    With two outcomes, E[e] = P(y₀) e(y₀) + P(y₁) e(y₁) = 0 makes the two eligibility
    vectors parallel, however many parameters there are; at this b the two estimates
    (r(y) − b) e(y) are equal, so the estimate is always the gradient itself
    (``eq-baselines-bernoulli-zero-variance``, ``eq-baselines-two-outcomes``). With more than
    two outcomes one baseline cannot in general make every estimate equal: use
    :func:`scalar_optimal_baseline`, which leaves some variance.
    """
    probs = check.as_tensor(probs, "probs")
    rewards = check.as_tensor(rewards, "rewards", like=probs)
    for name, value in (("rewards", rewards), ("probs", probs)):
        if value.dim() == 0 or value.shape[-1] != 2:
            raise ValueError(
                f"{name} must have a last dimension of 2 outcomes; got shape "
                f"{tuple(value.shape)} (with more than two outcomes no baseline removes all "
                "variance in general: use scalar_optimal_baseline)"
            )
    check.not_nan(rewards, "rewards")
    check.weights(probs)
    probs = probs / probs.sum(-1, keepdim=True)
    return probs[..., 1] * rewards[..., 0] + probs[..., 0] * rewards[..., 1]
