"""Every way of computing per-sample eligibilities agrees: the package's closed form, torch.func's
vmap of grad, one backward through an expanded parameter, and a loop of autograd calls (the
slow, obviously correct reference)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from eligibility.practice import METHODS, per_sample_eligibility

F64 = torch.float64
D = torch.distributions
GEN = torch.Generator().manual_seed(0)
N = 7


def rand(*shape, lo=0.1, hi=2.0):
    return torch.rand(*shape, generator=GEN, dtype=F64) * (hi - lo) + lo


CASES = [
    (D.Categorical, torch.randint(0, 4, (N,), generator=GEN), "logits", {"logits": rand(N, 4) - 1}),
    (D.Categorical, torch.randint(0, 3, (N,), generator=GEN), "probs", {"probs": rand(3)}),
    (
        D.Bernoulli,
        torch.randint(0, 2, (N,), generator=GEN).to(F64),
        "logits",
        {"logits": rand(N) - 1},
    ),
    (
        D.Normal,
        torch.randn(N, generator=GEN, dtype=F64),
        "scale",
        {"loc": rand(N), "scale": rand(N)},
    ),
    (
        D.Normal,
        torch.randn(N, generator=GEN, dtype=F64),
        "loc",
        {"loc": rand(()), "scale": rand(N)},
    ),
    (D.Poisson, torch.randint(0, 5, (N,), generator=GEN).to(F64), "rate", {"rate": rand(N)}),
    (
        D.Beta,
        rand(N, lo=0.05, hi=0.95),
        "concentration0",
        {"concentration1": rand(N), "concentration0": rand(N)},
    ),
    (D.Dirichlet, torch.softmax(rand(N, 3), -1), "concentration", {"concentration": rand(N, 3)}),
]


@pytest.mark.parametrize(
    ("dist_cls", "value", "wrt", "params"), CASES, ids=lambda c: getattr(c, "__name__", None)
)
def test_every_method_gives_the_same_per_sample_eligibilities(dist_cls, value, wrt, params):
    loop = per_sample_eligibility(dist_cls, value, wrt, method="loop", **params)
    for method in METHODS:
        out = per_sample_eligibility(dist_cls, value, wrt, method=method, **params)
        torch.testing.assert_close(out, loop, rtol=1e-12, atol=1e-12, msg=method)


def test_the_committed_benchmark_results_name_every_method():
    record = json.loads(
        (Path(__file__).parents[1] / "benchmarks/results/per_sample.json").read_text()
    )
    assert record["command"] == "python benchmarks/bench_per_sample.py"
    for ratios in record["ratios"].values():
        assert list(ratios) == list(METHODS) and ratios["closed form"] == 1.0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="method must be one of"):
        per_sample_eligibility(D.Normal, torch.zeros(2), "loc", method="jacrev", loc=0.0, scale=1.0)
    with pytest.raises(ValueError, match="wrt must name one of the parameters"):
        per_sample_eligibility(D.Normal, torch.zeros(2), "mean", loc=torch.tensor(0.0), scale=1.0)
    with pytest.raises(ValueError, match="has no closed form"):
        per_sample_eligibility(
            D.Gamma, torch.ones(2), "rate", concentration=torch.tensor(1.0), rate=torch.tensor(1.0)
        )
