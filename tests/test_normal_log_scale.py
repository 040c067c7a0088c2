"""Normal with log_scale=True: the eligibility of s = ln σ equals autograd through
torch.distributions.Normal(loc, exp(s)), and its Fisher information is diag(1/σ², 2)."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import normal

FAST = settings(max_examples=20, deadline=None)
floats = st.lists(st.floats(-8, 8), min_size=3, max_size=3)


@given(y=floats, mu=floats, s=st.lists(st.floats(-3, 3), min_size=3, max_size=3))
@FAST
def test_log_scale_eligibility_equals_autograd(y, mu, s):
    y, mu = torch.tensor(y, dtype=torch.float64), torch.tensor(mu, dtype=torch.float64)
    s = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    torch.distributions.Normal(mu, torch.exp(s)).log_prob(y).sum().backward()
    e = normal.eligibility(y, loc=mu, scale=torch.exp(s.detach()), log_scale=True)
    torch.testing.assert_close(e.scale, s.grad, rtol=1e-9, atol=1e-12)
    plain = normal.eligibility(y, loc=mu, scale=torch.exp(s.detach()))
    torch.testing.assert_close(e.loc, plain.loc)
    torch.testing.assert_close(e.scale, plain.scale * torch.exp(s.detach()))  # chain rule


def test_log_scale_fisher_information():
    scale = torch.tensor([0.1, 1.0, 7.0], dtype=torch.float64)
    fisher = normal.fisher_information(loc=0.0, scale=scale, log_scale=True)
    assert fisher.shape == (3, 2, 2)
    torch.testing.assert_close(fisher[:, 0, 0], 1 / scale**2)
    torch.testing.assert_close(fisher[:, 1, 1], torch.full_like(scale, 2.0))
    torch.testing.assert_close(fisher[:, 0, 1], torch.zeros_like(scale))
    # Monte Carlo check of E[e_s^2] = 2 at one σ (seeded)
    torch.manual_seed(0)
    draws = 0.3 * torch.randn(400_000, dtype=torch.float64)
    e = normal.eligibility(
        draws, loc=0.0, scale=torch.tensor(0.3, dtype=torch.float64), log_scale=True
    )
    assert abs(float((e.scale**2).mean()) - 2.0) < 0.03
