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
