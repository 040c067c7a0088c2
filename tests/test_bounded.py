"""The bounded-actions distributions (Beta, Dirichlet, Binomial, tanh-squashed Gaussian) against
torch: ``log_prob`` of ``torch.distributions``, autograd eligibilities on hypothesis-drawn
parameters, the Fisher information as minus autograd's Hessian and as the enumerated (Binomial)
or sampled covariance of the eligibilities."""

from __future__ import annotations

import pytest
import torch
from closeness import batch_shapes, close, dtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import beta, binomial, dirichlet, multinomial, tanh_normal
from eligibility.reference import autograd_eligibility

F64 = torch.float64
D = torch.distributions
FAST = settings(max_examples=15, deadline=None)


def values_in(draw, shape, lo, hi, dtype):
    n = int(torch.Size(shape).numel())
    return torch.tensor(
        draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n)), dtype=dtype
    ).reshape(shape)


def tanh_normal_dist(loc, scale, validate_args=False):
    return D.TransformedDistribution(
        D.Normal(loc, scale, validate_args=validate_args),
        [D.TanhTransform()],
        validate_args=validate_args,
    )


@given(dtype=dtypes, batch=batch_shapes, data=st.data())
@FAST
def test_beta_matches_torch(dtype, batch, data):
    a = values_in(data.draw, batch, 0.2, 20.0, dtype)
    b = values_in(data.draw, batch, 0.2, 20.0, dtype)
    y = values_in(data.draw, batch, 0.02, 0.98, dtype)
    params = {"concentration1": a, "concentration0": b}
    close(beta.log_prob(y, **params), D.Beta(a, b).log_prob(y), dtype)
    e = beta.eligibility(y, **params)
    close(e.concentration1, autograd_eligibility(D.Beta, y, "concentration1", **params), dtype)
    close(e.concentration0, autograd_eligibility(D.Beta, y, "concentration0", **params), dtype)


@given(dtype=dtypes, batch=batch_shapes, k=st.integers(2, 5), data=st.data())
@FAST
def test_dirichlet_matches_torch(dtype, batch, k, data):
    alpha = values_in(data.draw, (*batch, k), 0.2, 20.0, dtype)
    raw = values_in(data.draw, (*batch, k), 0.05, 1.0, dtype)
    y = raw / raw.sum(-1, keepdim=True)
    close(dirichlet.log_prob(y, concentration=alpha), D.Dirichlet(alpha).log_prob(y), dtype)
    close(
        dirichlet.eligibility(y, concentration=alpha),
        autograd_eligibility(D.Dirichlet, y, "concentration", concentration=alpha),
        dtype,
    )


@given(dtype=dtypes, batch=batch_shapes, n=st.integers(0, 12), data=st.data())
@FAST
def test_binomial_matches_torch(dtype, batch, n, data):
    p = values_in(data.draw, batch, 0.01, 0.99, dtype)
    theta = values_in(data.draw, batch, -8.0, 8.0, dtype)
    y = (values_in(data.draw, batch, 0.0, 1.0, dtype) * n).round()
    for kind, param in (("probs", p), ("logits", theta)):
        dist = D.Binomial(total_count=n, **{kind: param})
        close(binomial.log_prob(y, total_count=n, **{kind: param}), dist.log_prob(y), dtype)
        close(
            binomial.eligibility(y, total_count=n, **{kind: param}),
            autograd_eligibility(D.Binomial, y, kind, total_count=n, **{kind: param}),
            dtype,
        )


@given(dtype=dtypes, batch=batch_shapes, data=st.data())
@FAST
def test_tanh_normal_matches_torch_transformed_distribution(dtype, batch, data):
    loc = values_in(data.draw, batch, -2.0, 2.0, dtype)
    scale = values_in(data.draw, batch, 0.1, 2.0, dtype)
    a = values_in(data.draw, batch, -0.95, 0.95, dtype)
    close(
        tanh_normal.log_prob(a, loc=loc, scale=scale),
        tanh_normal_dist(loc, scale).log_prob(a),
        dtype,
    )
    e = tanh_normal.eligibility(a, loc=loc, scale=scale)
    close(e.loc, autograd_eligibility(tanh_normal_dist, a, "loc", loc=loc, scale=scale), dtype)
    close(e.scale, autograd_eligibility(tanh_normal_dist, a, "scale", loc=loc, scale=scale), dtype)


def test_the_log_det_correction_is_stable_where_artanh_of_the_action_is_not():
    u = torch.tensor([0.0, 1.0, 5.0, 15.0, 40.0], dtype=F64)
    ours = tanh_normal.log_abs_det_jacobian(u)
    torch.testing.assert_close(ours, D.TanhTransform().log_abs_det_jacobian(u, torch.tanh(u)))
    torch.testing.assert_close(ours[:3], torch.log(1 - torch.tanh(u[:3]) ** 2))
    assert (
        torch.isfinite(ours).all() and not torch.isfinite(torch.log(1 - torch.tanh(u) ** 2)).all()
    )
    loc, scale = torch.tensor(30.0, dtype=F64), torch.tensor(2.0, dtype=F64)
    from_u = tanh_normal.log_prob(loc=loc, scale=scale, pre_tanh=u[-1])
    torch.testing.assert_close(from_u, D.Normal(loc, scale).log_prob(u[-1]) - ours[-1])


def minus_hessian(log_prob, params: torch.Tensor) -> torch.Tensor:
    return -torch.autograd.functional.hessian(log_prob, params)


@pytest.mark.parametrize(("a", "b", "y"), [(0.5, 3.0, 0.2), (2.0, 2.0, 0.9), (7.0, 1.5, 0.4)])
def test_beta_fisher_is_minus_the_hessian_at_any_draw(a, b, y):
    """An exponential family's ∂² ln g does not depend on the draw: −∂² ln g is the Fisher."""
    params = torch.tensor([a, b], dtype=F64)
    fisher = beta.fisher_information(concentration1=params[0], concentration0=params[1])
    hess = minus_hessian(lambda p: D.Beta(p[0], p[1]).log_prob(torch.tensor(y, dtype=F64)), params)
    torch.testing.assert_close(fisher, hess)


def test_dirichlet_fisher_is_minus_the_hessian_and_beta_is_its_k2_case():
    alpha = torch.tensor([0.7, 2.0, 4.5], dtype=F64)
    y = torch.tensor([0.2, 0.3, 0.5], dtype=F64)
    hess = minus_hessian(lambda c: D.Dirichlet(c).log_prob(y), alpha)
    torch.testing.assert_close(dirichlet.fisher_information(concentration=alpha), hess)
    pair = torch.tensor([1.3, 0.6], dtype=F64)
    torch.testing.assert_close(
        dirichlet.fisher_information(concentration=pair),
        beta.fisher_information(concentration1=pair[0], concentration0=pair[1]),
    )
    z = torch.tensor(0.35, dtype=F64)
    e = beta.eligibility(z, concentration1=pair[0], concentration0=pair[1])
    torch.testing.assert_close(
        dirichlet.eligibility(torch.stack([z, 1 - z]), concentration=pair), torch.stack(list(e))
    )


@pytest.mark.parametrize(
    ("name", "dist", "eligibility", "fisher"),
    [
        (
            "beta",
            D.Beta(torch.tensor(2.5, dtype=F64), torch.tensor(0.8, dtype=F64)),
            lambda y: torch.stack(
                list(beta.eligibility(y, concentration1=2.5, concentration0=0.8)), -1
            ),
            beta.fisher_information(concentration1=2.5, concentration0=0.8),
        ),
        (
            "dirichlet",
            D.Dirichlet(torch.tensor([1.5, 0.5, 3.0], dtype=F64)),
            lambda y: dirichlet.eligibility(
                y, concentration=torch.tensor([1.5, 0.5, 3.0], dtype=F64)
            ),
            dirichlet.fisher_information(concentration=torch.tensor([1.5, 0.5, 3.0], dtype=F64)),
        ),
        (
            "tanh-normal",
            tanh_normal_dist(torch.tensor(0.4, dtype=F64), torch.tensor(0.7, dtype=F64)),
            lambda a: torch.stack(
                list(tanh_normal.eligibility(a.clamp(-1 + 1e-15, 1 - 1e-15), loc=0.4, scale=0.7)),
                -1,
            ),
            tanh_normal.fisher_information(loc=0.4, scale=0.7),
        ),
    ],
)
def test_eligibilities_have_mean_zero_and_covariance_fisher_by_monte_carlo(
    name, dist, eligibility, fisher
):
    torch.manual_seed(0)
    e = eligibility(dist.sample((100_000,)))
    se = e.std(0) / 100_000**0.5
    assert (e.mean(0).abs() <= 4 * se).all(), name
    second = e.unsqueeze(-1) * e.unsqueeze(-2)
    se2 = second.std(0) / 100_000**0.5
    assert ((second.mean(0) - fisher.to(F64)).abs() <= 4 * se2 + 1e-12).all(), name


@pytest.mark.parametrize("n", [1, 3, 8])
@pytest.mark.parametrize(("kind", "param"), [("probs", 0.3), ("logits", -0.7)])
def test_binomial_moments_by_enumeration_and_as_a_two_class_multinomial(n, kind, param):
    param = torch.tensor(param, dtype=F64)
    y = torch.arange(n + 1, dtype=F64)
    weights = D.Binomial(total_count=n, **{kind: param}).log_prob(y).exp()
    e = binomial.eligibility(y, total_count=n, **{kind: param})
    torch.testing.assert_close(
        (weights * e).sum(), torch.tensor(0.0, dtype=F64), atol=1e-12, rtol=0
    )
    torch.testing.assert_close(
        (weights * e**2).sum(), binomial.fisher_information(total_count=n, **{kind: param})
    )
    counts = torch.stack([y, n - y], -1)
    if kind == "logits":
        two = multinomial.eligibility(counts, total_count=n, logits=torch.stack([param, param * 0]))
        torch.testing.assert_close(e, two[:, 0])
    else:
        two = multinomial.eligibility(counts, total_count=n, probs=torch.stack([param, 1 - param]))
        torch.testing.assert_close(e, two[:, 0] - two[:, 1])  # along (1, −1), the free direction


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="concentration0 must be positive"):
        beta.log_prob(torch.tensor(0.5), concentration1=1.0, concentration0=-1.0)
    with pytest.raises(ValueError, match="open interval"):
        beta.eligibility(torch.tensor(1.0), concentration1=1.0, concentration0=1.0)
    with pytest.raises(ValueError, match="point of the simplex"):
        dirichlet.log_prob(torch.tensor([0.5, 0.6]), concentration=torch.ones(2))
    with pytest.raises(ValueError, match="K ≥ 2"):
        dirichlet.fisher_information(concentration=torch.ones(1))
    with pytest.raises(ValueError, match=r"whole number of successes in \[0, total_count=3\]"):
        binomial.eligibility(torch.tensor(4.0), total_count=3, probs=torch.tensor(0.5))
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        binomial.fisher_information(total_count=3, probs=torch.tensor(1.5))
    with pytest.raises(ValueError, match="open interval"):
        tanh_normal.eligibility(torch.tensor(1.0), loc=0.0, scale=1.0)


@given(x=st.floats(1e-6, 1e6))
@FAST
def test_trigamma_agrees_with_mpmath_to_float64_precision(x):
    # torch.special.polygamma(1, x) is off by ~3e-10 relative at moderate x: too little for the
    # differences of trigammas in the Beta and Dirichlet Fisher informations
    import mpmath

    from eligibility._special import trigamma

    exact = float(mpmath.psi(1, x))
    value = trigamma(torch.tensor(x, dtype=F64)).item()
    assert abs(value - exact) <= 1e-15 * exact, (x, value, exact)  # a few ulp


def test_trigamma_keeps_float32_and_is_differentiable():
    from eligibility._special import trigamma

    x = torch.tensor([0.3, 2.0, 40.0], requires_grad=True)
    value = trigamma(x)
    assert value.dtype == torch.float32
    value.sum().backward()
    tetragamma = torch.special.polygamma(2, x.detach())  # ψ″, the derivative of ψ′
    torch.testing.assert_close(x.grad, tetragamma, rtol=1e-5, atol=0)
