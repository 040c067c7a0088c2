"""Where the eligibility's theorems hold and where they do not (the eligibility chapter): a
support that moves with θ breaks the zero mean and the estimator, a reward that is random given
the action does not break REINFORCE, and the softmax's Fisher information is singular so the
natural gradient takes its pseudo-inverse. References: torch autograd, exact enumeration,
seeded Monte Carlo with its standard error, and torch.linalg."""

from __future__ import annotations

import torch

from eligibility import categorical
from eligibility.reinforce import expected_reward_gradient

F64 = torch.float64


def test_a_support_that_depends_on_theta_breaks_the_zero_mean_and_the_estimator():
    theta, n = 2.0, 200_000
    generator = torch.Generator().manual_seed(1)
    y = torch.rand(n, generator=generator, dtype=F64) * theta  # Uniform(0, θ)
    leaf = torch.full((n,), theta, dtype=F64, requires_grad=True)
    torch.distributions.Uniform(torch.zeros((), dtype=F64), leaf).log_prob(y).sum().backward()
    e = leaf.grad
    torch.testing.assert_close(e, torch.full_like(e, -1 / theta))  # every draw: −1/θ
    estimate = y * e
    standard_error = estimate.std() / n**0.5
    assert abs(estimate.mean() - (-0.5)) < 5 * standard_error  # the estimator gives −1/2 ...
    pathwise = (y / theta).mean()  # ... the derivative of E[y] = θ/2 is 1/2 (y = θ u)
    assert abs(pathwise - 0.5) < 5 * (y / theta).std() / n**0.5


def test_a_reward_random_given_the_action_leaves_reinforce_unbiased():
    theta = torch.tensor([0.4, -0.3, 1.1], dtype=F64)
    means = torch.tensor([0.2, 0.9, 0.5], dtype=F64)  # r | k ~ Bernoulli(means[k])
    n = 200_000
    generator = torch.Generator().manual_seed(2)
    k = torch.multinomial(torch.softmax(theta, -1), n, replacement=True, generator=generator)
    r = torch.bernoulli(means[k], generator=generator)
    samples = (r - 0.3)[:, None] * categorical.eligibility(k, logits=theta)
    error = (samples.mean(0) - expected_reward_gradient(means, logits=theta)).abs()
    assert (error < 5 * samples.std(0) / n**0.5).all()


def test_the_natural_gradient_of_the_logits_by_pseudo_inverse_is_reward_minus_its_average():
    generator = torch.Generator().manual_seed(3)
    for size in (2, 3, 5):
        theta = torch.randn(size, generator=generator, dtype=F64)
        rewards = torch.randn(size, generator=generator, dtype=F64)
        fisher = categorical.fisher_information(logits=theta)
        torch.testing.assert_close(
            fisher @ torch.ones(size, dtype=F64), torch.zeros(size, dtype=F64)
        )
        gradient = expected_reward_gradient(rewards, logits=theta)
        natural = torch.linalg.pinv(fisher) @ gradient
        torch.testing.assert_close(natural, rewards - rewards.mean())
        # minimal coordinates (θ_K = 0) give the same step up to a constant on every logit
        minimal = torch.linalg.solve(fisher[:-1, :-1], gradient[:-1])
        torch.testing.assert_close(minimal, rewards[:-1] - rewards[-1])
