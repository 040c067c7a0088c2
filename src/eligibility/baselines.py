r"""Baselines: what to subtract from the reward so REINFORCE has the least variance.

Any baseline that does not depend on the sample leaves the estimator unbiased; these are the
common choices (a constant, the mean reward) and the variance-optimal ones, per parameter and
shared, in general (by enumeration or from samples) and in closed form for a softmax policy.
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
    "mean_reward",
    "optimal_baseline",
    "scalar_optimal_baseline",
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
    For e_j = δ_jk − π_j, b*_j = (1 − π_j) r_j + π_j r̄_{−j}, where r̄_{−j} is the mean reward
    of the other classes under the policy restricted to them (``eq-baselines-optimal-softmax``):
    the mean reward π_j r_j + (1 − π_j) r̄_{−j} with the two weights swapped. Computed with a
    masked softmax, so it stays finite when π_j is close to 1.
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

    ``rewards`` ``(N,)``, ``eligibilities`` ``(N, P)``; ``weights`` ``(N,)`` are exact
    probabilities (enumeration) or ``None`` for the sample mean.

    Examples
    --------
    >>> e = torch.tensor([[1.0, 1.0], [-1.0, 0.0]])
    >>> scalar_optimal_baseline(torch.tensor([3.0, 0.0]), e, torch.tensor([0.5, 0.5]))
    tensor(2.)

    Notes
    -----
    The trace of the estimator's covariance is E[(r − b)² ‖e‖²] − ‖∇E[r]‖², a parabola in b
    with its minimum where E[(r − b) ‖e‖²] = 0 (``eq-baselines-optimal-scalar``)
    (Greensmith, Bartlett & Baxter 2004).
    """
    if rewards.dim() != 1 or eligibilities.dim() != 2 or eligibilities.shape[0] != len(rewards):
        raise ValueError(
            "rewards must have shape (N,) and eligibilities (N, P); got "
            f"{tuple(rewards.shape)} and {tuple(eligibilities.shape)}"
        )
    if weights is None:
        weights = torch.full_like(rewards, 1.0 / rewards.shape[0])
    elif weights.shape != rewards.shape:
        raise ValueError(
            f"weights must have the shape of rewards {tuple(rewards.shape)}; "
            f"got {tuple(weights.shape)}"
        )
    squared = (eligibilities**2).sum(-1)
    return (weights * rewards * squared).sum() / (weights * squared).sum()
