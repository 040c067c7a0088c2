"""The closed forms behind the REINFORCE, baselines and networks chapters, against independent
references: torch autograd of the exact expected reward, enumeration of the outcomes, brute-force
minimisation, torch autograd through ``torch.distributions`` and ``torch.nn``, and Monte Carlo
with fixed seeds.
"""

from __future__ import annotations

import pytest
import torch

from eligibility import bernoulli, categorical
from eligibility.baselines import (
    categorical_optimal_baseline,
    optimal_baseline,
    scalar_optimal_baseline,
)
from eligibility.networks import (
    bernoulli_layer_eligibility,
    linear_softmax_eligibility,
    softmax_layer_eligibility,
)
from eligibility.reinforce import (
    enumerate_support,
    estimator,
    estimator_moments,
    exact_gradient,
    expected_reward_gradient,
)

F64 = torch.float64


def _random(seed: int, *shape: int, scale: float = 2.0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=F64) * scale


# --- the REINFORCE theorem -----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("size", [2, 3, 6])
def test_expected_reward_gradient_logits_is_autograd_of_exact_expected_reward(seed, size):
    theta, rewards = _random(seed, 4, size), _random(seed + 100, 4, size)
    leaf = theta.clone().requires_grad_(True)
    (torch.softmax(leaf, -1) * rewards).sum().backward()
    torch.testing.assert_close(expected_reward_gradient(rewards, logits=theta), leaf.grad)


@pytest.mark.parametrize("seed", range(5))
def test_expected_reward_gradient_probs_is_autograd_through_torch_categorical(seed):
    pi = _random(seed, 3, 4).exp()  # unnormalised weights, as torch reads them
    rewards = _random(seed + 1, 3, 4)
    leaf = pi.clone().requires_grad_(True)
    (torch.distributions.Categorical(probs=leaf).probs * rewards).sum().backward()
    torch.testing.assert_close(expected_reward_gradient(rewards, probs=pi), leaf.grad)


@pytest.mark.parametrize("param", ["logits", "probs"])
@pytest.mark.parametrize("baseline", [0.0, -2.5, 7.0])
def test_theorem_by_enumeration_any_baseline(param, baseline):
    rewards = torch.tensor([1.0, -2.0, 0.5, 4.0], dtype=F64)
    value = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=F64)
    if param == "probs":
        value = value.exp() * 3.0  # weights that do not sum to one
    mean, _ = estimator_moments("categorical", lambda k: rewards[k], baseline, **{param: value})
    closed = expected_reward_gradient(rewards, **{param: value})
    torch.testing.assert_close(mean, closed)
    torch.testing.assert_close(
        exact_gradient("categorical", lambda k: rewards[k], **{param: value}), closed
    )


def test_theorem_for_bernoulli_and_multinomial_by_enumeration():
    for kind, reward, params in [
        ("bernoulli", lambda y: 2.0 - 3.0 * y, {"probs": torch.tensor(0.2, dtype=F64)}),
        ("bernoulli", lambda y: 2.0 - 3.0 * y, {"logits": torch.tensor(-1.5, dtype=F64)}),
        (
            "multinomial",
            lambda x: (x[..., 0] - x[..., 2]) ** 2,
            {"total_count": 3, "probs": torch.tensor([1.0, 2.0, 0.5], dtype=F64)},
        ),
    ]:
        mean, _ = estimator_moments(kind, reward, 0.3, **params)
        grad = exact_gradient(kind, reward, **params)
        torch.testing.assert_close(mean, grad.reshape(mean.shape))


def test_monte_carlo_mean_is_within_five_standard_errors():
    theta = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=F64)
    rewards = torch.tensor([1.0, -2.0, 0.5, 4.0], dtype=F64)
    n = 200_000
    generator = torch.Generator().manual_seed(12345)
    k = torch.multinomial(torch.softmax(theta, -1), n, replacement=True, generator=generator)
    g_hat = estimator(rewards[k], categorical.eligibility(k, logits=theta), 0.5).mean(0)
    _, var = estimator_moments("categorical", lambda a: rewards[a], 0.5, logits=theta)
    standard_error = (var / n).sqrt()
    error = (g_hat - expected_reward_gradient(rewards, logits=theta)).abs()
    assert (error < 5 * standard_error).all(), (error, standard_error)


def test_surrogate_loss_gradient_is_minus_the_estimator():
    theta = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=F64)
    rewards = torch.tensor([1.0, -2.0, 0.5, 4.0], dtype=F64)
    actions = torch.tensor([0, 3, 3, 2, 1])
    leaf = theta.clone().requires_grad_(True)
    dist = torch.distributions.Categorical(logits=leaf)
    (-(rewards[actions] - 0.7) * dist.log_prob(actions)).mean().backward()
    by_hand = estimator(rewards[actions], categorical.eligibility(actions, logits=theta), 0.7)
    torch.testing.assert_close(-leaf.grad, by_hand.mean(0))


def test_baseline_left_in_the_graph_is_biased_by_entropy_times_its_gradient():
    theta = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=F64)
    rewards = torch.tensor([1.0, -2.0, 0.5, 4.0], dtype=F64)
    leaf = theta.clone().requires_grad_(True)
    dist = torch.distributions.Categorical(logits=leaf)
    b = (dist.probs * rewards).sum()  # not detached
    loss = (dist.probs.detach() * -(rewards - b) * dist.log_prob(torch.arange(4))).sum()
    (grad,) = torch.autograd.grad(loss, leaf)
    true = expected_reward_gradient(rewards, logits=theta)
    entropy = torch.distributions.Categorical(logits=theta).entropy()
    torch.testing.assert_close(-grad, true * (1 + entropy))


# --- baselines ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [2, 3, 5])
def test_categorical_optimal_baseline_is_the_enumerated_ratio(seed, size):
    theta, rewards = _random(seed, size), _random(seed + 7, size)
    values, weights = enumerate_support("categorical", logits=theta)
    e = categorical.eligibility(values, logits=theta)
    torch.testing.assert_close(
        categorical_optimal_baseline(rewards, logits=theta),
        optimal_baseline(rewards, e, weights),
    )


def test_categorical_optimal_baseline_minimises_each_component_variance():
    theta = torch.tensor([1.0, -0.5, 0.0, 0.5], dtype=F64)
    rewards = torch.tensor([2.0, 0.0, 1.0, 4.0], dtype=F64)
    best = categorical_optimal_baseline(rewards, logits=theta)
    grid = torch.linspace(-2.0, 6.0, 8001, dtype=F64)
    variances = torch.stack(
        [estimator_moments("categorical", lambda k: rewards[k], b, logits=theta)[1] for b in grid]
    )  # (baselines, K)
    argmin = grid[variances.argmin(0)]
    assert (argmin - best).abs().max() < 2e-3
    assert not torch.allclose(best, (torch.softmax(theta, -1) * rewards).sum().expand(4))


def test_categorical_optimal_baseline_is_finite_for_a_nearly_certain_policy():
    theta = torch.tensor([40.0, 0.0, -3.0], dtype=F64)
    rewards = torch.tensor([1.0, 2.0, 3.0], dtype=F64)
    best = categorical_optimal_baseline(rewards, logits=theta)
    assert torch.isfinite(best).all()
    # b*_1 → mean reward of the others, weighted by their renormalised probabilities
    others = torch.softmax(theta[1:], -1)
    torch.testing.assert_close(best[0], (others * rewards[1:]).sum())


def test_scalar_optimal_baseline_minimises_total_variance():
    theta = torch.tensor([1.0, -0.5, 0.0, 0.5], dtype=F64)
    rewards = torch.tensor([2.0, 0.0, 1.0, 4.0], dtype=F64)
    values, weights = enumerate_support("categorical", logits=theta)
    e = categorical.eligibility(values, logits=theta)
    best = scalar_optimal_baseline(rewards[values], e, weights)
    grid = torch.linspace(0.0, 4.0, 4001, dtype=F64)
    total = torch.tensor(
        [
            estimator_moments("categorical", lambda k: rewards[k], float(b), logits=theta)[1].sum()
            for b in grid
        ]
    )
    assert abs(float(grid[total.argmin()]) - float(best)) < 2e-3


@pytest.mark.parametrize("p", [0.05, 0.3, 0.9])
def test_bernoulli_optimal_baseline_swaps_the_weights_and_removes_the_variance(p):
    a, c = 1.0, 2.0
    logits = torch.logit(torch.tensor(p, dtype=F64))
    values, weights = enumerate_support("bernoulli", logits=logits)
    r = a + (c - a) * values
    e = bernoulli.eligibility(values, logits=logits).unsqueeze(-1)
    best = scalar_optimal_baseline(r, e, weights)
    torch.testing.assert_close(best, torch.tensor(p * a + (1 - p) * c, dtype=F64))
    _, var_best = estimator_moments("bernoulli", lambda y: a + (c - a) * y, best, logits=logits)
    _, var_mean = estimator_moments(
        "bernoulli", lambda y: a + (c - a) * y, float(weights @ r), logits=logits
    )
    assert abs(float(var_best)) < 1e-12
    expected = (2 * p - 1) ** 2 * (c - a) ** 2 * p * (1 - p)
    assert abs(float(var_mean) - expected) < 1e-12


def test_scalar_optimal_baseline_from_samples_approaches_the_exact_one():
    theta = torch.tensor([1.0, -0.5, 0.0, 0.5], dtype=F64)
    rewards = torch.tensor([2.0, 0.0, 1.0, 4.0], dtype=F64)
    values, weights = enumerate_support("categorical", logits=theta)
    exact = scalar_optimal_baseline(rewards, categorical.eligibility(values, logits=theta), weights)
    generator = torch.Generator().manual_seed(99)
    k = torch.multinomial(weights, 100_000, replacement=True, generator=generator)
    sampled = scalar_optimal_baseline(rewards[k], categorical.eligibility(k, logits=theta))
    assert abs(float(sampled - exact)) < 0.02


# --- networks ------------------------------------------------------------------------------


@pytest.mark.parametrize("with_bias", [False, True])
def test_bernoulli_layer_is_autograd_through_torch_bernoulli(with_bias):
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3, bias=with_bias).double()
    x = torch.rand(6, 4, dtype=F64) * 2 - 1  # a batch of six inputs
    dist = torch.distributions.Bernoulli(logits=layer(x))
    y = dist.sample()
    for n in range(6):  # one gradient per sample
        layer.zero_grad()
        torch.distributions.Bernoulli(logits=layer(x[n])).log_prob(y[n]).sum().backward()
        ours = bernoulli_layer_eligibility(
            y[n], layer.weight.detach(), x[n], bias=layer.bias.detach() if with_bias else None
        )
        torch.testing.assert_close(ours, layer.weight.grad)


def test_layers_broadcast_over_a_batch():
    torch.manual_seed(1)
    w = torch.randn(3, 4, dtype=F64)
    x = torch.randn(5, 4, dtype=F64)
    y = torch.bernoulli(torch.full((5, 3), 0.5, dtype=F64))
    batched = bernoulli_layer_eligibility(y, w, x)
    assert batched.shape == (5, 3, 4)
    torch.testing.assert_close(batched[2], bernoulli_layer_eligibility(y[2], w, x[2]))
    k = torch.tensor([0, 2, 1, 1, 0])
    batched = softmax_layer_eligibility(k, w, x)
    assert batched.shape == (5, 3, 4)
    torch.testing.assert_close(batched[3], softmax_layer_eligibility(k[3], w, x[3]))


@pytest.mark.parametrize("with_bias", [False, True])
def test_softmax_layer_is_autograd_through_torch_nn(with_bias):
    torch.manual_seed(2)
    layer = torch.nn.Linear(5, 4, bias=with_bias).double()
    x = torch.rand(5, dtype=F64) * 2 - 1
    for k in range(4):
        layer.zero_grad()
        torch.distributions.Categorical(logits=layer(x)).log_prob(torch.tensor(k)).backward()
        bias = layer.bias.detach() if with_bias else None
        ours = softmax_layer_eligibility(torch.tensor(k), layer.weight.detach(), x, bias=bias)
        torch.testing.assert_close(ours, layer.weight.grad)
        if with_bias:
            torch.testing.assert_close(layer.bias.grad, ours[:, -1] / x[-1])


def test_backpropagation_rule_through_a_hidden_layer():
    torch.manual_seed(3)
    net = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    ).double()
    first, _, last = net
    x = torch.rand(5, dtype=F64) * 2 - 1
    for action in range(3):
        net.zero_grad()
        torch.distributions.Categorical(logits=net(x)).log_prob(torch.tensor(action)).backward()
        with torch.no_grad():
            h = torch.tanh(first(x))
            e = categorical.eligibility(torch.tensor(action), logits=last(h))
            e_pre = (1 - h**2) * (last.weight.T @ e)
        torch.testing.assert_close(
            softmax_layer_eligibility(
                torch.tensor(action), last.weight.detach(), h, bias=last.bias.detach()
            ),
            last.weight.grad,
        )
        torch.testing.assert_close(torch.outer(e_pre, x), first.weight.grad)


@pytest.mark.parametrize("seed", range(4))
def test_linear_softmax_eligibility_is_autograd(seed):
    features = _random(seed, 6, 4, 3, scale=1.0)  # 6 states, 4 actions, 3 features
    theta = _random(seed + 50, 3)
    actions = torch.tensor([0, 3, 1, 2, 2, 0])
    leaf = theta.clone().requires_grad_(True)
    dist = torch.distributions.Categorical(logits=features @ leaf)
    for n in range(6):
        (grad,) = torch.autograd.grad(dist.log_prob(actions)[n], leaf, retain_graph=True)
        torch.testing.assert_close(linear_softmax_eligibility(actions[n], theta, features[n]), grad)
    batched = linear_softmax_eligibility(actions, theta, features)
    assert batched.shape == (6, 3)


def test_softmax_layer_is_the_linear_softmax_policy_with_block_features():
    torch.manual_seed(4)
    w = torch.randn(3, 4, dtype=F64)
    x = torch.randn(4, dtype=F64)
    features = torch.zeros(3, 12, dtype=F64)
    for b in range(3):
        features[b, 4 * b : 4 * (b + 1)] = x
    for a in range(3):
        ours = linear_softmax_eligibility(torch.tensor(a), w.reshape(-1), features)
        torch.testing.assert_close(
            ours.reshape(3, 4), softmax_layer_eligibility(torch.tensor(a), w, x)
        )


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: expected_reward_gradient(torch.ones(3), logits=torch.zeros(4)), "rewards"),
        (lambda: expected_reward_gradient(torch.ones(2), probs=torch.tensor([1.0, -1.0])), "probs"),
        (lambda: expected_reward_gradient(torch.ones(2)), "exactly one"),
        (
            lambda: expected_reward_gradient(
                torch.tensor([1.0, float("nan")]), logits=torch.zeros(2)
            ),
            "rewards",
        ),
        (lambda: categorical_optimal_baseline(torch.ones(1), logits=torch.zeros(1)), "K=2"),
        (lambda: scalar_optimal_baseline(torch.ones(3), torch.ones(3)), "eligibilities"),
        (
            lambda: scalar_optimal_baseline(torch.ones(3), torch.ones(3, 2), torch.ones(2)),
            "weights",
        ),
        (
            lambda: bernoulli_layer_eligibility(torch.ones(2), torch.ones(3), torch.ones(3)),
            "weights",
        ),
        (
            lambda: bernoulli_layer_eligibility(torch.ones(2), torch.ones(2, 3), torch.ones(2)),
            "inputs",
        ),
        (
            lambda: bernoulli_layer_eligibility(
                torch.tensor([0.5, 1.0]), torch.ones(2, 3), torch.ones(3)
            ),
            "value",
        ),
        (
            lambda: softmax_layer_eligibility(
                0, torch.ones(2, 3), torch.ones(3), bias=torch.ones(3)
            ),
            "bias",
        ),
        (lambda: softmax_layer_eligibility(2, torch.ones(2, 3), torch.ones(3)), "value"),
        (lambda: linear_softmax_eligibility(0, torch.ones(2), torch.ones(3, 4)), "features"),
        (lambda: linear_softmax_eligibility(3, torch.ones(2), torch.ones(3, 2)), "value"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
