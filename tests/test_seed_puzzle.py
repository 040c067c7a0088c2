"""The puzzle the book answers, with the numbers readers see, from torch and from the package.

Categorical(probs=[0.69, 0.1, 0.2, 0.01]), sample 0, log_prob(0).exp().backward():
probs.grad = [0.31, -0.69, -0.69, -0.69]; scaled by 100, the gradient is 100× smaller.
"""

from __future__ import annotations

import pytest
import torch

from eligibility import categorical

PROBS = [0.69, 0.1, 0.2, 0.01]
EXPECTED = torch.tensor([0.31, -0.69, -0.69, -0.69], dtype=torch.float64)


def torch_gradient(scale: float) -> torch.Tensor:
    probs = (torch.tensor(PROBS, dtype=torch.float64) * scale).requires_grad_(True)
    torch.distributions.Categorical(probs=probs).log_prob(torch.tensor(0)).exp().backward()
    return probs.grad


def package_gradient(scale: float) -> torch.Tensor:
    probs = torch.tensor(PROBS, dtype=torch.float64) * scale
    prob = categorical.log_prob(torch.tensor(0), probs=probs).exp()
    return prob * categorical.eligibility(torch.tensor(0), probs=probs)


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_torch_and_package_give_the_puzzle_numbers(scale):
    torch.testing.assert_close(torch_gradient(scale), EXPECTED / scale, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(package_gradient(scale), EXPECTED / scale, rtol=1e-12, atol=1e-15)


def test_the_eligibility_is_orthogonal_to_probs_and_scales_inversely():
    probs = torch.tensor(PROBS, dtype=torch.float64)
    e = categorical.eligibility(torch.tensor(0), probs=probs)
    assert float(probs @ e) == pytest.approx(0.0, abs=1e-12)
    e100 = categorical.eligibility(torch.tensor(0), probs=probs * 100)
    torch.testing.assert_close(e100, e / 100)


def test_on_the_simplex_unsampled_classes_still_move():
    probs = torch.tensor(PROBS, dtype=torch.float64)
    tangent = categorical.eligibility_simplex(torch.tensor(0), probs=probs)
    assert float(tangent.sum()) == pytest.approx(0.0, abs=1e-12)
    full = categorical.eligibility(torch.tensor(0), probs=probs)
    torch.testing.assert_close(tangent, full - full.mean())


def torch_eligibility(param: torch.Tensor, name: str, k: int) -> torch.Tensor:
    leaf = param.clone().requires_grad_(True)
    torch.distributions.Categorical(**{name: leaf}).log_prob(torch.tensor(k)).backward()
    return leaf.grad


@pytest.mark.parametrize("k", range(4))
def test_the_three_parameterisations_against_torch_autograd(k):
    probs = torch.tensor(PROBS, dtype=torch.float64)
    logits = torch.log(probs)  # the same distribution
    value = torch.tensor(k)
    torch.testing.assert_close(
        categorical.eligibility(value, logits=logits), torch_eligibility(logits, "logits", k)
    )
    full = torch_eligibility(probs, "probs", k)
    torch.testing.assert_close(categorical.eligibility(value, probs=probs), full)
    # on the simplex: torch's gradient projected onto {Σ_j v_j = 0}
    torch.testing.assert_close(
        categorical.eligibility_simplex(value, probs=probs), full - full.mean()
    )
    # the natural direction on the simplex is q times torch's eligibility: onehot − q
    torch.testing.assert_close(probs * full, torch.nn.functional.one_hot(value, 4) - probs)


def test_autograd_through_a_softmax_reaches_the_logits_as_onehot_minus_probs():
    # the question page's reassurance: the softmax's Jacobian removes the normaliser's term
    logits = torch.tensor([0.3, -1.2, 2.0, 0.1], dtype=torch.float64, requires_grad=True)
    probs = torch.softmax(logits, -1)
    torch.distributions.Categorical(probs=probs).log_prob(torch.tensor(2)).backward()
    expected = torch.nn.functional.one_hot(torch.tensor(2), 4) - probs.detach()
    torch.testing.assert_close(logits.grad, expected)


@pytest.mark.parametrize(
    ("weights", "dtype", "k"),
    [
        ([1.0, 0.0, 0.0], torch.float64, 0),
        ([1.0, 0.0, 0.0], torch.float32, 0),
        ([1.0, 1e-9, 1e-9], torch.float32, 1),
        ([1.0, 1e-9, 1e-9], torch.float32, 0),
    ],
)
def test_torch_clamps_probs_and_its_gradient_is_then_exactly_zero(weights, dtype, k):
    # the Categorical chapter's caveat: clamp_probs puts normalised weights in [eps, 1 − eps]
    grad = torch_eligibility(torch.tensor(weights, dtype=dtype), "probs", k)
    assert torch.equal(grad, torch.zeros(3, dtype=dtype))
    formula = categorical.eligibility(torch.tensor(k), probs=torch.tensor(weights, dtype=dtype))
    assert formula.abs().max() > 0.5  # the closed form is not zero there


def test_away_from_the_clamp_float64_weights_of_1e_9_follow_the_formula():
    weights = torch.tensor([1.0, 1e-9, 1e-9], dtype=torch.float64)
    torch.testing.assert_close(
        torch_eligibility(weights, "probs", 1),
        categorical.eligibility(torch.tensor(1), probs=weights),
    )
