r"""Episodes: REINFORCE over trajectories of a finite Markov decision process.

A tabular softmax policy π(a | s) = softmax(θ_s)_a acts for ``horizon`` steps in an MDP with
initial distribution ρ(s), transitions p(s' | s, a) and rewards r(s, a). Everything the chapter
*Episodes and the policy-gradient theorem* (docs/episodes.md) computes is here: every trajectory
with its probability (exact enumeration), the return and the reward-to-go, the values Q, V and
the advantage by dynamic programming, the policy-gradient theorem's closed form, and the
per-trajectory REINFORCE estimates (episodic, reward-to-go, with baselines) with their exact
moments and their Monte Carlo mean and standard error.

Shapes follow torch: ``initial`` ``(..., S)``, ``transitions`` ``(..., S, A, S)``, ``rewards``
``(..., S, A)``, ``logits`` ``(..., S, A)``; states and actions are 0-based indices.

>>> import torch
>>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
>>> expected_return(mdp, logits=torch.zeros(2, 2))
tensor(1.2500)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import Tensor

from . import _validation as check
from . import categorical

__all__ = [
    "MDP",
    "Trajectories",
    "Values",
    "estimates",
    "estimator_moments",
    "expected_return",
    "log_prob",
    "monte_carlo",
    "policy_gradient",
    "returns",
    "reward_to_go",
    "sample",
    "tabular_eligibility",
    "trajectories",
    "values",
]

SIGNALS = ("return", "reward-to-go", "q", "advantage")


@dataclass(frozen=True)
class MDP:
    """A finite-horizon Markov decision process with S states and A actions.

    Parameters
    ----------
    initial : Tensor
        ρ(s), shape ``(..., S)``: non-negative, summing to 1.
    transitions : Tensor
        p(s' | s, a), shape ``(..., S, A, S)``: each ``transitions[..., s, a, :]`` sums to 1.
    rewards : Tensor
        r(s, a), shape ``(..., S, A)``: the reward for action a in state s.
    horizon : int
        T ≥ 1, the number of actions in an episode.
    discount : float or Tensor
        γ ∈ [0, 1] (a tensor of shape ``(...)`` for a batch of MDPs).
    validate : bool
        Check the arguments (``ValueError`` naming the argument and the rule).

    Examples
    --------
    >>> mdp = MDP(torch.tensor([0.5, 0.5]), torch.full((2, 3, 2), 0.5), torch.zeros(2, 3), 3)
    >>> mdp.states, mdp.actions
    (2, 3)
    >>> MDP(torch.tensor([0.5, 0.6]), torch.full((2, 3, 2), 0.5), torch.zeros(2, 3), 3)
    Traceback (most recent call last):
    ...
    ValueError: initial must sum to 1 over the states; got 1.1
    """

    initial: Tensor
    transitions: Tensor
    rewards: Tensor
    horizon: int
    discount: float | Tensor = 1.0
    validate: bool = True

    def __post_init__(self) -> None:
        initial = check.as_tensor(self.initial, "initial")
        transitions = check.as_tensor(self.transitions, "transitions", like=initial)
        rewards = check.as_tensor(self.rewards, "rewards", like=initial)
        discount = check.as_tensor(self.discount, "discount", like=initial)
        for name, value in (
            ("initial", initial),
            ("transitions", transitions),
            ("rewards", rewards),
            ("discount", discount),
        ):
            object.__setattr__(self, name, value)
        if self.validate:
            _check_mdp(self)

    @property
    def states(self) -> int:
        """S, the number of states."""
        return self.initial.shape[-1]

    @property
    def actions(self) -> int:
        """A, the number of actions."""
        return self.rewards.shape[-1]


def _check_mdp(mdp: MDP) -> None:
    if isinstance(mdp.horizon, bool) or not isinstance(mdp.horizon, int) or mdp.horizon < 1:
        raise ValueError(f"horizon must be a whole number ≥ 1; got {mdp.horizon!r}")
    if mdp.initial.dim() < 1:
        raise ValueError("initial must have a last dimension of S states; got a scalar")
    size, acts = mdp.initial.shape[-1], mdp.rewards.shape[-1] if mdp.rewards.dim() else 0
    if mdp.rewards.dim() < 2 or mdp.rewards.shape[-2] != size:
        raise ValueError(
            f"rewards must have shape (..., S, A) with S={size}; got {tuple(mdp.rewards.shape)}"
        )
    if mdp.transitions.dim() < 3 or mdp.transitions.shape[-3:] != (size, acts, size):
        raise ValueError(
            f"transitions must have shape (..., S, A, S) = (..., {size}, {acts}, {size}); "
            f"got {tuple(mdp.transitions.shape)}"
        )
    for name, probs in (("initial", mdp.initial), ("transitions", mdp.transitions)):
        check.not_nan(probs, name)
        if (probs < 0).any():
            raise ValueError(f"{name} must be non-negative; got {probs[probs < 0][0].item():g}")
        total = probs.sum(-1)
        tol = 1e-5 if probs.dtype in (torch.float16, torch.bfloat16, torch.float32) else 1e-9
        bad = (total - 1).abs() > tol
        if bad.any():
            over = "the states" if name == "initial" else "the next states"
            raise ValueError(f"{name} must sum to 1 over {over}; got {total[bad][0].item():g}")
    check.not_nan(mdp.rewards, "rewards")
    check.not_nan(mdp.discount, "discount")
    if ((mdp.discount < 0) | (mdp.discount > 1)).any():
        raise ValueError(f"discount must lie in [0, 1]; got {mdp.discount.min().item():g}")


def _logits(mdp: MDP, logits, validate: bool) -> Tensor:
    logits = check.as_tensor(logits, "logits", like=mdp.initial)
    if validate:
        if logits.dim() < 2 or logits.shape[-2:] != (mdp.states, mdp.actions):
            raise ValueError(
                f"logits must have shape (..., S, A) = (..., {mdp.states}, {mdp.actions}); "
                f"got {tuple(logits.shape)}"
            )
        check.finite_logits(logits)
    return logits


class Trajectories(NamedTuple):
    """States s_0 … s_{T−1} and actions a_0 … a_{T−1}, each of shape ``(N, T)`` (0-based)."""

    states: Tensor
    actions: Tensor


def trajectories(mdp: MDP) -> Trajectories:
    """Every trajectory of the MDP, (S·A)^T of them, in lexicographic order of (s_0, a_0, …).

    Trajectories of probability zero (an unreachable state) are listed too: their weight is 0.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5), torch.zeros(2, 2), 1)
    >>> trajectories(mdp)
    Trajectories(states=tensor([[0], [0], [1], [1]]), actions=tensor([[0], [1], [0], [1]]))
    """
    steps = list(itertools.product(range(mdp.states), range(mdp.actions)))
    rows = torch.tensor(list(itertools.product(steps, repeat=mdp.horizon)), dtype=torch.long)
    rows = rows.reshape(-1, mdp.horizon, 2)
    return Trajectories(rows[..., 0], rows[..., 1])


def _gather_rows(table: Tensor, states: Tensor) -> Tensor:
    """``table[..., states, :]`` for a table ``(..., S, X)``: shape ``(..., N, T, X)``."""
    return table[..., states, :]


def log_prob(mdp: MDP, states, actions, *, logits, validate: bool = True) -> Tensor:
    r"""ln P(τ) = ln ρ(s_0) + Σ_t ln π(a_t | s_t) + Σ_{t<T−1} ln p(s_{t+1} | s_t, a_t).

    ``states`` and ``actions`` ``(N, T)``; the result ``(..., N)`` is differentiable in the
    logits (and in the dynamics, though their derivative is not an eligibility).

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5), torch.zeros(2, 2), 2)
    >>> log_prob(mdp, torch.tensor([[0, 1]]), torch.tensor([[0, 0]]), logits=torch.zeros(2, 2))
    tensor([-2.0794])

    Notes
    -----
    Implements ``eq-episodes-trajectory``: only the middle sum depends on θ, which is why the
    dynamics drop out of ∇ ln P(τ) (``eq-episodes-dynamics-drop-out``).
    """
    logits = _logits(mdp, logits, validate)
    states, actions = _path(mdp, states, actions, validate)
    first = torch.log(mdp.initial)[..., states[:, 0]]
    policy = _policy_log_prob(logits, states, actions).sum(-1)
    if mdp.horizon == 1:
        return first + policy
    moves = torch.log(mdp.transitions)[..., states[:, :-1], actions[:, :-1], states[:, 1:]]
    return first + policy + moves.sum(-1)


def _policy_log_prob(logits: Tensor, states: Tensor, actions: Tensor) -> Tensor:
    """ln π(a_t | s_t), shape ``(..., N, T)``."""
    table = torch.log_softmax(logits, -1)
    return table[..., states, actions]


def _path(mdp: MDP, states, actions, validate: bool) -> tuple[Tensor, Tensor]:
    states, actions = torch.as_tensor(states), torch.as_tensor(actions)
    if validate:
        shape = (states.shape[0] if states.dim() else 0, mdp.horizon)
        pairs = (("states", states, mdp.states), ("actions", actions, mdp.actions))
        for name, value, size in pairs:
            if value.dim() != 2 or value.shape[1] != mdp.horizon or value.shape != shape:
                raise ValueError(
                    f"{name} must have shape (N, T) with T={mdp.horizon} and match the other; "
                    f"got {tuple(value.shape)}"
                )
            if value.is_floating_point() or ((value < 0) | (value >= size)).any():
                raise ValueError(f"{name} must be integer indices in [0, {size})")
    return states.long(), actions.long()


def returns(mdp: MDP, states, actions, *, validate: bool = True) -> Tensor:
    r"""The discounted return G(τ) = Σ_t γ^t r(s_t, a_t) of each trajectory, ``(..., N)``.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2, discount=0.5)
    >>> returns(mdp, torch.tensor([[0, 1]]), torch.tensor([[0, 1]]))
    tensor([2.])
    """
    return reward_to_go(mdp, states, actions, validate=validate)[..., 0]


def reward_to_go(mdp: MDP, states, actions, *, validate: bool = True) -> Tensor:
    r"""G_t = Σ_{t' ≥ t} γ^{t'−t} r(s_{t'}, a_{t'}) for every step, shape ``(..., N, T)``.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2, discount=0.5)
    >>> reward_to_go(mdp, torch.tensor([[0, 1]]), torch.tensor([[0, 1]]))
    tensor([[2., 2.]])

    Notes
    -----
    G_t = r_t + γ G_{t+1}; G_0 is the return. The reward-to-go is what the causal estimator
    weights the eligibility of step t with (``eq-episodes-reward-to-go``).
    """
    states, actions = _path(mdp, states, actions, validate)
    rewards = mdp.rewards[..., states, actions]  # (..., N, T)
    gamma = mdp.discount.unsqueeze(-1)
    out = torch.zeros_like(rewards)
    future = torch.zeros_like(rewards[..., 0])
    for t in reversed(range(mdp.horizon)):
        future = rewards[..., t] + gamma * future
        out[..., t] = future
    return out


def tabular_eligibility(state, action, logits, *, validate: bool = True) -> Tensor:
    r"""∂ ln π(a | s) / ∂θ_{xc} for a tabular softmax policy: δ_{xs} (δ_{ca} − π(c | s)).

    ``state`` and ``action`` ``(...)`` (0-based), ``logits`` ``(..., S, A)``; the result
    ``(..., S, A)`` is zero outside row s.

    Examples
    --------
    >>> tabular_eligibility(torch.tensor(1), torch.tensor(0), torch.zeros(2, 2))
    tensor([[ 0.0000,  0.0000],
            [ 0.5000, -0.5000]])

    Notes
    -----
    Implements ``eq-episodes-tabular-eligibility``: the categorical eligibility of the logits
    (``eq-categorical-eligibility-logits``) in the row of the visited state.
    """
    logits = check.as_tensor(logits, "logits")
    state, action = torch.as_tensor(state), torch.as_tensor(action)
    if validate:
        if logits.dim() < 2:
            raise ValueError(f"logits must have shape (..., S, A); got {tuple(logits.shape)}")
        size = logits.shape[-2]
        if state.is_floating_point() or ((state < 0) | (state >= size)).any():
            raise ValueError(f"state must be an integer index in [0, {size})")
    state = state.long()
    batch = torch.broadcast_shapes(state.shape, action.shape, logits.shape[:-2])
    rows = logits.expand(*batch, *logits.shape[-2:])
    state = state.expand(batch)
    row = rows.gather(-2, state[..., None, None].expand(*batch, 1, rows.shape[-1])).squeeze(-2)
    e = categorical.eligibility(action.expand(batch), logits=row, validate=validate)
    visited = torch.nn.functional.one_hot(state, rows.shape[-2]).to(e.dtype)
    return visited.unsqueeze(-1) * e.unsqueeze(-2)


class Values(NamedTuple):
    """Values of the policy, by dynamic programming, for t = 0 … T−1.

    ``q`` Q_t(s, a) ``(..., T, S, A)``, ``v`` V_t(s) ``(..., T, S)``, ``advantage``
    A_t(s, a) = Q_t(s, a) − V_t(s), and ``occupancy`` d_t(s) = P(s_t = s) ``(..., T, S)``.
    """

    q: Tensor
    v: Tensor
    advantage: Tensor
    occupancy: Tensor


def values(mdp: MDP, *, logits, validate: bool = True) -> Values:
    r"""Q, V, the advantage and the state occupancy of the softmax policy, exactly.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> out = values(mdp, logits=torch.zeros(2, 2))
    >>> out.v
    tensor([[1.2500, 1.7500],
            [0.5000, 1.0000]])
    >>> out.occupancy
    tensor([[1.0000, 0.0000],
            [0.5000, 0.5000]])

    Notes
    -----
    Backwards: Q_{T−1}(s, a) = r(s, a), V_t(s) = Σ_a π(a | s) Q_t(s, a),
    Q_t(s, a) = r(s, a) + γ Σ_{s'} p(s' | s, a) V_{t+1}(s') (``eq-episodes-q``,
    ``eq-episodes-v``). Forwards: d_0 = ρ, d_{t+1}(s') = Σ_{s, a} d_t(s) π(a | s) p(s' | s, a).
    """
    logits = _logits(mdp, logits, validate)
    pi = torch.softmax(logits, -1)
    batch = torch.broadcast_shapes(
        pi.shape[:-2], mdp.initial.shape[:-1], mdp.transitions.shape[:-3], mdp.rewards.shape[:-2]
    )
    gamma = mdp.discount[..., None, None]
    qs, vs = [], []
    v_next = torch.zeros(mdp.states, dtype=pi.dtype)  # V_T = 0: nothing after the last step
    for _ in range(mdp.horizon):
        q = mdp.rewards + gamma * (mdp.transitions * v_next[..., None, None, :]).sum(-1)
        v_next = (pi * q).sum(-1)
        qs.append(q.expand(*batch, *q.shape[-2:]))
        vs.append(v_next.expand(*batch, v_next.shape[-1]))
    q, v = torch.stack(qs[::-1], -3), torch.stack(vs[::-1], -2)
    occupancy = [mdp.initial.expand(*batch, mdp.states)]
    for _ in range(mdp.horizon - 1):
        joint = occupancy[-1][..., None] * pi  # P(s_t = s, a_t = a)
        occupancy.append((joint[..., None] * mdp.transitions).sum((-3, -2)))
    return Values(q, v, q - v.unsqueeze(-1), torch.stack(occupancy, -2))


def policy_gradient(mdp: MDP, *, logits, validate: bool = True) -> Tensor:
    r"""∂J/∂θ_{sa} by the policy-gradient theorem, ``(..., S, A)``, exactly.

    J = E[G(τ)] is the expected discounted return.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> policy_gradient(mdp, logits=torch.zeros(2, 2))
    tensor([[ 0.3750, -0.3750],
            [-0.2500,  0.2500]])

    Notes
    -----
    ∂J/∂θ_{sa} = Σ_t γ^t d_t(s) π(a | s) A_t(s, a): the expected eligibility weighted by the
    advantage, summed over the steps (``eq-episodes-pg-theorem``; Sutton et al. 2000). It is
    computed from :func:`values`, without enumerating trajectories.
    """
    logits = _logits(mdp, logits, validate)
    out = values(mdp, logits=logits, validate=False)
    pi = torch.softmax(logits, -1).unsqueeze(-3)
    steps = torch.arange(mdp.horizon, dtype=pi.dtype)
    weight = mdp.discount.unsqueeze(-1) ** steps  # γ^t, (..., T)
    terms = weight[..., None, None] * out.occupancy.unsqueeze(-1) * pi * out.advantage
    return terms.sum(-3)


def expected_return(mdp: MDP, *, logits, validate: bool = True) -> Tensor:
    r"""J(θ) = Σ_τ P(τ) G(τ) by enumerating every trajectory, ``(...)``; differentiable.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> logits = torch.zeros(2, 2, requires_grad=True)
    >>> expected_return(mdp, logits=logits).backward()
    >>> logits.grad
    tensor([[ 0.3750, -0.3750],
            [-0.2500,  0.2500]])

    Notes
    -----
    The reference the chapter holds every estimator to: autograd of this sum is the exact
    gradient, independent of the eligibilities and of :func:`policy_gradient`.
    """
    logits = _logits(mdp, logits, validate)
    paths = trajectories(mdp)
    weights = log_prob(mdp, *paths, logits=logits, validate=False).exp()
    return (weights * returns(mdp, *paths, validate=False)).sum(-1)


def estimates(
    mdp: MDP,
    states,
    actions,
    *,
    logits,
    signal: str = "reward-to-go",
    baseline=None,
    discount_weights: bool = True,
    validate: bool = True,
) -> Tensor:
    r"""One REINFORCE estimate of ∇_θ J per trajectory: Σ_t ψ_t ∇ ln π(a_t | s_t), ``(N, S, A)``.

    Parameters
    ----------
    mdp : MDP
        The process (no batch dimensions).
    states, actions : Tensor
        ``(N, T)`` trajectories, from :func:`sample` or :func:`trajectories`.
    logits : Tensor
        θ, ``(S, A)``.
    signal : str
        What weights the eligibility of step t:
        ``"return"`` ψ_t = G(τ), Williams' episodic REINFORCE;
        ``"reward-to-go"`` ψ_t = γ^t G_t, the causal form;
        ``"q"`` ψ_t = γ^t Q_t(s_t, a_t) and ``"advantage"`` ψ_t = γ^t A_t(s_t, a_t), with the
        exact values of :func:`values` (what a critic would estimate).
    baseline : Tensor, optional
        b_t(s), ``(T, S)``, subtracted as γ^t b_t(s_t) (``"return"``: b_0(s_0) at every step).
    discount_weights : bool
        ``False`` drops the γ^t in front of G_t, Q_t or A_t, as many implementations do; the
        estimate is then biased for γ < 1.
    validate : bool
        Check the arguments.

    Returns
    -------
    Tensor
        ``(N, S, A)``; the mean over trajectories estimates ∂J/∂θ_{sa}.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> estimates(mdp, torch.tensor([[0, 1]]), torch.tensor([[0, 1]]), logits=torch.zeros(2, 2))
    tensor([[[ 1.5000, -1.5000],
             [-1.0000,  1.0000]]])

    Notes
    -----
    Implements ``eq-episodes-reinforce`` (``"return"``), ``eq-episodes-reward-to-go`` and
    ``eq-episodes-baseline``. Every choice but ``discount_weights=False`` with γ < 1 is unbiased.
    """
    if signal not in SIGNALS:
        raise ValueError(f"signal must be one of {SIGNALS}; got {signal!r}")
    logits = _logits(mdp, logits, validate)
    states, actions = _path(mdp, states, actions, validate)
    if validate and (logits.dim() != 2 or mdp.initial.dim() != 1):
        raise ValueError("estimates takes one MDP and logits of shape (S, A) (no batch)")
    steps = torch.arange(mdp.horizon, dtype=logits.dtype)
    weight = mdp.discount**steps if discount_weights else torch.ones_like(steps)
    if signal == "return":
        psi = returns(mdp, states, actions, validate=False).unsqueeze(-1).expand(states.shape)
        weight = torch.ones_like(steps)
    elif signal == "reward-to-go":
        psi = reward_to_go(mdp, states, actions, validate=False)
    else:
        table = values(mdp, logits=logits, validate=False)
        chosen = table.q if signal == "q" else table.advantage
        psi = chosen[steps.long(), states, actions]
    if baseline is not None:
        baseline = check.as_tensor(baseline, "baseline", like=logits)
        if validate and baseline.shape != (mdp.horizon, mdp.states):
            raise ValueError(
                f"baseline must have shape (T, S) = ({mdp.horizon}, {mdp.states}); "
                f"got {tuple(baseline.shape)}"
            )
        if signal == "return":
            psi = psi - baseline[0, states[:, :1]]
        else:
            psi = psi - baseline[steps.long(), states]
    e = tabular_eligibility(states, actions, logits, validate=False)  # (N, T, S, A)
    return ((weight * psi)[..., None, None] * e).sum(1)


def estimator_moments(mdp: MDP, *, logits, **options) -> tuple[Tensor, Tensor]:
    r"""Exact mean and per-component variance of :func:`estimates` over every trajectory.

    ``options`` are those of :func:`estimates` (``signal``, ``baseline``,
    ``discount_weights``).

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> mean, var = estimator_moments(mdp, logits=torch.zeros(2, 2))
    >>> mean
    tensor([[ 0.3750, -0.3750],
            [-0.2500,  0.2500]])
    """
    paths = trajectories(mdp)
    logits = _logits(mdp, logits, True)
    weights = log_prob(mdp, *paths, logits=logits, validate=False).exp()
    g = estimates(mdp, *paths, logits=logits, **options)
    w = weights[:, None, None]
    mean = (w * g).sum(0)
    return mean, (w * (g - mean) ** 2).sum(0)


def sample(mdp: MDP, *, logits, n: int, generator: torch.Generator | None = None) -> Trajectories:
    """``n`` trajectories drawn from the MDP under the softmax policy, ``(n, T)`` each.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5), torch.zeros(2, 2), 3)
    >>> gen = torch.Generator().manual_seed(0)
    >>> paths = sample(mdp, logits=torch.zeros(2, 2), n=5, generator=gen)
    >>> paths.states.shape, paths.states[:, 0].tolist()
    (torch.Size([5, 3]), [0, 0, 0, 0, 0])
    """
    logits = _logits(mdp, logits, True)
    if logits.dim() != 2 or mdp.initial.dim() != 1:
        raise ValueError("sample takes one MDP and logits of shape (S, A) (no batch)")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1; got {n!r}")
    pi = torch.softmax(logits, -1)
    states = torch.empty(n, mdp.horizon, dtype=torch.long)
    actions = torch.empty(n, mdp.horizon, dtype=torch.long)
    s = torch.multinomial(mdp.initial, n, replacement=True, generator=generator)
    for t in range(mdp.horizon):
        a = torch.multinomial(pi[s], 1, generator=generator).squeeze(-1)
        states[:, t], actions[:, t] = s, a
        if t + 1 < mdp.horizon:
            s = torch.multinomial(mdp.transitions[s, a], 1, generator=generator).squeeze(-1)
    return Trajectories(states, actions)


def monte_carlo(
    mdp: MDP, *, logits, n: int, generator: torch.Generator | None = None, **options
) -> tuple[Tensor, Tensor]:
    r"""The Monte Carlo mean of :func:`estimates` over ``n`` sampled trajectories, and its
    standard error (the sample standard deviation over √n), each ``(S, A)``.

    Examples
    --------
    >>> mdp = MDP(torch.tensor([1.0, 0.0]), torch.full((2, 2, 2), 0.5),
    ...           torch.tensor([[1.0, 0.0], [0.0, 2.0]]), horizon=2)
    >>> mean, se = monte_carlo(mdp, logits=torch.zeros(2, 2), n=20_000,
    ...                        generator=torch.Generator().manual_seed(0))
    >>> bool(((mean - policy_gradient(mdp, logits=torch.zeros(2, 2))).abs() < 4 * se).all())
    True
    """
    paths = sample(mdp, logits=logits, n=n, generator=generator)
    g = estimates(mdp, *paths, logits=logits, **options)
    return g.mean(0), g.std(0) / n**0.5
