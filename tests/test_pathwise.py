"""The score-function and pathwise chapter's module against independent references:
Gauss–Hermite quadrature (numpy; exact for polynomial rewards), torch's ``rsample`` with
autograd, ``OneHotCategoricalStraightThrough`` and ``RelaxedOneHotCategorical`` sampled with
fixed seeds, and enumeration of the classes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eligibility.pathwise import (
    cosine_moments,
    gauss_legendre,
    pathwise_normal,
    quadratic_moments,
    relaxed_bernoulli_moments,
    score_function_normal,
    straight_through_moments,
    true_gradient,
)

F64 = torch.float64
D = torch.distributions


def hermite(order: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Nodes and probability weights of Gauss–Hermite quadrature for ε ~ N(0, 1)."""
    x, w = np.polynomial.hermite_e.hermegauss(order)
    return torch.tensor(x, dtype=F64), torch.tensor(w / np.sqrt(2 * np.pi), dtype=F64)


def moments_by_quadrature(reward_fn, loc, scale, order, baseline=0.0):
    eps, w = hermite(order)
    y = loc + scale * eps
    score = score_function_normal(reward_fn(y), y, loc=loc, scale=scale, baseline=baseline)
    path = pathwise_normal(reward_fn, eps, loc=loc, scale=scale)
    mean = lambda g: (w[:, None] * g).sum(0)  # noqa: E731
    return (
        mean(score),
        mean(path),
        mean(score**2) - mean(score) ** 2,
        mean(path**2) - mean(path) ** 2,
    )


QUADRATICS = [
    (0.3, -1.0, 0.5, 1.2, 0.7, 0.0),
    (2.0, 0.0, 1.0, -0.4, 2.0, 1.5),
    (-1.0, 3.0, 0.0, 0.0, 0.3, -2.0),
]


@pytest.mark.parametrize(("c0", "c1", "c2", "mu", "sigma", "b"), QUADRATICS)
def test_quadratic_moments_equal_gauss_hermite_quadrature(c0, c1, c2, mu, sigma, b):
    loc, scale = torch.tensor(mu, dtype=F64), torch.tensor(sigma, dtype=F64)

    def reward(y):
        return c0 + c1 * y + c2 * y**2

    mean_s, mean_p, var_s, var_p = moments_by_quadrature(reward, loc, scale, 12, b)
    exact = quadratic_moments(c0, c1, c2, loc=loc, scale=scale, baseline=b)
    for ours, reference in (
        (exact.gradient, mean_s),
        (exact.gradient, mean_p),
        (exact.score, var_s),
        (exact.pathwise, var_p),
    ):
        torch.testing.assert_close(ours, reference, rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize(
    ("omega", "mu", "sigma"), [(0.5, 0.3, 1.0), (2.0, -1.0, 0.5), (6.0, 0.2, 0.4)]
)
def test_cosine_moments_equal_gauss_hermite_quadrature(omega, mu, sigma):
    loc, scale = torch.tensor(mu, dtype=F64), torch.tensor(sigma, dtype=F64)
    mean_s, mean_p, var_s, var_p = moments_by_quadrature(
        lambda y: torch.cos(omega * y), loc, scale, 150
    )
    exact = cosine_moments(omega, loc=loc, scale=scale)
    torch.testing.assert_close(exact.gradient, mean_s, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(exact.gradient, mean_p, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(exact.score, var_s, rtol=1e-9, atol=1e-10)
    torch.testing.assert_close(exact.pathwise, var_p, rtol=1e-9, atol=1e-10)


def test_the_score_function_wins_for_a_fast_oscillating_reward():
    slow = cosine_moments(0.5, loc=torch.tensor(0.3, dtype=F64), scale=torch.tensor(1.0, dtype=F64))
    fast = cosine_moments(8.0, loc=torch.tensor(0.3, dtype=F64), scale=torch.tensor(1.0, dtype=F64))
    assert (slow.pathwise < slow.score).all()
    assert (fast.score < fast.pathwise).all()


def test_pathwise_estimates_are_torch_rsample_with_autograd():
    loc = torch.tensor([0.5, -1.0, 2.0], dtype=F64)
    scale = torch.tensor([1.0, 0.3, 2.0], dtype=F64)
    mu, sigma = loc.clone().requires_grad_(True), scale.clone().requires_grad_(True)
    torch.manual_seed(0)
    y = D.Normal(mu, sigma).rsample()
    (torch.sin(y) * y**2).sum().backward()
    noise = (y.detach() - loc) / scale  # the ε that rsample drew
    ours = pathwise_normal(lambda v: torch.sin(v) * v**2, noise, loc=loc, scale=scale)
    torch.testing.assert_close(ours, torch.stack([mu.grad, sigma.grad], -1))


def test_rsample_is_the_reparameterised_path():
    torch.manual_seed(5)
    mu = torch.tensor(0.7, dtype=F64, requires_grad=True)
    sigma = torch.tensor(1.3, dtype=F64, requires_grad=True)
    y = D.Normal(mu, sigma).rsample()
    y.backward()
    eps = (y.detach() - 0.7) / 1.3
    torch.testing.assert_close(mu.grad, torch.tensor(1.0, dtype=F64))
    torch.testing.assert_close(sigma.grad, eps)
    assert D.Normal.has_rsample and not D.Categorical.has_rsample


def test_score_function_estimates_are_reward_times_autograd_of_log_prob():
    y = torch.tensor([0.1, 2.0, -1.5], dtype=F64)
    mu = torch.tensor(0.4, dtype=F64, requires_grad=True)
    sigma = torch.tensor(0.8, dtype=F64, requires_grad=True)
    reward = y**3
    ours = score_function_normal(reward, y, loc=mu.detach(), scale=sigma.detach(), baseline=0.5)
    for i in range(3):
        g = torch.autograd.grad(D.Normal(mu, sigma).log_prob(y[i]), (mu, sigma))
        torch.testing.assert_close(ours[i], (reward[i] - 0.5) * torch.stack(g))


@pytest.mark.parametrize("estimator", ["score", "pathwise"])
def test_monte_carlo_means_are_within_their_standard_errors(estimator):
    gen = torch.Generator().manual_seed(1)
    loc, scale = torch.tensor(0.5, dtype=F64), torch.tensor(0.8, dtype=F64)
    eps = torch.randn(50_000, generator=gen, dtype=F64)
    y = loc + scale * eps

    def reward(v):
        return 1.0 - 2.0 * v + 0.7 * v**2

    if estimator == "score":
        g = score_function_normal(reward(y), y, loc=loc, scale=scale)
    else:
        g = pathwise_normal(reward, eps, loc=loc, scale=scale)
    exact = quadratic_moments(1.0, -2.0, 0.7, loc=loc, scale=scale)
    se = (getattr(exact, estimator) / 50_000).sqrt()
    assert ((g.mean(0) - exact.gradient).abs() <= 4 * se).all()
    torch.testing.assert_close(g.var(0), getattr(exact, estimator), rtol=0.1, atol=0)


def per_sample_straight_through(reward_fn, logits, n, seed):
    torch.manual_seed(seed)
    leaf = logits.expand(n, -1).clone().requires_grad_(True)
    y = D.OneHotCategoricalStraightThrough(logits=leaf).rsample()
    (grad,) = torch.autograd.grad(reward_fn(y).sum(), leaf)
    return grad


W = torch.tensor([1.0, -2.0, 0.5], dtype=F64)
LOGITS = torch.tensor([0.3, -0.8, 1.1], dtype=F64)


def squared(y):
    return (y @ W) ** 2


def linear(y):
    return y @ W


def test_straight_through_mean_by_enumeration_matches_torch_monte_carlo():
    mean, var = straight_through_moments(squared, logits=LOGITS)
    g = per_sample_straight_through(squared, LOGITS, 40_000, seed=2)
    se = (var / 40_000).sqrt()
    assert ((g.mean(0) - mean).abs() <= 4 * se + 1e-12).all()
    torch.testing.assert_close(g.var(0), var, rtol=0.05, atol=1e-6)


def test_straight_through_is_unbiased_for_a_linear_reward_and_biased_for_its_square():
    mean, _ = straight_through_moments(linear, logits=LOGITS)
    torch.testing.assert_close(mean, true_gradient(linear, logits=LOGITS), rtol=0, atol=1e-14)
    mean, _ = straight_through_moments(squared, logits=LOGITS)
    truth = true_gradient(squared, logits=LOGITS)
    pi = torch.softmax(LOGITS, -1)
    w_bar = (pi * W).sum()
    spread = (pi * (W - w_bar) ** 2).sum()
    torch.testing.assert_close(mean - truth, -pi * ((W - w_bar) ** 2 - spread), rtol=0, atol=1e-14)
    assert (mean - truth).abs().max() > 0.1


def test_true_gradient_is_the_softmax_jacobian_times_the_corner_rewards():
    pi = torch.softmax(LOGITS, -1)
    jacobian = torch.diag(pi) - torch.outer(pi, pi)
    torch.testing.assert_close(true_gradient(squared, logits=LOGITS), jacobian @ W**2)


def relaxed_reward(y):
    return (y @ torch.tensor([1.0, -0.5], dtype=F64)) ** 2


@pytest.mark.parametrize("temperature", [2.0, 0.5, 0.1])
def test_relaxed_bernoulli_moments_match_torch_relaxed_one_hot_categorical(temperature):
    logits = torch.tensor([0.4, -0.3], dtype=F64)
    mean, var = relaxed_bernoulli_moments(relaxed_reward, logits=logits, temperature=temperature)
    torch.manual_seed(3)
    n = 40_000
    leaf = logits.expand(n, -1).clone().requires_grad_(True)
    y = D.RelaxedOneHotCategorical(torch.tensor(temperature, dtype=F64), logits=leaf).rsample()
    (g,) = torch.autograd.grad(relaxed_reward(y).sum(), leaf)
    se = (var / n).sqrt()
    assert ((g.mean(0) - mean).abs() <= 4 * se + 1e-12).all(), (g.mean(0), mean, se)
    torch.testing.assert_close(g.var(0), var, rtol=0.06, atol=1e-8)


def test_relaxed_quadrature_has_converged_and_is_the_gradient_of_the_relaxed_objective():
    logits = torch.tensor([0.4, -0.3], dtype=F64)
    for tau in (1.0, 0.05):
        mean, var = relaxed_bernoulli_moments(relaxed_reward, logits=logits, temperature=tau)
        finer = relaxed_bernoulli_moments(
            relaxed_reward, logits=logits, temperature=tau, panels=480, nodes=16
        )
        torch.testing.assert_close(mean, finer[0], rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(var, finer[1], rtol=1e-9, atol=1e-12)
        # independent route: autograd of E[r(y_τ)], the objective the relaxation optimises
        leaf = logits.clone().requires_grad_(True)
        u, w = gauss_legendre(4000)
        ell = torch.log(u) - torch.log1p(-u)
        first = torch.sigmoid((leaf[0] - leaf[1] + ell) / tau)
        objective = (w * relaxed_reward(torch.stack([first, 1 - first], -1))).sum()
        (grad,) = torch.autograd.grad(objective, leaf)
        torch.testing.assert_close(mean, grad, rtol=1e-6, atol=1e-8)


def test_the_gumbel_softmax_bias_shrinks_like_tau_and_the_variance_grows_like_one_over_tau():
    """Not monotone at large τ (this bias changes sign near τ = 1), but for small τ the bias
    falls in proportion to τ while τ times the variance settles to a constant."""
    logits = torch.tensor([0.4, -0.3], dtype=F64)
    truth = true_gradient(relaxed_reward, logits=logits)
    taus = (0.4, 0.1, 0.05, 0.02, 0.01)
    bias, scaled_var = [], []
    for tau in taus:
        mean, v = relaxed_bernoulli_moments(relaxed_reward, logits=logits, temperature=tau)
        bias.append(float((mean - truth).abs().max()))
        scaled_var.append(float(v.max()) * tau)
    assert bias == sorted(bias, reverse=True) and bias[-1] < 0.002
    assert abs(bias[-1] / taus[-1] - bias[-2] / taus[-2]) < 0.02 * bias[-1] / taus[-1]
    assert max(scaled_var[1:]) < 1.05 * min(scaled_var[1:])


def test_gauss_legendre_is_exact_to_degree_2n_minus_1():
    for n in (1, 2, 5, 20):
        nodes, weights = gauss_legendre(n)
        for degree in range(2 * n):
            torch.testing.assert_close(
                (weights * nodes**degree).sum(), torch.tensor(1 / (degree + 1), dtype=F64)
            )


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="scale must be positive"):
        quadratic_moments(1.0, 0.0, 0.0, loc=0.0, scale=-1.0)
    with pytest.raises(ValueError, match="logits must have shape"):
        straight_through_moments(linear, logits=torch.zeros(2, 2))
    with pytest.raises(ValueError, match="K=2 classes"):
        relaxed_bernoulli_moments(linear, logits=torch.zeros(3), temperature=1.0)
    with pytest.raises(ValueError, match="temperature must be positive"):
        relaxed_bernoulli_moments(linear, logits=torch.zeros(2), temperature=0.0)
    with pytest.raises(ValueError, match="n must be a whole number"):
        gauss_legendre(0)
