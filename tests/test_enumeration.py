"""Exact enumeration of the support: E[e] = 0, E[e eᵀ] = Fisher information, and REINFORCE
with any constant baseline is unbiased (its mean equals autograd of the exact expected
reward). The references are sums over the support, independent of the closed forms."""

from __future__ import annotations

import pytest
import torch

from eligibility import bernoulli, categorical, multinomial
from eligibility.baselines import optimal_baseline
from eligibility.reinforce import (
    enumerate_support,
    estimator_moments,
    exact_eligibility_moments,
    exact_gradient,
)

F64 = torch.float64
GEN = torch.Generator().manual_seed(0)


def rand(*shape):
    return torch.rand(*shape, generator=GEN, dtype=F64) + 0.05


CASES = [
    ("bernoulli", {"probs": torch.tensor(0.3, dtype=F64)}, None),
    ("bernoulli", {"logits": torch.tensor(-1.2, dtype=F64)}, None),
]
CASES += [("categorical", {"probs": rand(k) * 3}, None) for k in range(2, 7)]
CASES += [
    ("categorical", {"logits": torch.randn(k, generator=GEN, dtype=F64)}, None) for k in range(2, 7)
]
CASES += [("multinomial", {"probs": rand(k)}, n) for k in (2, 3, 4) for n in (1, 2, 3)]
CASES += [
    ("multinomial", {"logits": torch.randn(k, generator=GEN, dtype=F64)}, n)
    for k in (2, 3)
    for n in (1, 4)
]
MODULES = {"bernoulli": bernoulli, "categorical": categorical, "multinomial": multinomial}


def fisher(kind, params, n):
    extra = {"total_count": n} if kind == "multinomial" else {}
    f = MODULES[kind].fisher_information(**extra, **params)
    return f.reshape(1, 1) if kind == "bernoulli" else f


@pytest.mark.parametrize(("kind", "params", "n"), CASES)
def test_mean_eligibility_is_zero_and_second_moment_is_fisher(kind, params, n):
    mean, second = exact_eligibility_moments(kind, total_count=n, **params)
    torch.testing.assert_close(mean, torch.zeros_like(mean), atol=1e-10, rtol=0)
    torch.testing.assert_close(second, fisher(kind, params, n), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize(("kind", "params", "n"), CASES)
@pytest.mark.parametrize("baseline", [0.0, 0.7, -3.0])
def test_reinforce_with_a_constant_baseline_is_unbiased(kind, params, n, baseline):
    weights = torch.linspace(-1.0, 2.0, 7, dtype=F64)

    def reward(values):
        if kind == "categorical":
            return weights[values]
        if kind == "multinomial":
            return (values * weights[: values.shape[-1]]).sum(-1) ** 2
        return 2.0 * values - 0.5

    mean, _ = estimator_moments(kind, reward, baseline, total_count=n, **params)
    truth = exact_gradient(kind, reward, total_count=n, **params)
    torch.testing.assert_close(mean.reshape(truth.shape), truth, rtol=1e-9, atol=1e-10)


def test_the_optimal_baseline_minimises_the_variance_on_a_grid():
    probs = torch.tensor([0.5, 0.3, 0.2], dtype=F64)
    rewards_by_class = torch.tensor([1.0, 4.0, -2.0], dtype=F64)
    values, weights = enumerate_support("categorical", probs=probs)
    e = categorical.eligibility(values, probs=probs)
    best = optimal_baseline(rewards_by_class[values], e, weights)
    for j in range(3):
        grid = torch.linspace(-5, 5, 2001, dtype=F64)
        variances = torch.stack(
            [
                estimator_moments("categorical", lambda v: rewards_by_class[v], b, probs=probs)[1][
                    j
                ]
                for b in grid
            ]
        )
        assert abs(float(grid[variances.argmin()]) - float(best[j])) <= 0.01
