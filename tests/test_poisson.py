"""Poisson: the closed forms equal autograd through torch.distributions.Poisson and central
finite differences on hypothesis-drawn rates, counts and batch shapes; the mean and the
Fisher information agree with exact (truncated) sums over the counts; bad input raises a
ValueError naming the argument and the rule.

Tolerances as in test_eligibility_vs_autograd: float64 to 1e-9 relative, float32 to 2e-4 of
the largest component compared.
"""

from __future__ import annotations

import math

import pytest
import torch
from closeness import batch_shapes, close, dtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import poisson
from eligibility.reference import autograd_eligibility, finite_difference

D = torch.distributions
FAST = settings(max_examples=25, deadline=None)


@st.composite
def rates(draw, shape, dtype=torch.float64):
    n = int(torch.Size(shape).numel())
    values = draw(st.lists(st.floats(1e-3, 1e3), min_size=n, max_size=n))
    return torch.tensor(values, dtype=dtype).reshape(shape)


@st.composite
def counts(draw, shape, dtype=torch.float64):
    n = int(torch.Size(shape).numel())
    values = draw(st.lists(st.integers(0, 2000), min_size=n, max_size=n))
    return torch.tensor(values, dtype=dtype).reshape(shape)


def log_rate_poisson(log_rate, validate_args=None):
    """Poisson with its natural parameter, so autograd differentiates by η = ln λ."""
    return D.Poisson(torch.exp(log_rate), validate_args=validate_args)


@given(dtype=dtypes, batch=batch_shapes, data=st.data())
@FAST
def test_eligibility_equals_autograd(dtype, batch, data):
    lam, y = data.draw(rates(batch, dtype)), data.draw(counts(batch, dtype))
    close(
        poisson.eligibility(y, rate=lam),
        autograd_eligibility(D.Poisson, y, "rate", rate=lam),
        dtype,
    )
    eta = torch.log(lam)
    close(
        poisson.eligibility(y, log_rate=eta),
        autograd_eligibility(log_rate_poisson, y, "log_rate", log_rate=eta),
        dtype,
    )
    close(poisson.log_prob(y, rate=lam), D.Poisson(lam).log_prob(y), dtype)
    close(poisson.log_prob(y, log_rate=eta), D.Poisson(torch.exp(eta)).log_prob(y), dtype)


@given(data=st.data())
@FAST
def test_finite_differences_agree_in_float64(data):
    lam = data.draw(rates((3,)))
    y = data.draw(counts((3,)))
    fd = finite_difference(lambda r: D.Poisson(r).log_prob(y), lam)
    torch.testing.assert_close(poisson.eligibility(y, rate=lam), fd, rtol=1e-5, atol=1e-7)
    eta = torch.log(lam)
    fd = finite_difference(lambda t: D.Poisson(torch.exp(t)).log_prob(y), eta)
    torch.testing.assert_close(poisson.eligibility(y, log_rate=eta), fd, rtol=1e-5, atol=1e-5)


def test_broadcasting_and_dtype():
    y = torch.arange(4.0, dtype=torch.float64).reshape(4, 1)
    lam = torch.tensor([0.5, 2.0, 9.0], dtype=torch.float64)
    e = poisson.eligibility(y, rate=lam)
    assert e.shape == (4, 3) and e.dtype == torch.float64
    assert poisson.eligibility(torch.tensor(1), rate=torch.tensor(2.0)).dtype == torch.float32
    assert poisson.fisher_information(rate=lam).shape == (3,)


def test_stays_differentiable():
    lam = torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True)
    e = poisson.eligibility(torch.tensor([1.0, 1.0], dtype=torch.float64), rate=lam)
    (grad,) = torch.autograd.grad(e.sum(), lam)
    torch.testing.assert_close(grad, -1 / lam.detach() ** 2)


@pytest.mark.parametrize("lam", [1e-3, 0.5, 3.0, 40.0])
def test_mean_zero_and_fisher_by_summation(lam):
    """E[e] = 0 and E[e²] = I, summing the mass function over 0..N (tail below 1e-30)."""
    rate = torch.tensor(lam, dtype=torch.float64)
    y = torch.arange(0.0, lam + 40 * math.sqrt(lam) + 60, dtype=torch.float64)
    weight = torch.exp(poisson.log_prob(y, rate=rate))
    torch.testing.assert_close(weight.sum(), torch.tensor(1.0, dtype=torch.float64))
    for kwargs in ({"rate": rate}, {"log_rate": torch.log(rate)}):
        e = poisson.eligibility(y, **kwargs)
        scale = float(poisson.fisher_information(**kwargs)) ** 0.5
        assert abs(float((weight * e).sum())) <= 1e-12 * max(1.0, scale)
        torch.testing.assert_close((weight * e**2).sum(), poisson.fisher_information(**kwargs))


CASES = [
    (lambda: poisson.eligibility(1.0, rate=0.0), r"rate must be positive; got 0"),
    (lambda: poisson.eligibility(1.0, rate=-2.0), r"rate must be positive; got -2"),
    (lambda: poisson.eligibility(1.0, rate=math.nan), r"rate must not be NaN"),
    (lambda: poisson.eligibility(1.0, log_rate=math.nan), r"log_rate must not be NaN"),
    (
        lambda: poisson.eligibility(torch.tensor([1.0, 1.5]), rate=2.0),
        r"value must be a non-negative integer for Poisson; got 1.5 at index 1",
    ),
    (
        lambda: poisson.eligibility(-1.0, rate=2.0),
        r"value must be a non-negative integer for Poisson; got -1",
    ),
    (lambda: poisson.eligibility(math.nan, rate=2.0), r"value must not be NaN"),
    (lambda: poisson.eligibility(1.0), r"pass exactly one of rate or log_rate"),
    (lambda: poisson.eligibility(1.0, rate=1.0, log_rate=0.0), r"pass exactly one of rate"),
    (
        lambda: poisson.eligibility(torch.ones(2), rate=torch.ones(3)),
        r"value of shape \(2,\) does not broadcast with the parameter of shape \(3,\)",
    ),
    (lambda: poisson.fisher_information(rate=torch.tensor([1.0, 0.0])), r"rate must be positive"),
    (lambda: poisson.log_prob(2.5, rate=1.0), r"value must be a non-negative integer"),
    (lambda: poisson.eligibility("two", rate=1.0), r"value must be a number or a tensor"),
]


@pytest.mark.parametrize(("call", "message"), CASES)
def test_bad_input_names_the_argument_and_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_validate_false_skips_the_checks():
    out = poisson.eligibility(torch.tensor(1.5), rate=torch.tensor(2.0), validate=False)
    assert torch.isfinite(out)
    assert poisson.fisher_information(rate=torch.tensor(-1.0), validate=False) == -1.0
