"""Bad input raises ValueError naming the argument and the rule, before any arithmetic;
validate=False skips the checks (as torch's validate_args=False)."""

from __future__ import annotations

import math

import pytest
import torch

from eligibility import bernoulli, categorical, multinomial, normal

P4 = torch.tensor([0.69, 0.1, 0.2, 0.01])
CASES = [
    (
        lambda: categorical.eligibility(0, probs=torch.tensor([0.5, -0.1, 0.6])),
        r"probs must be non-negative; got -0.1 at index 1",
    ),
    (
        lambda: categorical.eligibility(0, probs=torch.tensor([0.5, math.nan])),
        r"probs must not be NaN",
    ),
    (lambda: categorical.eligibility(0, probs=torch.zeros(3)), r"probs must not be all zero"),
    (
        lambda: categorical.eligibility(0, logits=torch.tensor([0.0, math.nan])),
        r"logits must not be NaN",
    ),
    (
        lambda: categorical.eligibility(torch.tensor(1.5), probs=P4),
        r"value must be an integer class index",
    ),
    (
        lambda: categorical.eligibility(4, probs=P4),
        r"value must be an integer class index in \[0, K\) with K=4; got 4",
    ),
    (lambda: categorical.eligibility(-1, probs=P4), r"value must be an integer class index"),
    (
        lambda: categorical.eligibility(0, probs=P4, logits=P4),
        r"pass exactly one of probs or logits",
    ),
    (lambda: categorical.eligibility(0), r"pass exactly one of probs or logits"),
    (
        lambda: categorical.eligibility(torch.zeros(3, dtype=torch.long), probs=torch.ones(2, 4)),
        r"value of shape \(3,\) does not broadcast with probs/logits of shape \(2, 4\)",
    ),
    (lambda: categorical.eligibility_simplex(0, probs=P4 * 2), r"probs must sum to 1"),
    (
        lambda: bernoulli.eligibility(torch.tensor(0.5), probs=torch.tensor(0.3)),
        r"value must be 0 or 1 for Bernoulli; got 0.5",
    ),
    (
        lambda: bernoulli.eligibility(1.0, probs=torch.tensor(1.3)),
        r"probs must lie in \[0, 1\]; got 1.3",
    ),
    (
        lambda: bernoulli.eligibility(torch.ones(3), probs=torch.full((2,), 0.5)),
        r"value of shape \(3,\) does not broadcast",
    ),
    (
        lambda: multinomial.eligibility(
            torch.tensor([1.0, -1.0]), total_count=0, probs=torch.ones(2)
        ),
        r"value counts must be non-negative",
    ),
    (
        lambda: multinomial.eligibility(
            torch.tensor([0.5, 0.5]), total_count=1, probs=torch.ones(2)
        ),
        r"value counts must be integers",
    ),
    (
        lambda: multinomial.eligibility(
            torch.tensor([1.0, 1.0]), total_count=3, probs=torch.ones(2)
        ),
        r"value counts must sum to total_count=3; got 2",
    ),
    (
        lambda: multinomial.eligibility(
            torch.tensor([1.0, 1.0]), total_count=-2, probs=torch.ones(2)
        ),
        r"total_count must be a non-negative whole number",
    ),
    (
        lambda: multinomial.eligibility(
            torch.tensor([1.0, 1.0, 0.0]), total_count=2, probs=torch.ones(2)
        ),
        r"value must hold K=2 counts",
    ),
    (lambda: normal.eligibility(0.0, loc=0.0, scale=0.0), r"scale must be positive; got 0"),
    (lambda: normal.eligibility(0.0, loc=0.0, scale=-1.0), r"scale must be positive; got -1"),
    (lambda: normal.eligibility(math.nan, loc=0.0, scale=1.0), r"value must not be NaN"),
]


@pytest.mark.parametrize(("call", "message"), CASES)
def test_bad_input_names_the_argument_and_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_validate_false_skips_the_checks():
    out = categorical.eligibility(0, probs=torch.tensor([0.5, -0.1, 0.6]), validate=False)
    assert out.shape == (3,)
    out = bernoulli.eligibility(torch.tensor(0.5), probs=torch.tensor(0.3), validate=False)
    assert torch.isfinite(out)
