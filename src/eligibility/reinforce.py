r"""REINFORCE: the estimator (r − b)·e and exact expectations by enumeration.

Williams' estimator of ∇_θ E[r] is (r − b) e with e = ∂ ln g(y; θ)/∂θ; it is unbiased for any
baseline b that does not depend on the sample y. For a discrete distribution with a small
support every expectation here can be computed exactly by enumerating the support. The
chapter *The REINFORCE theorem* (docs/reinforce.md) uses this module.

>>> import torch
>>> values, weights = enumerate_support("bernoulli", probs=torch.tensor(0.3, dtype=torch.float64))
>>> values, weights
(tensor([0., 1.], dtype=torch.float64), tensor([0.7000, 0.3000], dtype=torch.float64))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import torch
from torch import Tensor

from . import _validation as check
from . import bernoulli, categorical, multinomial
from ._validation import count

__all__ = [
    "compositions",
    "enumerate_batches",
    "enumerate_support",
    "estimator",
    "estimator_moments",
    "exact_eligibility_moments",
    "exact_gradient",
    "expectation",
    "expected_reward_gradient",
    "surrogate",
]


def compositions(parts: int, total: int) -> Iterator[tuple[int, ...]]:
    """Every vector of ``parts`` non-negative integers summing to ``total`` (the support of a
    multinomial).

    >>> list(compositions(2, 2))
    [(0, 2), (1, 1), (2, 0)]
    """
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        bounds = (-1, *cuts, total + parts - 1)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(parts))


_MODULES = {"bernoulli": bernoulli, "categorical": categorical, "multinomial": multinomial}


def estimator(reward: Tensor, eligibility: Tensor, baseline=0.0) -> Tensor:
    r"""The REINFORCE estimate (r − b) e, broadcast: reward ``(...)``, eligibility ``(..., P)``.

    Examples
    --------
    >>> estimator(torch.tensor([1.0, 0.0]), torch.tensor([[0.5, -0.5], [-0.5, 0.5]]), 0.5)
    tensor([[ 0.2500, -0.2500],
            [ 0.2500, -0.2500]])

    Notes
    -----
    Δθ = α (r − b) e is Williams' update; this returns its direction without the step size α.
    """
    reward = torch.as_tensor(reward, dtype=eligibility.dtype)
    baseline = torch.as_tensor(baseline, dtype=eligibility.dtype)
    return (reward - baseline).unsqueeze(-1) * eligibility


def enumerate_support(kind: str, *, total_count: int | None = None, **params):
    """Every value of a discrete distribution with its probability: ``(values, weights)``.

    ``kind`` is ``"bernoulli"``, ``"categorical"`` or ``"multinomial"``; ``params`` are
    ``probs`` or ``logits`` for one distribution (no batch dimensions).

    Examples
    --------
    >>> values, weights = enumerate_support("multinomial", total_count=2,
    ...                                     probs=torch.tensor([1.0, 1.0]))
    >>> values.tolist(), weights.tolist()
    ([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]], [0.25, 0.5, 0.25])
    """
    if kind not in _MODULES:
        raise ValueError(f"kind must be one of {sorted(_MODULES)}; got {kind!r}")
    param = next(iter(params.values()))
    param = torch.as_tensor(param)
    dtype = param.dtype if param.is_floating_point() else torch.get_default_dtype()
    if kind == "bernoulli":
        values = torch.tensor([0.0, 1.0], dtype=dtype)
        weights = bernoulli.log_prob(values, **params).exp()
    elif kind == "categorical":
        values = torch.arange(param.shape[-1])
        weights = categorical.log_prob(values, **params).exp()
    else:
        n = count(total_count)
        values = torch.tensor(list(compositions(param.shape[-1], n)), dtype=dtype)
        weights = multinomial.log_prob(values, total_count=n, **params).exp()
    return values, weights


def enumerate_batches(batch_size: int, *, probs=None, logits=None) -> tuple[Tensor, Tensor]:
    """Every batch of ``batch_size`` independent categorical draws, up to order, with its
    probability: ``(actions, weights)``, shapes ``(B, batch_size)`` and ``(B,)``.

    A batch is listed once per multiset of actions (its draws sorted), weighted by the
    multinomial probability of its counts, so the exact expectation of any estimator that does
    not depend on the order of the draws is ``weights @ estimator(actions)``. There are
    C(batch_size + K − 1, K − 1) batches rather than K^batch_size sequences.

    Examples
    --------
    >>> actions, weights = enumerate_batches(2, probs=torch.tensor([0.75, 0.25]))
    >>> actions.tolist(), weights.tolist()
    ([[1, 1], [0, 1], [0, 0]], [0.0625, 0.375, 0.5625])
    """
    n = count(batch_size)
    if n < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size!r}")
    kind = check.one_of(probs, logits)
    param = torch.as_tensor(probs if kind == "probs" else logits)
    counts, weights = enumerate_support("multinomial", total_count=n, **{kind: param})
    classes = torch.arange(param.shape[-1]).expand(counts.shape)
    actions = classes.reshape(-1).repeat_interleave(counts.long().reshape(-1))
    return actions.reshape(len(counts), n), weights


def expectation(f: Callable[[Tensor], Tensor], values: Tensor, weights: Tensor) -> Tensor:
    """E[f(Y)] = Σ_y P(y) f(y) over an enumerated support (``f`` is batched over values).

    Examples
    --------
    >>> expectation(lambda y: y**2, torch.tensor([0.0, 1.0, 2.0]), torch.tensor([0.25, 0.5, 0.25]))
    tensor(1.5000)
    """
    out = f(values)
    w = weights.reshape(weights.shape + (1,) * (out.dim() - 1))
    return (w * out).sum(0)


def _eligibilities(kind: str, values: Tensor, total_count, params) -> Tensor:
    module = _MODULES[kind]
    extra = {"total_count": total_count} if kind == "multinomial" else {}
    e = module.eligibility(values, **extra, **params)
    return e.unsqueeze(-1) if kind == "bernoulli" else e


def exact_eligibility_moments(kind: str, *, total_count=None, **params) -> tuple[Tensor, Tensor]:
    """Exact E[e] and E[e eᵀ] by enumeration (the latter is the Fisher information).

    Examples
    --------
    >>> mean, second = exact_eligibility_moments("categorical", logits=torch.zeros(2))
    >>> mean, second
    (tensor([0., 0.]), tensor([[ 0.2500, -0.2500],
            [-0.2500,  0.2500]]))
    """
    values, weights = enumerate_support(kind, total_count=total_count, **params)
    e = _eligibilities(kind, values, total_count, params)
    mean = expectation(lambda _: e, values, weights)
    second = expectation(lambda _: e.unsqueeze(-1) * e.unsqueeze(-2), values, weights)
    return mean, second


def exact_gradient(kind: str, reward: Callable[[Tensor], Tensor], *, total_count=None, **params):
    """∇ E[r(Y)] by autograd through the exact, enumerated expected reward.

    Examples
    --------
    >>> exact_gradient("bernoulli", lambda y: y, probs=torch.tensor(0.3))
    tensor(1.)
    """
    [(name, param)] = params.items()
    leaf = torch.as_tensor(param).detach().clone().requires_grad_(True)
    values, weights = enumerate_support(kind, total_count=total_count, **{name: leaf})
    total = (weights * reward(values)).sum()
    (grad,) = torch.autograd.grad(total, leaf)
    return grad


def estimator_moments(
    kind: str, reward: Callable[[Tensor], Tensor], baseline=0.0, *, total_count=None, **params
) -> tuple[Tensor, Tensor]:
    """Exact mean and per-component variance of the estimator (r − b) e, by enumeration.

    Examples
    --------
    >>> mean, var = estimator_moments("bernoulli", lambda y: y, 0.0, probs=torch.tensor(0.5))
    >>> mean, var
    (tensor([1.]), tensor([1.]))
    """
    values, weights = enumerate_support(kind, total_count=total_count, **params)
    e = _eligibilities(kind, values, total_count, params)
    g = estimator(reward(values), e, baseline)
    mean = expectation(lambda _: g, values, weights)
    var = expectation(lambda _: g**2, values, weights) - mean**2
    return mean, var


def surrogate(reward: Tensor, log_prob: Tensor, baseline=0.0) -> Tensor:
    r"""The objective whose gradient is the REINFORCE estimate, also for a differentiable reward.

    Returns r + stopgrad(r − b) · ln g(k; θ), shaped like ``reward`` and ``log_prob``
    broadcast. Its gradient is ∂r/∂θ + (r − b) ∂ ln g(k; θ)/∂θ, whose expectation is
    ∂E[r]/∂θ whether or not the reward depends on θ (Schulman et al. 2015); its value means
    nothing. Maximise it, or minimise its negative as a loss.

    Parameters
    ----------
    reward
        r(k; θ) of each draw, ``(...)``; it may carry a graph back to θ (a learned reward,
        a cost on the parameters), which is kept: that term is the pathwise part.
    log_prob
        ln g(k; θ) of each draw, ``(...)``, with its graph to θ.
    baseline
        b, a number or a tensor broadcasting with ``reward``; it enters only through the
        detached factor, so a baseline computed from θ never adds a gradient.

    Returns
    -------
    Tensor
        The surrogate, one per draw; average it over a batch before ``backward()``.

    Examples
    --------
    >>> theta = torch.tensor([0.0, 0.0], requires_grad=True)
    >>> dist = torch.distributions.Categorical(logits=theta)
    >>> reward = 1.0 + theta[0]                      # depends on θ
    >>> surrogate(reward, dist.log_prob(torch.tensor(0)), baseline=0.5).backward()
    >>> theta.grad                                   # ∂r/∂θ + (r − b) e = (1, 0) + 0.5 (0.5, −0.5)
    tensor([ 1.2500, -0.2500])

    Notes
    -----
    ``eq-reinforce-surrogate-differentiable``: E[∂r/∂θ_j + (r − b) e_j] = ∂E[r]/∂θ_j. Leaving
    r in the graph of (r − b) ln g adds E[(∂r/∂θ_j) ln g] − E[∂r/∂θ_j]; detaching r there and
    nowhere else drops E[∂r/∂θ_j] (``eq-reinforce-reward-detached``).
    """
    reward = torch.as_tensor(reward)
    if not reward.is_floating_point():
        reward = reward.to(log_prob.dtype)
    baseline = torch.as_tensor(baseline, dtype=reward.dtype, device=reward.device)
    for name, value in (("reward", reward), ("baseline", baseline)):
        try:
            torch.broadcast_shapes(value.shape, log_prob.shape)
        except RuntimeError:
            raise ValueError(
                f"{name} of shape {tuple(value.shape)} does not broadcast with log_prob of "
                f"shape {tuple(log_prob.shape)}"
            ) from None
    return reward + (reward - baseline).detach() * log_prob


def expected_reward_gradient(rewards, *, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""The exact gradient of E[r] for a categorical policy with reward ``rewards[k]`` for class k.

    ``rewards`` and the parameter have shape ``(..., K)``; the result ``(..., K)`` is
    ∂ E_k[r_k] / ∂θ_j (``logits``) or ∂ E_k[r_k] / ∂π_j (``probs``, torch's weights).

    Examples
    --------
    >>> expected_reward_gradient(torch.tensor([1.0, 0.0]), logits=torch.zeros(2))
    tensor([ 0.2500, -0.2500])
    >>> expected_reward_gradient(torch.tensor([1.0, 0.0]), probs=torch.tensor([2.0, 2.0]))
    tensor([ 0.1250, -0.1250])

    Notes
    -----
    With g_i = softmax(θ)_i and r̄ = Σ_i g_i r_i the mean reward, ∂ r̄ / ∂θ_j = g_j (r_j − r̄)
    (``eq-reinforce-bandit-gradient``); with weights π, ∂ r̄ / ∂π_j = (r_j − r̄) / Σ_i π_i.
    By Williams' theorem both equal E[(r − b) e_j] for any constant baseline b
    (``eq-reinforce-proof``).
    """
    rewards, param, kind = check.policy_rewards(rewards, probs, logits, validate)
    if kind == "logits":
        p = torch.softmax(param, -1)
        mean = (p * rewards).sum(-1, keepdim=True)
        return p * (rewards - mean)
    total = param.sum(-1, keepdim=True)
    mean = (param * rewards).sum(-1, keepdim=True) / total
    return (rewards - mean) / total
