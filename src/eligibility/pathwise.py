r"""Score function or pathwise: two unbiased gradients of an expectation, and two biased ones.

For y ~ N(μ, σ²) and a reward r(y), the score-function (REINFORCE) estimate of ∇ E[r] is
r(y) e(y); the pathwise (reparameterisation) estimate writes y = μ + σ ε with ε ~ N(0, 1) and
differentiates r through it, as torch's ``rsample`` does. Both are unbiased; their variances
differ, and this module computes them exactly for a quadratic and a cosine reward. For a
categorical outcome there is no path; the straight-through and Gumbel-softmax estimators make
one, at the price of a bias computed here exactly (by enumeration, and by quadrature over the
Gumbel noise). The chapter *Score function or pathwise?* (docs/pathwise.md) uses this module.

>>> import torch
>>> quadratic_moments(1.0, 0.0, 0.0, loc=torch.tensor(0.0), scale=torch.tensor(1.0)).gradient
tensor([0., 0.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import Tensor

from . import _validation as check
from . import normal

__all__ = [
    "Moments",
    "cosine_moments",
    "gauss_legendre",
    "pathwise_normal",
    "quadratic_moments",
    "relaxed_bernoulli_moments",
    "score_function_normal",
    "straight_through_moments",
    "true_gradient",
]


class Moments(NamedTuple):
    """Exact moments of the estimators of one gradient, each ``(..., P)`` for P parameters.

    ``gradient`` is the true gradient (the mean of every unbiased estimator); ``score`` and
    ``pathwise`` are the variances of the score-function and pathwise estimates from one draw.
    """

    gradient: Tensor
    score: Tensor
    pathwise: Tensor


def _normal(loc, scale, validate: bool) -> tuple[Tensor, Tensor]:
    loc = check.as_tensor(loc, "loc")
    scale = check.as_tensor(scale, "scale", like=loc)
    if validate:
        check.not_nan(loc, "loc")
        check.positive(scale, "scale")
    return loc, scale


def score_function_normal(reward: Tensor, value, *, loc, scale, baseline=0.0) -> Tensor:
    r"""Score-function estimates (r(y) − b) (e_μ, e_σ), shape ``(..., 2)``.

    ``reward`` is r(y) at the draws ``value`` (shape ``(...)``).

    Examples
    --------
    >>> score_function_normal(torch.tensor(2.0), torch.tensor(1.0), loc=0.0, scale=1.0)
    tensor([2., 0.])

    Notes
    -----
    Implements ``eq-pathwise-score`` with the Gaussian eligibilities of
    ``eq-gaussian-eligibility-loc`` and ``eq-gaussian-eligibility-scale``.
    """
    e = normal.eligibility(value, loc=loc, scale=scale)
    reward = check.as_tensor(reward, "reward", like=e.loc)
    return (reward - baseline).unsqueeze(-1) * torch.stack(torch.broadcast_tensors(*e), -1)


def pathwise_normal(reward_fn: Callable[[Tensor], Tensor], noise, *, loc, scale) -> Tensor:
    r"""Pathwise estimates (r′(y), r′(y) ε) at y = μ + σ ε, shape ``(..., 2)``, by autograd.

    ``reward_fn`` maps a tensor of draws to their rewards elementwise (torch operations);
    ``noise`` are standard normal draws ε, shape ``(...)``.

    Examples
    --------
    >>> pathwise_normal(lambda y: y**2, torch.tensor([0.5]), loc=1.0, scale=2.0)
    tensor([[4., 2.]])

    Notes
    -----
    Implements ``eq-pathwise-pathwise``: ∂r(μ + σε)/∂μ = r′(y) and ∂r(μ + σε)/∂σ = r′(y) ε.
    The same numbers come from ``torch.distributions.Normal(loc, scale).rsample()`` and
    ``backward()``, sample by sample.
    """
    loc, scale = _normal(loc, scale, True)
    noise = check.as_tensor(noise, "noise", like=loc)
    loc, scale, noise = torch.broadcast_tensors(loc, scale, noise)
    loc = loc.detach().clone().requires_grad_(True)
    scale = scale.detach().clone().requires_grad_(True)
    total = reward_fn(loc + scale * noise).sum()
    d_loc, d_scale = torch.autograd.grad(total, (loc, scale))
    return torch.stack([d_loc, d_scale], -1)


def quadratic_moments(c0, c1, c2, *, loc, scale, baseline=0.0, validate: bool = True) -> Moments:
    r"""Exact moments for the reward r(y) = c₀ + c₁ y + c₂ y² under N(μ, σ²), for (μ, σ).

    Examples
    --------
    >>> m = quadratic_moments(0.0, 0.0, 1.0, loc=torch.tensor(1.0), scale=torch.tensor(0.5))
    >>> m.gradient, m.score, m.pathwise
    (tensor([2., 1.]), tensor([21.7500, 86.5000]), tensor([1., 6.]))

    Notes
    -----
    With r̄ = r(μ) − b and s̄ = r′(μ) = c₁ + 2c₂μ (``eq-pathwise-score-variance``,
    ``eq-pathwise-pathwise-variance``):

    - gradient: (s̄, 2c₂σ);
    - score function: (r̄²/σ² + 2s̄² + 15c₂²σ² + 6r̄c₂, 2r̄²/σ² + 10s̄² + 74c₂²σ² + 20r̄c₂);
    - pathwise: (4c₂²σ², s̄² + 8c₂²σ²), whatever the baseline.
    """
    loc, scale = _normal(loc, scale, validate)
    c0, c1, c2, baseline = (
        check.as_tensor(c, name, like=loc)
        for c, name in ((c0, "c0"), (c1, "c1"), (c2, "c2"), (baseline, "baseline"))
    )
    level = c0 + c1 * loc + c2 * loc**2 - baseline
    slope = c1 + 2 * c2 * loc
    var = scale**2
    gradient = torch.stack(torch.broadcast_tensors(slope, 2 * c2 * scale), -1)
    score = torch.stack(
        torch.broadcast_tensors(
            level**2 / var + 2 * slope**2 + 15 * c2**2 * var + 6 * level * c2,
            2 * level**2 / var + 10 * slope**2 + 74 * c2**2 * var + 20 * level * c2,
        ),
        -1,
    )
    pathwise = torch.stack(torch.broadcast_tensors(4 * c2**2 * var, slope**2 + 8 * c2**2 * var), -1)
    return Moments(gradient, score, pathwise)


def cosine_moments(frequency, *, loc, scale, validate: bool = True) -> Moments:
    r"""Exact moments for the reward r(y) = cos(ω y) under N(μ, σ²), for (μ, σ).

    Examples
    --------
    >>> m = cosine_moments(torch.tensor(2.0), loc=torch.tensor(0.0), scale=torch.tensor(0.5))
    >>> m.gradient  # d/dμ, d/dσ of cos(ωμ) exp(−ω²σ²/2) at μ = 0
    tensor([-0.0000, -1.2131])

    Notes
    -----
    E[cos(ωy)] = cos(ωμ) e^{−ω²σ²/2}. The pathwise estimates −ω sin(ωy) (1, ε) grow with the
    frequency ω; the score-function estimates cos(ωy) e stay bounded by |e|, so for a reward
    that oscillates faster than σ the score function wins. With t = 2ωσ and the Gaussian
    identities E[e^{itε}] = e^{−t²/2}, E[ε² e^{itε}] = (1 − t²) e^{−t²/2} and
    E[ε⁴ e^{itε}] = (t⁴ − 6t² + 3) e^{−t²/2}, every second moment is a closed form.
    """
    loc, scale = _normal(loc, scale, validate)
    omega = check.as_tensor(frequency, "frequency", like=loc)
    if validate:
        check.not_nan(omega, "frequency")
    damp = torch.exp(-(omega**2) * scale**2 / 2)
    grad_loc = -omega * torch.sin(omega * loc) * damp
    grad_scale = -(omega**2) * scale * torch.cos(omega * loc) * damp
    t = 2 * omega * scale
    far = torch.cos(2 * omega * loc) * torch.exp(-(t**2) / 2)  # E[cos(2ωy)] without the moment
    second_score_loc = (1 + far * (1 - t**2)) / (2 * scale**2)
    second_score_scale = (2 + far * (t**4 - 4 * t**2 + 2)) / (2 * scale**2)
    second_path_loc = omega**2 * (1 - far) / 2
    second_path_scale = omega**2 * (1 - far * (1 - t**2)) / 2
    gradient = torch.stack(torch.broadcast_tensors(grad_loc, grad_scale), -1)
    score = torch.stack(torch.broadcast_tensors(second_score_loc, second_score_scale), -1)
    pathwise = torch.stack(torch.broadcast_tensors(second_path_loc, second_path_scale), -1)
    return Moments(gradient, score - gradient**2, pathwise - gradient**2)


def true_gradient(reward_fn: Callable[[Tensor], Tensor], *, logits) -> Tensor:
    r"""∇_θ E[r(y)] for a one-hot categorical y, by autograd of Σ_k softmax(θ)_k r(e_k).

    ``reward_fn`` maps one-hot vectors ``(K, K)`` (one per row) to rewards ``(K,)``;
    ``logits`` ``(K,)``.

    Examples
    --------
    >>> true_gradient(lambda y: y @ torch.tensor([1.0, 0.0]), logits=torch.zeros(2))
    tensor([ 0.2500, -0.2500])
    """
    leaf = _logits(logits).detach().clone().requires_grad_(True)
    corners = torch.eye(leaf.shape[-1], dtype=leaf.dtype)
    total = (torch.softmax(leaf, -1) * reward_fn(corners)).sum()
    (grad,) = torch.autograd.grad(total, leaf)
    return grad


def _logits(logits) -> Tensor:
    logits = check.as_tensor(logits, "logits")
    if logits.dim() != 1 or logits.shape[0] < 2:
        raise ValueError(f"logits must have shape (K,) with K ≥ 2; got {tuple(logits.shape)}")
    check.finite_logits(logits)
    return logits


def straight_through_moments(
    reward_fn: Callable[[Tensor], Tensor], *, logits
) -> tuple[Tensor, Tensor]:
    r"""Exact mean and per-component variance of the straight-through gradient, by enumeration.

    The straight-through sample of ``torch.distributions.OneHotCategoricalStraightThrough`` is
    the one-hot draw e_k plus π − stop_gradient(π), so its gradient is J(θ)ᵀ ∇r(e_k), with J the
    Jacobian of the softmax. Each class k contributes with its probability π_k.

    Examples
    --------
    >>> mean, var = straight_through_moments(lambda y: (y @ torch.tensor([1.0, 0.0])) ** 2,
    ...                                      logits=torch.zeros(2))
    >>> mean, var
    (tensor([ 0.2500, -0.2500]), tensor([0.0625, 0.0625]))

    Notes
    -----
    For a linear reward r(y) = Σ_i w_i y_i the mean is the true gradient; otherwise it depends
    on r off the one-hot corners, and the bias is computed here exactly
    (``eq-pathwise-straight-through-bias``).
    """
    leaf = _logits(logits).detach().clone().requires_grad_(True)
    size = leaf.shape[-1]
    probs = torch.softmax(leaf, -1)
    corners = torch.eye(size, dtype=leaf.dtype)
    samples = corners + (probs - probs.detach())  # what rsample returns, for every class
    rewards = reward_fn(samples)
    rows = [torch.autograd.grad(rewards[k], leaf, retain_graph=True)[0] for k in range(size)]
    grads = torch.stack(rows)
    weights = probs.detach().unsqueeze(-1)
    mean = (weights * grads).sum(0)
    return mean, (weights * (grads - mean) ** 2).sum(0)


def gauss_legendre(n: int, *, dtype=torch.float64) -> tuple[Tensor, Tensor]:
    r"""Nodes and weights of the n-point Gauss–Legendre rule on [0, 1] (Golub–Welsch).

    Exact for polynomials of degree ≤ 2n − 1.

    Examples
    --------
    >>> nodes, weights = gauss_legendre(3)
    >>> float((weights * nodes**5).sum())  # ∫₀¹ u⁵ du = 1/6
    0.16666666666666...
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1; got {n!r}")
    k = torch.arange(1, n, dtype=dtype)
    off = k / torch.sqrt(4 * k**2 - 1)
    nodes, vectors = torch.linalg.eigh(torch.diag(off, 1) + torch.diag(off, -1))
    weights = 2 * vectors[0] ** 2
    return (nodes + 1) / 2, weights / 2


def relaxed_bernoulli_moments(
    reward_fn: Callable[[Tensor], Tensor],
    *,
    logits,
    temperature,
    panels: int = 240,
    nodes: int = 12,
) -> tuple[Tensor, Tensor]:
    r"""Exact mean and variance of the Gumbel-softmax gradient for K = 2 classes, by quadrature.

    The Gumbel-softmax sample y = softmax((θ + G)/τ) (``RelaxedOneHotCategorical``) depends on
    two Gumbel draws only through their difference, a standard logistic L = ln(u / (1 − u)) with
    u uniform, so each moment is a one-dimensional integral over u ∈ (0, 1). It is computed with
    ``panels`` Gauss–Legendre panels of ``nodes`` points each, placed uniformly in L around the
    step of the relaxed sample (where the integrand changes on the scale τ) and in u elsewhere.

    Parameters
    ----------
    reward_fn : callable
        Maps relaxed samples ``(M, 2)`` to rewards ``(M,)``.
    logits : Tensor
        θ, shape ``(2,)``.
    temperature : float
        τ > 0.

    Returns
    -------
    mean, variance : Tensor
        Each ``(2,)``: the expected gradient of r(y) with respect to θ and its variance.

    Examples
    --------
    >>> mean, var = relaxed_bernoulli_moments(lambda y: y[:, 0], logits=torch.zeros(2),
    ...                                       temperature=1.0)
    >>> mean  # E[σ′(L)] = ∫₀¹ u (1 − u) du = 1/6 at τ = 1
    tensor([ 0.1667, -0.1667], dtype=torch.float64)

    Notes
    -----
    The bias is ``mean`` minus :func:`true_gradient`; it vanishes as τ → 0 while the variance
    grows (``eq-pathwise-gumbel``).
    """
    theta = _logits(logits).to(torch.float64)
    if theta.shape[0] != 2:
        raise ValueError(
            f"logits must have K=2 classes for the exact quadrature; got {theta.shape[0]}"
        )
    tau = float(temperature)
    if not tau > 0:
        raise ValueError(f"temperature must be positive; got {temperature!r}")
    u, w = _panels(float(theta[1] - theta[0]), tau, panels, nodes)
    noise = torch.log(u) - torch.log1p(-u)  # G_0 − G_1, a standard logistic draw

    def reward(t: Tensor, ell: Tensor) -> Tensor:
        first = torch.sigmoid((t[0] - t[1] + ell) / tau)
        return reward_fn(torch.stack([first, 1 - first], -1).unsqueeze(0)).squeeze(0)

    grads = torch.func.vmap(torch.func.grad(reward), in_dims=(None, 0))(theta, noise)
    mean = (w.unsqueeze(-1) * grads).sum(0)
    return mean, (w.unsqueeze(-1) * (grads - mean) ** 2).sum(0)


def _panels(step: float, tau: float, panels: int, nodes: int) -> tuple[Tensor, Tensor]:
    """Quadrature nodes and weights on (0, 1) for a logistic draw, dense near L = step."""
    inner = torch.linspace(step - 40 * tau, step + 40 * tau, panels + 1, dtype=torch.float64)
    edges = torch.cat(
        [
            torch.linspace(0.0, 1.0, panels + 1, dtype=torch.float64),
            torch.sigmoid(inner),
        ]
    )
    edges = torch.unique(edges)  # sorted
    x, w = gauss_legendre(nodes)
    lo, hi = edges[:-1, None], edges[1:, None]
    u = (lo + (hi - lo) * x).reshape(-1)
    weights = ((hi - lo) * w).reshape(-1)
    keep = (u > 0) & (u < 1)
    return u[keep], weights[keep]
