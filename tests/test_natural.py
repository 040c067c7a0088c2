"""The natural-gradient chapter's module against independent references: ``torch.linalg.pinv``
of the Fisher information computed by enumeration, autograd of the exact expected reward in
full and in minimal coordinates, the Moore–Penrose conditions, and numpy least squares."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eligibility import categorical, normal
from eligibility.natural import (
    compatible_weights,
    natural_gradient,
    normal_natural_eligibility,
    simplex_natural_eligibility,
    softmax_fisher_pinv,
    softmax_natural_gradient,
)
from eligibility.reinforce import enumerate_support, exact_eligibility_moments

F64 = torch.float64


def random(seed: int, *shape: int, scale: float = 1.5) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=F64) * scale


def gradient_of_expected_reward(logits: torch.Tensor, rewards: torch.Tensor) -> torch.Tensor:
    leaf = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad((torch.softmax(leaf, -1) * rewards).sum(), leaf)
    return grad


@pytest.mark.parametrize("size", [2, 3, 5])
@pytest.mark.parametrize("seed", range(3))
def test_the_closed_form_pseudo_inverse_is_torch_pinv_and_meets_moore_penrose(size, seed):
    logits = random(seed, size)
    _, fisher = exact_eligibility_moments("categorical", logits=logits)  # E[e eᵀ], enumerated
    ours = softmax_fisher_pinv(logits=logits)
    torch.testing.assert_close(ours, torch.linalg.pinv(fisher), rtol=1e-8, atol=1e-8)
    torch.testing.assert_close(fisher @ ours @ fisher, fisher, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(ours @ fisher @ ours, ours, rtol=1e-10, atol=1e-10)
    projection = torch.eye(size, dtype=F64) - 1 / size
    torch.testing.assert_close(fisher @ ours, projection, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(ours @ fisher, projection, rtol=1e-10, atol=1e-12)


def test_the_pseudo_inverse_is_the_fisher_information_on_the_simplex():
    q = torch.tensor([0.2, 0.5, 0.3], dtype=F64)
    values, weights = enumerate_support("categorical", probs=q)
    tangent = categorical.eligibility_simplex(values, probs=q)
    simplex_fisher = (weights[:, None, None] * tangent[:, :, None] * tangent[:, None, :]).sum(0)
    torch.testing.assert_close(softmax_fisher_pinv(logits=q.log()), simplex_fisher)


@pytest.mark.parametrize("size", [2, 3, 6])
@pytest.mark.parametrize("seed", range(3))
def test_softmax_natural_gradient_is_pinv_of_fisher_times_autograd_gradient(size, seed):
    logits, rewards = random(seed, size), random(seed + 50, size)
    _, fisher = exact_eligibility_moments("categorical", logits=logits)
    grad = gradient_of_expected_reward(logits, rewards)
    torch.testing.assert_close(
        softmax_natural_gradient(rewards, logits=logits), natural_gradient(grad, fisher)
    )


@pytest.mark.parametrize("size", [2, 3, 6])
def test_minimal_coordinates_solve_the_reduced_system(size):
    logits, rewards = random(size, size), random(size + 1, size)
    free = logits[:-1] - logits[-1]  # the same policy with θ_K = 0

    def expected(t):
        return (torch.softmax(torch.cat([t, torch.zeros(1, dtype=F64)]), -1) * rewards).sum()

    leaf = free.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(expected(leaf), leaf)
    fisher = torch.autograd.functional.hessian(
        lambda t: torch.logsumexp(torch.cat([t, torch.zeros(1, dtype=F64)]), 0), free
    )  # the Fisher information of an exponential family: the log-partition's Hessian
    ours = softmax_natural_gradient(rewards, logits=logits, minimal=True)
    torch.testing.assert_close(ours, torch.linalg.solve(fisher, grad))


def test_batched_natural_gradients():
    logits, rewards = random(7, 4, 3), random(8, 4, 3)
    _, fisher = exact_eligibility_moments("categorical", logits=logits[0])
    out = softmax_natural_gradient(rewards, logits=logits)
    assert out.shape == (4, 3)
    grad = gradient_of_expected_reward(logits[0], rewards[0])
    torch.testing.assert_close(out[0], natural_gradient(grad, fisher))
    fishers = torch.stack([exact_eligibility_moments("categorical", logits=t)[1] for t in logits])
    grads = torch.stack(
        [gradient_of_expected_reward(t, r) for t, r in zip(logits, rewards, strict=True)]
    )
    torch.testing.assert_close(natural_gradient(grads, fishers), out)


def test_simplex_natural_eligibility_is_pinv_of_the_tangent_fisher():
    q = torch.tensor([0.1, 0.6, 0.3], dtype=F64)
    values, weights = enumerate_support("categorical", probs=q)
    tangent = categorical.eligibility_simplex(values, probs=q)
    fisher = (weights[:, None, None] * tangent[:, :, None] * tangent[:, None, :]).sum(0)
    for k in range(3):
        expected = torch.linalg.pinv(fisher) @ tangent[k]
        torch.testing.assert_close(simplex_natural_eligibility(torch.tensor(k), probs=q), expected)


@pytest.mark.parametrize("log_scale", [False, True])
def test_normal_natural_eligibility_is_the_inverse_fisher_times_the_eligibility(log_scale):
    y = torch.tensor([0.3, -1.0, 2.5], dtype=F64)
    loc, scale = torch.tensor(0.5, dtype=F64), torch.tensor(0.7, dtype=F64)
    e = torch.stack(normal.eligibility(y, loc=loc, scale=scale, log_scale=log_scale), -1)
    fisher = normal.fisher_information(loc=loc, scale=scale, log_scale=log_scale)
    expected = (torch.linalg.inv(fisher) @ e.unsqueeze(-1)).squeeze(-1)
    ours = normal_natural_eligibility(y, loc=loc, scale=scale, log_scale=log_scale)
    torch.testing.assert_close(ours, expected)
    torch.testing.assert_close(ours[:, 0], y - loc)


def test_compatible_weights_are_the_natural_gradient_and_fit_the_advantage():
    logits, rewards = random(11, 4), random(12, 4)
    values, weights = enumerate_support("categorical", logits=logits)
    e = categorical.eligibility(values, logits=logits)
    w = compatible_weights(rewards[values], e, weights)
    torch.testing.assert_close(w, softmax_natural_gradient(rewards, logits=logits))
    root = np.sqrt(weights.numpy())[:, None]
    lstsq = np.linalg.lstsq(root * e.numpy(), root[:, 0] * rewards.numpy(), rcond=None)[0]
    np.testing.assert_allclose(w.numpy(), lstsq, rtol=1e-10, atol=1e-12)
    fitted = e @ w
    torch.testing.assert_close(fitted, rewards - (weights * rewards).sum())


def test_natural_gradient_ascent_reaches_the_best_arm_faster():
    """Both ascents with the same step size from a policy that nearly ignores the best arm."""
    rewards = torch.tensor([1.0, 0.0, 0.5], dtype=F64)
    plain = natural = torch.tensor([-6.0, 2.0, 0.0], dtype=F64)
    for _ in range(30):
        plain = plain + 1.0 * gradient_of_expected_reward(plain, rewards)
        natural = natural + 1.0 * softmax_natural_gradient(rewards, logits=natural)
    assert torch.softmax(natural, -1)[0] > 0.99 > 0.05 > torch.softmax(plain, -1)[0]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="fisher must have shape"):
        natural_gradient(torch.ones(2), torch.ones(2, 3))
    with pytest.raises(ValueError, match="gradient must have a last dimension"):
        natural_gradient(torch.ones(3), torch.eye(2))
    with pytest.raises(ValueError, match="K ≥ 2"):
        softmax_fisher_pinv(logits=torch.zeros(1))
    with pytest.raises(ValueError, match="rewards must have a last dimension"):
        softmax_natural_gradient(torch.ones(2), logits=torch.zeros(3))
    with pytest.raises(ValueError, match="a point of the simplex"):
        simplex_natural_eligibility(torch.tensor(0), probs=torch.tensor([0.5, 0.6]))
    with pytest.raises(ValueError, match="eligibilities"):
        compatible_weights(torch.ones(3), torch.ones(2, 2))
