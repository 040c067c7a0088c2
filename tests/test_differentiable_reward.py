"""The surrogate for a reward that depends on the parameters, r(k; θ) + stopgrad(r − b) ln g,
against the exact gradient of the expected reward (torch autograd of the enumerated
Σ_k g(k; θ) r(k; θ)), and the two wrong surrogates against the biases the REINFORCE chapter
predicts (eq-reinforce-reward-detached, eq-reinforce-reward-in-graph)."""

from __future__ import annotations

import pytest
import torch

from eligibility import reinforce
from eligibility.reinforce import enumerate_support, surrogate

F64 = torch.float64
THETA = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=F64)
R = torch.tensor([1.0, -2.0, 0.5, 4.0], dtype=F64)
W = torch.tensor([0.5, -1.5, 1.0, 2.0], dtype=F64)

# rewards ρ(k; θ) of every action k at once: each depends on θ through a differentiable path
REWARDS = {
    "cost on the logit taken": lambda theta: R - theta**2 / 2,
    "learned reward model": lambda theta: R * torch.sigmoid(theta @ W + W),
    "shared with the policy": lambda theta: R + torch.log_softmax(theta, -1).exp() * 3.0,
}


def exact_gradient(reward) -> torch.Tensor:
    """∂/∂θ Σ_k g(k; θ) ρ(k; θ), by autograd through the exact expected reward."""
    theta = THETA.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad((torch.softmax(theta, -1) * reward(theta)).sum(), theta)
    return grad


def per_action_gradients(objective) -> torch.Tensor:
    """Row k: ∇_θ of ``objective(theta, k)`` when action k was drawn, by autograd."""
    rows = []
    for k in range(len(THETA)):
        theta = THETA.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(objective(theta, k), theta)
        rows.append(grad)
    return torch.stack(rows)


def expected(objective) -> torch.Tensor:
    """E_k[∇_θ objective] with the K actions weighted by their probabilities."""
    return torch.softmax(THETA, -1) @ per_action_gradients(objective)


def log_prob(theta, k):
    return torch.distributions.Categorical(logits=theta).log_prob(torch.tensor(k))


@pytest.mark.parametrize("name", sorted(REWARDS))
@pytest.mark.parametrize("baseline", [0.0, 1.7, "expected reward, in the graph"])
def test_the_surrogate_is_unbiased_for_a_differentiable_reward(name, baseline):
    reward = REWARDS[name]

    def objective(theta, k):
        b = baseline
        if isinstance(b, str):  # a baseline computed from θ: the surrogate must ignore its graph
            b = (torch.softmax(theta, -1) * reward(theta)).sum()
        return surrogate(reward(theta)[k], log_prob(theta, k), b)

    torch.testing.assert_close(expected(objective), exact_gradient(reward))


@pytest.mark.parametrize("name", sorted(REWARDS))
def test_the_wrong_surrogates_have_the_predicted_biases(name):
    reward = REWARDS[name]
    b = 0.8
    d_reward = per_action_gradients(lambda theta, k: reward(theta)[k])  # ∂ρ(k; θ)/∂θ, row k
    probs = torch.softmax(THETA, -1)
    log_probs = torch.log_softmax(THETA, -1)
    truth = exact_gradient(reward)

    detached = expected(lambda t, k: (reward(t)[k].detach() - b) * log_prob(t, k))
    torch.testing.assert_close(detached, truth - probs @ d_reward)

    in_graph = expected(lambda t, k: (reward(t)[k] - b) * log_prob(t, k))
    torch.testing.assert_close(in_graph, truth - probs @ d_reward + (probs * log_probs) @ d_reward)
    assert (in_graph - truth).abs().max() > 1e-3  # the bias is real, not rounding


def test_the_surrogate_is_unbiased_by_monte_carlo_within_five_standard_errors():
    reward = REWARDS["learned reward model"]
    per_action = per_action_gradients(
        lambda theta, k: surrogate(reward(theta)[k], log_prob(theta, k), 0.5)
    )
    generator = torch.Generator().manual_seed(2015)
    n = 100_000
    draws = torch.multinomial(torch.softmax(THETA, -1), n, replacement=True, generator=generator)
    samples = per_action[draws]
    error = (samples.mean(0) - exact_gradient(reward)).abs()
    standard_error = samples.std(0) / n**0.5
    assert (error < 5 * standard_error).all(), (error, standard_error)


def test_the_surrogate_is_unbiased_for_a_bernoulli_unit():
    def reward(theta, y):
        return 2.0 - 3.0 * y + theta**2

    def exact(theta):
        p = torch.sigmoid(theta)
        return (1 - p) * reward(theta, 0.0) + p * reward(theta, 1.0)

    theta = torch.tensor(-0.4, dtype=F64, requires_grad=True)
    (truth,) = torch.autograd.grad(exact(theta), theta)
    p = torch.sigmoid(theta).detach()
    total = 0.0
    for y, weight in ((0.0, 1 - p), (1.0, p)):
        leaf = theta.detach().clone().requires_grad_(True)
        lp = torch.distributions.Bernoulli(logits=leaf).log_prob(torch.tensor(y, dtype=F64))
        (grad,) = torch.autograd.grad(surrogate(reward(leaf, y), lp, 1.0), leaf)
        total = total + weight * grad
    torch.testing.assert_close(total, truth)


def tensor(*values):
    return torch.tensor(values if len(values) > 1 else values[0], dtype=F64)


@pytest.mark.parametrize(
    ("kind", "reward", "params"),
    [
        ("bernoulli", lambda y: 2.0 - 3.0 * y, {"probs": tensor(0.2)}),
        ("bernoulli", lambda y: 2.0 - 3.0 * y, {"logits": tensor(-1.5)}),
        ("categorical", lambda k: R[k], {"logits": tensor(0.3, -1.0, 2.0, 0.0)}),
        ("categorical", lambda k: R[k], {"probs": tensor(0.69, 0.1, 0.2, 0.01)}),
        (
            "multinomial",
            lambda x: (x[..., 0] - x[..., 2]) ** 2,
            {"total_count": 3, "probs": tensor(1.0, 2.0, 0.5)},
        ),
    ],
)
def test_for_a_constant_reward_the_surrogate_is_the_estimator_for_every_distribution(
    kind, reward, params
):
    # the REINFORCE chapter's loss −(r − b) ln g, in expectation over the whole support
    name = next(k for k in params if k != "total_count")
    leaf = params[name].clone().requires_grad_(True)
    values, weights = enumerate_support(kind, **params)
    extra = {"total_count": params["total_count"]} if kind == "multinomial" else {}
    dist = getattr(torch.distributions, kind.capitalize())(**extra, **{name: leaf})
    objective = (weights * surrogate(reward(values), dist.log_prob(values), 0.3)).sum()
    (grad,) = torch.autograd.grad(objective, leaf)
    torch.testing.assert_close(grad, reinforce.exact_gradient(kind, reward, **params))


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="reward"):
        surrogate(torch.ones(3), torch.zeros(2))
    with pytest.raises(ValueError, match="baseline"):
        surrogate(torch.ones(2), torch.zeros(2), torch.ones(3))
