"""The entropy and KL chapter's module against torch: ``entropy()`` and ``kl_divergence`` with
autograd, the eligibility form −E[(ln g) e] by enumeration and by Monte Carlo, and Gaussian
integrals by Gauss–Hermite quadrature."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from closeness import batch_shapes, close, dtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import categorical, normal
from eligibility.entropy import (
    entropy,
    entropy_gradient,
    kl_divergence,
    kl_gradient,
    normal_entropy,
    normal_entropy_gradient,
    normal_kl,
    normal_kl_gradient,
    regularised_estimate,
)
from eligibility.reinforce import enumerate_support

F64 = torch.float64
D = torch.distributions
FAST = settings(max_examples=15, deadline=None)


@st.composite
def parameters(draw, batch, k, dtype, positive):
    n = int(torch.Size(batch).numel()) * k
    lo, hi = (1e-2, 1e2) if positive else (-6.0, 6.0)
    values = draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n))
    return torch.tensor(values, dtype=dtype).reshape(*batch, k)


def autograd(fn, param):
    leaf = param.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(fn(leaf).sum(), leaf)
    return grad


def torch_entropy(kind: str):
    return lambda p: D.Categorical(**{kind: p}).entropy()


@given(dtype=dtypes, batch=batch_shapes, k=st.integers(2, 6), data=st.data())
@FAST
def test_entropy_and_its_gradient_match_torch(dtype, batch, k, data):
    for kind in ("logits", "probs"):
        param = data.draw(parameters(batch, k, dtype, positive=kind == "probs"))
        close(entropy(**{kind: param}), torch_entropy(kind)(param), dtype)
        close(entropy_gradient(**{kind: param}), autograd(torch_entropy(kind), param), dtype)


@given(dtype=dtypes, batch=batch_shapes, k=st.integers(2, 5), data=st.data())
@FAST
def test_kl_and_its_gradient_match_torch(dtype, batch, k, data):
    ref = data.draw(parameters(batch, k, dtype, positive=True))
    for kind in ("logits", "probs"):
        param = data.draw(parameters(batch, k, dtype, positive=kind == "probs"))

        def kl(p):
            return D.kl_divergence(D.Categorical(**{kind: p}), D.Categorical(probs=ref))  # noqa: B023

        close(kl_divergence(**{kind: param}, ref_probs=ref), kl(param), dtype)
        close(kl_gradient(**{kind: param}, ref_probs=ref), autograd(kl, param), dtype)


@pytest.mark.parametrize("kind", ["logits", "probs"])
def test_entropy_gradient_is_minus_the_expected_log_prob_times_eligibility(kind):
    gen = torch.Generator().manual_seed(0)
    param = torch.rand(5, generator=gen, dtype=F64) * 3 + (0.1 if kind == "probs" else -1.5)
    values, weights = enumerate_support("categorical", **{kind: param})
    e = categorical.eligibility(values, **{kind: param})
    log_g = categorical.log_prob(values, **{kind: param})
    eligibility_form = -(weights[:, None] * log_g[:, None] * e).sum(0)
    torch.testing.assert_close(entropy_gradient(**{kind: param}), eligibility_form)
    ref = torch.softmax(torch.randn(5, generator=gen, dtype=F64), -1)
    kl_form = (weights[:, None] * (log_g - ref.log()[values])[:, None] * e).sum(0)
    torch.testing.assert_close(kl_gradient(**{kind: param}, ref_probs=ref), kl_form)


def test_sampled_entropy_and_gradient_lie_within_their_standard_errors():
    logits = torch.tensor([1.0, -0.5, 0.3, 2.0], dtype=F64)
    k = torch.multinomial(
        torch.softmax(logits, -1),
        50_000,
        replacement=True,
        generator=torch.Generator().manual_seed(1),
    )
    log_g = categorical.log_prob(k, logits=logits)
    se = log_g.std() / 50_000**0.5
    assert abs(float(-log_g.mean() - entropy(logits=logits))) <= 4 * se
    g = -log_g[:, None] * categorical.eligibility(k, logits=logits)
    se = g.std(0) / 50_000**0.5
    assert ((g.mean(0) - entropy_gradient(logits=logits)).abs() <= 4 * se).all()


def test_a_class_of_probability_zero_adds_nothing():
    probs = torch.tensor([0.5, 0.5, 0.0], dtype=F64)
    torch.testing.assert_close(entropy(probs=probs), torch.tensor(np.log(2.0), dtype=F64))
    torch.testing.assert_close(entropy(probs=probs), D.Categorical(probs=probs).entropy())
    assert torch.isfinite(entropy_gradient(logits=torch.tensor([0.0, 0.0, -1e4], dtype=F64))).all()


def test_the_regularised_estimate_is_unbiased_for_reward_plus_entropy():
    logits = torch.tensor([0.2, -1.0, 1.4], dtype=F64)
    rewards = torch.tensor([1.0, 3.0, -2.0], dtype=F64)
    beta = 0.7
    values, weights = enumerate_support("categorical", logits=logits)
    estimate = regularised_estimate(
        rewards[values],
        categorical.log_prob(values, logits=logits),
        categorical.eligibility(values, logits=logits),
        strength=beta,
        baseline=0.4,
    )
    mean = (weights[:, None] * estimate).sum(0)

    def objective(t):
        return (torch.softmax(t, -1) * rewards).sum() + beta * D.Categorical(logits=t).entropy()

    torch.testing.assert_close(mean, autograd(objective, logits))


def gauss_hermite(order=40):
    x, w = np.polynomial.hermite_e.hermegauss(order)
    return torch.tensor(x, dtype=F64), torch.tensor(w / np.sqrt(2 * np.pi), dtype=F64)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (1.5, 0.3), (-2.0, 4.0)])
def test_normal_entropy_and_its_gradient(mu, sigma):
    loc, scale = torch.tensor(mu, dtype=F64), torch.tensor(sigma, dtype=F64)
    torch.testing.assert_close(normal_entropy(scale=scale), D.Normal(loc, scale).entropy())
    eps, w = gauss_hermite()
    y = loc + scale * eps
    e = torch.stack(normal.eligibility(y, loc=loc, scale=scale), -1)
    form = -(w[:, None] * normal.log_prob(y, loc=loc, scale=scale)[:, None] * e).sum(0)
    torch.testing.assert_close(normal_entropy_gradient(scale=scale), form, rtol=1e-12, atol=1e-12)
    s_grad = autograd(lambda s: D.Normal(loc, s.exp()).entropy(), scale.log())
    torch.testing.assert_close(normal_entropy_gradient(scale=scale, log_scale=True)[1], s_grad)


@pytest.mark.parametrize(
    ("mu", "sigma", "mu0", "sigma0"), [(1.0, 2.0, 0.0, 1.0), (-0.5, 0.4, 0.3, 0.9)]
)
def test_normal_kl_and_its_gradient(mu, sigma, mu0, sigma0):
    loc, scale = torch.tensor(mu, dtype=F64), torch.tensor(sigma, dtype=F64)
    ref = D.Normal(torch.tensor(mu0, dtype=F64), torch.tensor(sigma0, dtype=F64))
    kl = normal_kl(loc=loc, scale=scale, ref_loc=mu0, ref_scale=sigma0)
    torch.testing.assert_close(kl, D.kl_divergence(D.Normal(loc, scale), ref))
    grad = normal_kl_gradient(loc=loc, scale=scale, ref_loc=mu0, ref_scale=sigma0)
    torch.testing.assert_close(
        grad[0], autograd(lambda m: D.kl_divergence(D.Normal(m, scale), ref), loc)
    )
    torch.testing.assert_close(
        grad[1], autograd(lambda s: D.kl_divergence(D.Normal(loc, s), ref), scale)
    )
    eps, w = gauss_hermite()
    y = loc + scale * eps
    e = torch.stack(normal.eligibility(y, loc=loc, scale=scale), -1)
    ratio = normal.log_prob(y, loc=loc, scale=scale) - ref.log_prob(y)
    torch.testing.assert_close(
        grad, (w[:, None] * ratio[:, None] * e).sum(0), rtol=1e-12, atol=1e-12
    )


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="pass exactly one of probs or logits"):
        entropy()
    with pytest.raises(ValueError, match="ref_probs must be non-negative"):
        kl_divergence(logits=torch.zeros(2), ref_probs=torch.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="logits must have a last dimension"):
        entropy_gradient(logits=torch.tensor(0.0))
    with pytest.raises(ValueError, match="scale must be positive"):
        normal_entropy(scale=torch.tensor(-1.0))
    with pytest.raises(ValueError, match="ref_scale must be positive"):
        normal_kl(loc=0.0, scale=1.0, ref_loc=0.0, ref_scale=0.0)
    with pytest.raises(ValueError, match="strength must be non-negative"):
        regularised_estimate(1.0, -1.0, torch.ones(2), strength=-0.1)
