"""Baselines learned from the batch they serve, and the two-outcome baseline, against
independent references: every sequence of draws enumerated by brute force, the closed-form
gradient of the expected reward, seeded Monte Carlo with its standard error, and the
covariance of the estimate by enumeration of the outcomes."""

from __future__ import annotations

import itertools

import pytest
import torch

from eligibility import bernoulli, categorical
from eligibility.baselines import leave_one_out, scalar_optimal_baseline, two_outcome_baseline
from eligibility.reinforce import (
    enumerate_batches,
    enumerate_support,
    estimator,
    estimator_moments,
    expected_reward_gradient,
)

F64 = torch.float64
THETA = torch.tensor([1.0, -0.5, 0.0, 0.5], dtype=F64)
REWARDS = torch.tensor([2.0, 0.0, 1.0, 4.0], dtype=F64)
TRUTH = expected_reward_gradient(REWARDS, logits=THETA)


def batch_estimates(actions, baseline):
    """(1/N) Σ_n (r_n − b_n) e_n for every batch, with ``baseline(r, e)`` giving the b_n."""
    r = REWARDS[actions]
    e = categorical.eligibility(actions, logits=THETA)
    return estimator(r, e, baseline(r, e)).mean(-2)


def exact_mean(n, baseline):
    actions, weights = enumerate_batches(n, logits=THETA)
    return weights @ batch_estimates(actions, baseline)


def same_sample_optimum(r, e):
    return scalar_optimal_baseline(r, e).unsqueeze(-1)


def same_sample_mean(r, e):
    return r.mean(-1, keepdim=True)


def rloo(r, e):
    return leave_one_out(r)


def test_leave_one_out_is_the_mean_of_the_others():
    generator = torch.Generator().manual_seed(0)
    r = torch.randn(3, 5, generator=generator, dtype=F64)
    expected = torch.stack(
        [torch.cat([r[:, :n], r[:, n + 1 :]], -1).mean(-1) for n in range(5)], -1
    )
    torch.testing.assert_close(leave_one_out(r), expected)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_enumerated_batches_match_every_sequence_of_draws(n):
    probs = torch.softmax(THETA, -1)
    brute = torch.zeros(4, dtype=F64)
    for sequence in itertools.product(range(4), repeat=n):
        actions = torch.tensor(sequence)
        weight = probs[actions].prod()
        brute += weight * batch_estimates(actions, same_sample_optimum)
    torch.testing.assert_close(exact_mean(n, same_sample_optimum), brute)
    _, weights = enumerate_batches(n, logits=THETA)
    assert abs(float(weights.sum()) - 1) < 1e-12


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_the_leave_one_out_baseline_is_unbiased_exactly(n):
    torch.testing.assert_close(exact_mean(n, rloo), TRUTH, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_the_batch_mean_as_baseline_shrinks_the_gradient_by_one_over_n(n):
    # E[(r_n − r̄) e_n] = (1 − 1/N) ∂E[r]/∂θ: the draw's own reward is in its baseline
    torch.testing.assert_close(exact_mean(n, same_sample_mean), (1 - 1 / n) * TRUTH)


def test_the_optimal_baseline_from_the_same_samples_is_biased_by_order_one_over_n():
    biases = {n: exact_mean(n, same_sample_optimum) - TRUTH for n in (8, 16, 32)}
    scaled = {n: n * bias.norm() for n, bias in biases.items()}
    assert scaled[8] > 0.5  # a real bias, of the size of the gradient over N
    # N × bias converges: doubling N halves the bias, to within 3 %
    assert abs(scaled[16] / scaled[8] - 1) < 0.03
    assert abs(scaled[32] / scaled[16] - 1) < 0.01


def test_rloo_is_unbiased_by_monte_carlo_within_five_standard_errors():
    generator = torch.Generator().manual_seed(4)
    batches, n = 50_000, 4
    actions = torch.multinomial(
        torch.softmax(THETA, -1).expand(batches, 4), n, replacement=True, generator=generator
    )
    samples = batch_estimates(actions, rloo)
    error = (samples.mean(0) - TRUTH).abs()
    standard_error = samples.std(0) / batches**0.5
    assert (error < 5 * standard_error).all(), (error, standard_error)


def test_scalar_optimal_baseline_is_batched():
    actions, _ = enumerate_batches(3, logits=THETA)
    r = REWARDS[actions]
    e = categorical.eligibility(actions, logits=THETA)
    rows = torch.stack([scalar_optimal_baseline(r[i], e[i]) for i in range(len(r))])
    torch.testing.assert_close(scalar_optimal_baseline(r, e), rows)


# --- one baseline removes all variance exactly when there are two outcomes -------------------


def covariance(values, weights, rewards, eligibilities, b):
    """Cov[(r − b) e] by enumeration of the outcomes, a P × P matrix."""
    g_hat = (rewards - b).unsqueeze(-1) * eligibilities
    mean = weights @ g_hat
    return (weights[:, None, None] * g_hat[:, :, None] * g_hat[:, None, :]).sum(0) - torch.outer(
        mean, mean
    )


@pytest.mark.parametrize("seed", range(4))
def test_two_outcomes_with_several_parameters_one_baseline_removes_all_variance(seed):
    generator = torch.Generator().manual_seed(seed)
    w = torch.randn(3, generator=generator, dtype=F64)
    x = torch.rand(3, generator=generator, dtype=F64) * 2 - 1
    a, c = torch.randn(2, generator=generator, dtype=F64)
    logit = w @ x
    values, weights = enumerate_support("bernoulli", logits=logit)  # y = 0, 1
    rewards = a + (c - a) * values
    e = bernoulli.eligibility(values, logits=logit).unsqueeze(-1) * x  # ∂ ln h / ∂w, (2, 3)
    b = two_outcome_baseline(rewards, weights)
    torch.testing.assert_close(
        covariance(values, weights, rewards, e, b), torch.zeros(3, 3, dtype=F64)
    )
    torch.testing.assert_close(b, scalar_optimal_baseline(rewards, e, weights))


def test_a_two_class_softmax_has_two_logits_and_one_baseline_removes_all_variance():
    theta = torch.tensor([0.7, -0.4], dtype=F64)
    rewards = torch.tensor([3.0, -1.0], dtype=F64)
    values, weights = enumerate_support("categorical", logits=theta)
    e = categorical.eligibility(values, logits=theta)
    b = two_outcome_baseline(rewards, weights)
    _, var = estimator_moments("categorical", lambda k: rewards[k], float(b), logits=theta)
    torch.testing.assert_close(var, torch.zeros(2, dtype=F64))
    assert covariance(values, weights, rewards, e, b).abs().max() < 1e-12


def test_with_three_outcomes_no_baseline_removes_all_variance():
    theta = torch.tensor([0.7, -0.4, 0.2], dtype=F64)
    rewards = torch.tensor([3.0, -1.0, 0.5], dtype=F64)
    values, weights = enumerate_support("categorical", logits=theta)
    e = categorical.eligibility(values, logits=theta)
    best = scalar_optimal_baseline(rewards, e, weights)
    grid = torch.linspace(-5.0, 5.0, 2001, dtype=F64)
    totals = torch.stack([covariance(values, weights, rewards, e, b).trace() for b in grid])
    assert totals.min() > 0.05
    assert covariance(values, weights, rewards, e, best).trace() <= totals.min() + 1e-12
    with pytest.raises(ValueError, match="2 outcomes"):
        two_outcome_baseline(rewards, weights)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: leave_one_out(torch.ones(1)), "N ≥ 2"),
        (lambda: leave_one_out(torch.tensor([1.0, float("nan")])), "rewards"),
        (lambda: two_outcome_baseline(torch.ones(2), torch.tensor([0.5, -0.5])), "probs"),
        (lambda: two_outcome_baseline(torch.ones(3), torch.ones(2)), "rewards"),
        (lambda: scalar_optimal_baseline(torch.ones(2, 3), torch.ones(2, 4, 1)), "eligibilities"),
        (lambda: enumerate_batches(0, logits=THETA), "batch_size"),
        (lambda: enumerate_batches(2), "exactly one"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
