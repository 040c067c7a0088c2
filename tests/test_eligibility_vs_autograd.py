"""Every closed-form eligibility equals autograd through torch.distributions and central
finite differences, on hypothesis-drawn parameters, values and batch shapes.

Tolerances: see ``closeness`` (float64 1e-9 relative; float32 2e-4 of the tensor's scale).
"""

from __future__ import annotations

import torch
from closeness import batch_shapes, close, dtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import bernoulli, categorical, multinomial, normal
from eligibility.reference import autograd_eligibility, finite_difference
from eligibility.reinforce import compositions

D = torch.distributions
FAST = settings(max_examples=15, deadline=None)


def tensor(draw_values, shape, dtype):
    return torch.tensor(draw_values, dtype=dtype).reshape(shape)


@st.composite
def weights(draw, batch, k, dtype):
    n = int(torch.Size(batch).numel()) * k
    values = draw(st.lists(st.floats(1e-3, 1e3), min_size=n, max_size=n))
    return tensor(values, (*batch, k), dtype)


@st.composite
def reals(draw, shape, lo=-8.0, hi=8.0, dtype=torch.float64):
    n = int(torch.Size(shape).numel())
    return tensor(draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n)), shape, dtype)


@given(dtype=dtypes, batch=batch_shapes, data=st.data())
@FAST
def test_bernoulli(dtype, batch, data):
    p = data.draw(reals(batch, 0.01, 0.99, dtype))
    theta = data.draw(reals(batch, -8, 8, dtype))
    y = data.draw(reals(batch, 0, 1, dtype)).round()
    close(
        bernoulli.eligibility(y, probs=p),
        autograd_eligibility(D.Bernoulli, y, "probs", probs=p),
        dtype,
    )
    close(
        bernoulli.eligibility(y, logits=theta),
        autograd_eligibility(D.Bernoulli, y, "logits", logits=theta),
        dtype,
    )
    close(bernoulli.log_prob(y, probs=p), D.Bernoulli(probs=p).log_prob(y), dtype)


@given(dtype=dtypes, batch=batch_shapes, k=st.integers(2, 6), data=st.data())
@FAST
def test_categorical(dtype, batch, k, data):
    w = data.draw(weights(batch, k, dtype))
    theta = data.draw(reals((*batch, k), -8, 8, dtype))
    n = int(torch.Size(batch).numel())
    value = torch.tensor(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    value = value.reshape(batch)
    close(
        categorical.eligibility(value, probs=w),
        autograd_eligibility(D.Categorical, value, "probs", probs=w),
        dtype,
    )
    close(
        categorical.eligibility(value, logits=theta),
        autograd_eligibility(D.Categorical, value, "logits", logits=theta),
        dtype,
    )
    close(categorical.log_prob(value, probs=w), D.Categorical(probs=w).log_prob(value), dtype)


@given(dtype=dtypes, k=st.integers(2, 4), n=st.integers(0, 5), data=st.data())
@FAST
def test_multinomial(dtype, k, n, data):
    w = data.draw(weights((2,), k, dtype))
    theta = data.draw(reals((2, k), -8, 8, dtype))
    support = list(compositions(k, n))
    x = torch.tensor([data.draw(st.sampled_from(support)) for _ in range(2)], dtype=dtype)
    close(
        multinomial.eligibility(x, total_count=n, probs=w),
        autograd_eligibility(D.Multinomial, x, "probs", total_count=n, probs=w),
        dtype,
    )
    close(
        multinomial.eligibility(x, total_count=n, logits=theta),
        autograd_eligibility(D.Multinomial, x, "logits", total_count=n, logits=theta),
        dtype,
    )
    close(
        multinomial.log_prob(x, total_count=n, probs=w),
        D.Multinomial(n, probs=w).log_prob(x),
        dtype,
    )


@given(dtype=dtypes, batch=batch_shapes, data=st.data())
@FAST
def test_normal(dtype, batch, data):
    y, mu = data.draw(reals(batch, dtype=dtype)), data.draw(reals(batch, dtype=dtype))
    sigma = data.draw(reals(batch, 0.1, 10, dtype))
    e = normal.eligibility(y, loc=mu, scale=sigma)
    close(e.loc, autograd_eligibility(D.Normal, y, "loc", loc=mu, scale=sigma), dtype)
    close(e.scale, autograd_eligibility(D.Normal, y, "scale", loc=mu, scale=sigma), dtype)
    close(normal.log_prob(y, loc=mu, scale=sigma), D.Normal(mu, sigma).log_prob(y), dtype)


@given(k=st.integers(2, 5), data=st.data())
@FAST
def test_finite_differences_agree_in_float64(k, data):
    w = data.draw(weights((3,), k, torch.float64))
    value = torch.tensor(data.draw(st.lists(st.integers(0, k - 1), min_size=3, max_size=3)))
    fd = finite_difference(lambda p: D.Categorical(probs=p).log_prob(value), w)
    torch.testing.assert_close(categorical.eligibility(value, probs=w), fd, rtol=1e-6, atol=1e-8)
    theta = data.draw(reals((3, k)))
    fd = finite_difference(lambda t: D.Categorical(logits=t).log_prob(value), theta)
    torch.testing.assert_close(
        categorical.eligibility(value, logits=theta), fd, rtol=1e-6, atol=1e-8
    )
    p = data.draw(reals((3,), 0.05, 0.95))
    y = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
    fd = finite_difference(lambda q: D.Bernoulli(probs=q).log_prob(y), p)
    torch.testing.assert_close(bernoulli.eligibility(y, probs=p), fd, rtol=1e-6, atol=1e-8)


def test_broadcasting_value_against_parameters():
    w = torch.rand(4, dtype=torch.float64) + 0.1
    values = torch.arange(4).reshape(2, 2)
    e = categorical.eligibility(values, probs=w)
    assert e.shape == (2, 2, 4)
    close(e, autograd_eligibility(D.Categorical, values, "probs", probs=w), torch.float64)


def test_results_stay_differentiable():
    theta = torch.zeros(3, requires_grad=True)
    categorical.eligibility(torch.tensor(1), logits=theta).sum().backward()
    assert theta.grad is not None


def test_extreme_but_valid_inputs_stay_finite_and_correct():
    for dtype in (torch.float32, torch.float64):
        logits = torch.tensor([1e4, -1e4, 0.0], dtype=dtype)
        e = categorical.eligibility(torch.tensor(1), logits=logits)
        assert torch.isfinite(e).all()
        torch.testing.assert_close(e, torch.tensor([-1.0, 1.0, 0.0], dtype=dtype))
        w = torch.tensor([0.5, 1e-30, 0.5], dtype=dtype)
        e = categorical.eligibility(torch.tensor(0), probs=w)
        assert torch.isfinite(e).all()
        torch.testing.assert_close(e, torch.tensor([1.0, -1.0, -1.0], dtype=dtype))
        e = bernoulli.eligibility(
            torch.tensor(1.0, dtype=dtype), logits=torch.tensor(1e4, dtype=dtype)
        )
        assert e == 0
        x = torch.tensor([2.0, 0.0, 1.0], dtype=dtype)
        e = multinomial.eligibility(x, total_count=3, probs=w)
        assert torch.isfinite(e).all()
        torch.testing.assert_close(e, torch.tensor([1.0, -3.0, -1.0], dtype=dtype))
