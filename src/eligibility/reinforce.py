r"""REINFORCE: the estimator (r − b)·e, baselines, and exact expectations by enumeration.

Williams' estimator of ∇_θ E[r] is (r − b) e with e = ∂ ln g(y; θ)/∂θ; it is unbiased for any
baseline b that does not depend on the sample y. For a discrete distribution with a small
support every expectation here can be computed exactly by enumerating the support.

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
    "bernoulli_layer_eligibility",
    "categorical_optimal_baseline",
    "compositions",
    "constant",
    "enumerate_support",
    "estimator",
    "estimator_moments",
    "exact_eligibility_moments",
    "exact_gradient",
    "expectation",
    "expected_reward_gradient",
    "linear_softmax_eligibility",
    "mean_reward",
    "optimal_baseline",
    "scalar_optimal_baseline",
    "softmax_layer_eligibility",
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


# --- closed forms for the REINFORCE, baselines and networks chapters -------------------------


def _rewards_and_param(rewards, probs, logits, validate: bool) -> tuple[Tensor, Tensor, str]:
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    rewards = check.as_tensor(rewards, "rewards", like=param)
    if validate:
        if param.dim() == 0:
            raise ValueError(f"{kind} must have a last dimension of K classes; got a scalar")
        if rewards.dim() == 0 or rewards.shape[-1] != param.shape[-1]:
            raise ValueError(
                f"rewards must have a last dimension of K={param.shape[-1]} (one reward per "
                f"class); got shape {tuple(rewards.shape)}"
            )
        check.not_nan(rewards, "rewards")
        (check.weights if kind == "probs" else check.finite_logits)(param)
    return rewards, param, kind


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
    With π = softmax(θ) and r̄ = Σ_i π_i r_i the mean reward, ∂ r̄ / ∂θ_j = π_j (r_j − r̄)
    (``eq-reinforce-bandit-gradient``); with weights π, ∂ r̄ / ∂π_j = (r_j − r̄) / Σ_i π_i.
    By Williams' theorem both equal E[(r − b) e_j] for any constant baseline b
    (``eq-reinforce-proof``).
    """
    rewards, param, kind = _rewards_and_param(rewards, probs, logits, validate)
    if kind == "logits":
        p = torch.softmax(param, -1)
        mean = (p * rewards).sum(-1, keepdim=True)
        return p * (rewards - mean)
    total = param.sum(-1, keepdim=True)
    mean = (param * rewards).sum(-1, keepdim=True) / total
    return (rewards - mean) / total


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
    rewards, param, _ = _rewards_and_param(rewards, None, logits, validate)
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


def _layer(weights, inputs, bias, validate: bool) -> tuple[Tensor, Tensor]:
    """Validated weights and inputs, and the layer's logits W x + c."""
    weights = check.as_tensor(weights, "weights")
    inputs = check.as_tensor(inputs, "inputs", like=weights)
    if bias is not None:
        bias = check.as_tensor(bias, "bias", like=weights)
    if validate:
        if weights.dim() < 2:
            raise ValueError(
                "weights must have shape (..., M, N) (one row per unit); "
                f"got {tuple(weights.shape)}"
            )
        if inputs.dim() < 1 or inputs.shape[-1] != weights.shape[-1]:
            raise ValueError(
                f"inputs must have a last dimension of N={weights.shape[-1]} (the columns of "
                f"weights); got shape {tuple(inputs.shape)}"
            )
        check.not_nan(weights, "weights")
        check.not_nan(inputs, "inputs")
        if bias is not None:
            if bias.dim() < 1 or bias.shape[-1] != weights.shape[-2]:
                raise ValueError(
                    f"bias must have a last dimension of M={weights.shape[-2]} (the rows of "
                    f"weights); got shape {tuple(bias.shape)}"
                )
            check.not_nan(bias, "bias")
    logits = (weights * inputs.unsqueeze(-2)).sum(-1)
    return inputs, logits if bias is None else logits + bias


def bernoulli_layer_eligibility(
    value, weights, inputs, *, bias=None, validate: bool = True
) -> Tensor:
    r"""Eligibility of the weights of a Bernoulli-logistic layer: (y − σ(W x + c)) xᵀ.

    ``value`` ``(..., M)`` are the units' outputs (0 or 1), ``weights`` ``(..., M, N)``,
    ``inputs`` ``(..., N)``, ``bias`` ``(..., M)`` or ``None`` (no bias, c = 0); the result
    ``(..., M, N)`` is ∂ ln g(y; W) / ∂W_ml. The bias's own eligibility is y − σ(W x + c).

    Examples
    --------
    >>> w = torch.zeros(2, 3)
    >>> bernoulli_layer_eligibility(torch.tensor([1.0, 0.0]), w, torch.tensor([1.0, 2.0, 0.0]))
    tensor([[ 0.5000,  1.0000,  0.0000],
            [-0.5000, -1.0000,  0.0000]])

    Notes
    -----
    Each unit m fires with probability σ(Σ_l W_ml x_l + c_m); the chain rule multiplies its logit
    eligibility y_m − σ(·) by ∂θ_m / ∂W_ml = x_l (``eq-networks-bernoulli-layer``).
    """
    inputs, logits = _layer(weights, inputs, bias, validate)
    value = check.as_tensor(value, "value", like=logits)
    if validate:
        check.binary(value)
    return (value - torch.sigmoid(logits)).unsqueeze(-1) * inputs.unsqueeze(-2)


def softmax_layer_eligibility(
    value, weights, inputs, *, bias=None, validate: bool = True
) -> Tensor:
    r"""Eligibility of the weights of a softmax layer: (onehot(k) − softmax(W x + c)) xᵀ.

    ``value`` ``(...)`` is the 0-based class drawn, ``weights`` ``(..., K, N)``, ``inputs``
    ``(..., N)``, ``bias`` ``(..., K)`` or ``None`` (no bias, c = 0); the result
    ``(..., K, N)`` is ∂ ln g(k; W) / ∂W_jl. The bias's own eligibility is onehot(k) − π.

    Examples
    --------
    >>> softmax_layer_eligibility(torch.tensor(0), torch.zeros(2, 2), torch.tensor([1.0, -2.0]))
    tensor([[ 0.5000, -1.0000],
            [-0.5000,  1.0000]])

    Notes
    -----
    ∂ ln g / ∂W_jl = (δ_jk − softmax(W x + c)_j) x_l (``eq-networks-softmax-layer``).
    """
    inputs, logits = _layer(weights, inputs, bias, validate)
    e = categorical.eligibility(value, logits=logits, validate=validate)
    return e.unsqueeze(-1) * inputs.unsqueeze(-2)


def linear_softmax_eligibility(value, theta, features, *, validate: bool = True) -> Tensor:
    r"""Sutton and Barto's eligibility vector of a linear softmax policy: x(a) − Σ_b π(b) x(b).

    ``value`` ``(...)`` is the 0-based action taken, ``theta`` ``(..., D)`` the weights and
    ``features`` ``(..., K, D)`` the feature vector x(s, b) of every action b in the state; the
    result ``(..., D)`` is ∂ ln π(a; θ) / ∂θ.

    Examples
    --------
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> linear_softmax_eligibility(torch.tensor(1), torch.zeros(2), x)
    tensor([-0.5000,  0.5000])

    Notes
    -----
    With preferences h(b) = θ · x(b) and π = softmax(h), ∂ ln π(a) / ∂θ = x(a) − Σ_b π(b) x(b)
    (``eq-networks-sutton-barto``) (Sutton & Barto 2018, eq. 13.9).
    """
    theta = check.as_tensor(theta, "theta")
    features = check.as_tensor(features, "features", like=theta)
    if validate:
        if features.dim() < 2 or theta.dim() < 1 or features.shape[-1] != theta.shape[-1]:
            raise ValueError(
                f"features must have shape (..., K, D) with D={theta.shape[-1:]} the length of "
                f"theta; got {tuple(features.shape)}"
            )
        check.not_nan(theta, "theta")
        check.not_nan(features, "features")
    preferences = (features * theta.unsqueeze(-2)).sum(-1)
    probs = torch.softmax(preferences, -1)
    value = value if isinstance(value, Tensor) else torch.as_tensor(value)
    if validate:
        check.class_index(value, features.shape[-2])
    index = value.long().unsqueeze(-1).unsqueeze(-1).expand(*value.shape, 1, features.shape[-1])
    index = index.expand(*torch.broadcast_shapes(index.shape[:-2], features.shape[:-2]), 1, -1)
    taken = features.expand(*index.shape[:-2], *features.shape[-2:]).gather(-2, index).squeeze(-2)
    return taken - (probs.unsqueeze(-1) * features).sum(-2)
