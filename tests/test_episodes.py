"""The episodes chapter's package module against independent references: torch autograd of the
exact expected return (every trajectory enumerated), per-step ``torch.distributions`` log-probs,
brute-force conditional expectations, and Monte Carlo with fixed seeds.
"""

from __future__ import annotations

import itertools

import pytest
import torch

from eligibility.episodes import (
    MDP,
    estimates,
    estimator_moments,
    expected_return,
    log_prob,
    monte_carlo,
    policy_gradient,
    returns,
    reward_to_go,
    sample,
    tabular_eligibility,
    trajectories,
    values,
)

F64 = torch.float64
D = torch.distributions


def random_mdp(seed: int, states=2, actions=2, horizon=3, discount=0.9, batch=()) -> MDP:
    gen = torch.Generator().manual_seed(seed)
    initial = torch.rand(*batch, states, generator=gen, dtype=F64) + 0.1
    transitions = torch.rand(*batch, states, actions, states, generator=gen, dtype=F64) + 0.1
    rewards = torch.randn(*batch, states, actions, generator=gen, dtype=F64)
    return MDP(
        initial / initial.sum(-1, keepdim=True),
        transitions / transitions.sum(-1, keepdim=True),
        rewards,
        horizon,
        discount,
    )


def random_logits(seed: int, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=F64) * 1.5


def autograd_gradient(mdp: MDP, logits: torch.Tensor) -> torch.Tensor:
    leaf = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(expected_return(mdp, logits=leaf).sum(), leaf)
    return grad


SHAPES = [(2, 2, 3), (3, 2, 2), (2, 3, 2), (1, 2, 4), (3, 3, 1)]


@pytest.mark.parametrize(("states", "actions", "horizon"), SHAPES)
def test_every_trajectory_is_listed_once_and_their_probabilities_sum_to_one(
    states, actions, horizon
):
    mdp = random_mdp(0, states, actions, horizon)
    paths = trajectories(mdp)
    assert paths.states.shape == ((states * actions) ** horizon, horizon)
    rows = {
        tuple(s) + tuple(a)
        for s, a in zip(paths.states.tolist(), paths.actions.tolist(), strict=True)
    }
    assert len(rows) == (states * actions) ** horizon
    total = log_prob(mdp, *paths, logits=random_logits(1, states, actions)).exp().sum()
    torch.testing.assert_close(total, torch.tensor(1.0, dtype=F64), rtol=0, atol=1e-12)


def test_log_prob_is_the_sum_of_torch_log_probs_step_by_step():
    mdp = random_mdp(3)
    logits = random_logits(4, 2, 2)
    paths = trajectories(mdp)
    ours = log_prob(mdp, *paths, logits=logits)
    for n, (s, a) in enumerate(zip(paths.states.tolist(), paths.actions.tolist(), strict=True)):
        expected = torch.log(mdp.initial[s[0]])
        for t in range(mdp.horizon):
            expected = expected + D.Categorical(logits=logits[s[t]]).log_prob(torch.tensor(a[t]))
            if t + 1 < mdp.horizon:
                expected = expected + torch.log(mdp.transitions[s[t], a[t], s[t + 1]])
        torch.testing.assert_close(ours[n], expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("states", "actions", "horizon"), SHAPES)
@pytest.mark.parametrize("discount", [1.0, 0.9, 0.0])
@pytest.mark.parametrize("seed", range(3))
def test_policy_gradient_theorem_matches_autograd_of_the_exact_return_to_1e12(
    states, actions, horizon, discount, seed
):
    mdp = random_mdp(seed, states, actions, horizon, discount)
    logits = random_logits(seed + 10, states, actions)
    truth = autograd_gradient(mdp, logits)
    torch.testing.assert_close(policy_gradient(mdp, logits=logits), truth, rtol=0, atol=1e-12)


def test_the_chapter_mdp_every_trajectory_and_every_estimator():
    """2 states × 2 actions × horizon 3: 64 trajectories; every unbiased estimator's exact mean
    equals autograd of the exact expected return to 1e-12."""
    mdp = random_mdp(2024, 2, 2, 3, 0.9)
    logits = random_logits(7, 2, 2)
    assert trajectories(mdp).states.shape[0] == 64
    truth = autograd_gradient(mdp, logits)
    table = values(mdp, logits=logits)
    for options in (
        {"signal": "return"},
        {"signal": "return", "baseline": torch.full((3, 2), 0.7, dtype=F64)},
        {"signal": "reward-to-go"},
        {"signal": "reward-to-go", "baseline": table.v},
        {"signal": "reward-to-go", "baseline": random_logits(8, 3, 2)},
        {"signal": "q"},
        {"signal": "advantage"},
    ):
        mean, _ = estimator_moments(mdp, logits=logits, **options)
        torch.testing.assert_close(mean, truth, rtol=0, atol=1e-12, msg=str(options))


def test_dropping_the_discount_weights_biases_the_estimate_unless_gamma_is_one():
    mdp = random_mdp(5, discount=0.5)
    logits = random_logits(6, 2, 2)
    mean, _ = estimator_moments(mdp, logits=logits, discount_weights=False)
    assert (mean - autograd_gradient(mdp, logits)).abs().max() > 1e-3
    undiscounted = random_mdp(5, discount=1.0)
    mean, _ = estimator_moments(undiscounted, logits=logits, discount_weights=False)
    torch.testing.assert_close(mean, autograd_gradient(undiscounted, logits), rtol=0, atol=1e-12)


def test_the_value_baseline_term_has_mean_zero_and_lowers_the_variance():
    """Advantage = Q − V: the difference of the two estimates is the baseline term
    −Σ_t γ^t V_t(s_t) e_t, whose exact mean is zero; here it lowers every variance."""
    mdp = random_mdp(9)
    logits = random_logits(10, 2, 2)
    paths = trajectories(mdp)
    weights = log_prob(mdp, *paths, logits=logits).exp()[:, None, None]
    term = estimates(mdp, *paths, logits=logits, signal="advantage") - estimates(
        mdp, *paths, logits=logits, signal="q"
    )
    torch.testing.assert_close(
        (weights * term).sum(0), torch.zeros(2, 2, dtype=F64), atol=1e-12, rtol=0
    )
    _, var_q = estimator_moments(mdp, logits=logits, signal="q")
    _, var_a = estimator_moments(mdp, logits=logits, signal="advantage")
    assert (var_a < var_q).all()


def test_values_are_conditional_expectations_of_the_reward_to_go():
    mdp = random_mdp(11, 2, 3, 3, 0.8)
    logits = random_logits(12, 2, 3)
    table = values(mdp, logits=logits)
    paths = trajectories(mdp)
    weights = log_prob(mdp, *paths, logits=logits).exp()
    togo = reward_to_go(mdp, *paths)
    for t, s, a in itertools.product(range(3), range(2), range(3)):
        at = (paths.states[:, t] == s) & (paths.actions[:, t] == a)
        q = (weights[at] * togo[at, t]).sum() / weights[at].sum()
        torch.testing.assert_close(table.q[t, s, a], q, rtol=1e-12, atol=1e-12)
        visited = paths.states[:, t] == s
        torch.testing.assert_close(
            table.occupancy[t, s], weights[visited].sum(), rtol=0, atol=1e-12
        )
    torch.testing.assert_close(
        (mdp.initial * table.v[0]).sum(), expected_return(mdp, logits=logits), rtol=1e-12, atol=0
    )
    torch.testing.assert_close(table.advantage, table.q - table.v[..., None])


def test_reward_to_go_and_return_by_direct_sums():
    mdp = random_mdp(13, horizon=4, discount=0.7)
    paths = trajectories(mdp)
    togo = reward_to_go(mdp, *paths)
    for n in (0, 17, 100, 255):
        r = [
            float(mdp.rewards[s, a]) for s, a in zip(paths.states[n], paths.actions[n], strict=True)
        ]
        for t in range(4):
            expected = sum(0.7 ** (u - t) * r[u] for u in range(t, 4))
            assert abs(float(togo[n, t]) - expected) < 1e-12
    torch.testing.assert_close(returns(mdp, *paths), togo[:, 0])


def test_tabular_eligibility_is_autograd_of_the_policy_log_prob():
    logits = random_logits(14, 3, 4)
    for s, a in itertools.product(range(3), range(4)):
        leaf = logits.clone().requires_grad_(True)
        D.Categorical(logits=leaf[s]).log_prob(torch.tensor(a)).backward()
        torch.testing.assert_close(
            tabular_eligibility(torch.tensor(s), torch.tensor(a), logits), leaf.grad
        )


def test_per_trajectory_estimate_is_autograd_of_the_surrogate():
    """Episodic REINFORCE: G(τ) ∇ ln P(τ); autograd of G(τ) ln P(τ) per trajectory."""
    mdp = random_mdp(15)
    logits = random_logits(16, 2, 2)
    paths = sample(mdp, logits=logits, n=6, generator=torch.Generator().manual_seed(1))
    ours = estimates(mdp, *paths, logits=logits, signal="return")
    g = returns(mdp, *paths)
    for n in range(6):
        leaf = logits.clone().requires_grad_(True)
        one = (paths.states[n : n + 1], paths.actions[n : n + 1])
        (g[n] * log_prob(mdp, *one, logits=leaf)).sum().backward()
        torch.testing.assert_close(ours[n], leaf.grad, rtol=1e-12, atol=1e-12)


def test_batched_mdps_broadcast_like_torch():
    batch = random_mdp(17, batch=(4,))
    logits = random_logits(18, 4, 2, 2)
    out = policy_gradient(batch, logits=logits)
    for i in range(4):
        one = MDP(batch.initial[i], batch.transitions[i], batch.rewards[i], 3, batch.discount)
        torch.testing.assert_close(out[i], policy_gradient(one, logits=logits[i]))
    torch.testing.assert_close(out, autograd_gradient(batch, logits), rtol=0, atol=1e-12)


@pytest.mark.parametrize("signal", ["return", "reward-to-go", "advantage"])
def test_monte_carlo_mean_lies_within_its_standard_error(signal):
    mdp = random_mdp(2024, 2, 2, 3, 0.9)
    logits = random_logits(7, 2, 2)
    truth = policy_gradient(mdp, logits=logits)
    mean, se = monte_carlo(
        mdp, logits=logits, n=20_000, generator=torch.Generator().manual_seed(3), signal=signal
    )
    _, var = estimator_moments(mdp, logits=logits, signal=signal)
    torch.testing.assert_close(se, (var / 20_000).sqrt(), rtol=0.05, atol=1e-6)
    assert ((mean - truth).abs() <= 4 * se).all(), (mean - truth) / se


def test_sampled_trajectories_follow_the_exact_distribution():
    mdp = random_mdp(19, 2, 2, 2)
    logits = random_logits(20, 2, 2)
    paths = sample(mdp, logits=logits, n=40_000, generator=torch.Generator().manual_seed(2))
    every = trajectories(mdp)
    exact = log_prob(mdp, *every, logits=logits).exp()
    codes = (paths.states * 2 + paths.actions) @ torch.tensor([4, 1])
    every_codes = (every.states * 2 + every.actions) @ torch.tensor([4, 1])
    counts = torch.bincount(codes, minlength=16).to(F64) / 40_000
    order = torch.argsort(every_codes)
    se = (exact[order] * (1 - exact[order]) / 40_000).sqrt()
    assert ((counts - exact[order]).abs() <= 4 * se + 1e-12).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon": 0}, "horizon must be a whole number ≥ 1"),
        ({"initial": torch.tensor([0.5, 0.6], dtype=F64)}, "initial must sum to 1"),
        ({"initial": torch.tensor([1.5, -0.5], dtype=F64)}, "initial must be non-negative"),
        ({"transitions": torch.full((2, 2, 2), 0.4, dtype=F64)}, "transitions must sum to 1"),
        ({"transitions": torch.full((2, 2, 3), 1 / 3, dtype=F64)}, "transitions must have shape"),
        ({"rewards": torch.zeros(3, 2, dtype=F64)}, "rewards must have shape"),
        ({"discount": 1.5}, "discount must lie in [0, 1]"),
    ],
)
def test_bad_mdps_are_named_by_argument_and_rule(kwargs, message):
    good = {
        "initial": torch.tensor([0.5, 0.5], dtype=F64),
        "transitions": torch.full((2, 2, 2), 0.5, dtype=F64),
        "rewards": torch.zeros(2, 2, dtype=F64),
        "horizon": 2,
    }
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        MDP(**{**good, **kwargs})


def test_bad_calls_are_named_by_argument_and_rule():
    mdp = random_mdp(0)
    paths = trajectories(mdp)
    with pytest.raises(ValueError, match="logits must have shape"):
        policy_gradient(mdp, logits=torch.zeros(3, 2))
    with pytest.raises(ValueError, match="signal must be one of"):
        estimates(mdp, *paths, logits=torch.zeros(2, 2), signal="returns")
    with pytest.raises(ValueError, match="baseline must have shape"):
        estimates(mdp, *paths, logits=torch.zeros(2, 2), baseline=torch.zeros(2, 2))
    with pytest.raises(ValueError, match="states must have shape"):
        estimates(mdp, paths.states[:, :2], paths.actions, logits=torch.zeros(2, 2))
    with pytest.raises(ValueError, match="actions must be integer indices"):
        log_prob(mdp, paths.states, paths.actions + 1, logits=torch.zeros(2, 2))
    with pytest.raises(ValueError, match="n must be a whole number"):
        sample(mdp, logits=torch.zeros(2, 2), n=0)
