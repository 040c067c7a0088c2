"""Throughput of the per-sample categorical eligibility w.r.t. logits, as ratios in one run.

Every figure is the median time of the method divided by the median time of one
``torch.softmax`` of the same logits, measured in the same process with the same threads, so
the ratios compare like with like whatever the machine. Targets (informational): closed form
≤ 1.3× one softmax and ≥ 2× faster than ``vmap(grad(log_prob))``.
"""

from __future__ import annotations

import statistics
import time

import torch

from eligibility import categorical

THREADS = 1
LOOP_SAMPLES = 256  # the per-sample autograd loop runs on a subset and is scaled to N


def median_seconds(fn, repeats: int = 15) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def vmap_grad(logits: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    def log_prob(theta, k):
        return torch.distributions.Categorical(logits=theta, validate_args=False).log_prob(k)

    return torch.func.vmap(torch.func.grad(log_prob))(logits, values)


def autograd_loop(logits: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    rows = []
    for theta, k in zip(logits[:LOOP_SAMPLES], values[:LOOP_SAMPLES], strict=True):
        leaf = theta.detach().requires_grad_(True)
        logp = torch.distributions.Categorical(logits=leaf, validate_args=False).log_prob(k)
        rows.append(torch.autograd.grad(logp, leaf)[0])
    return torch.stack(rows)


def run(n: int, k: int) -> dict[str, float]:
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(n, k, generator=gen)
    values = torch.randint(0, k, (n,), generator=gen)
    closed = categorical.eligibility(values, logits=logits, validate=False)
    torch.testing.assert_close(closed, vmap_grad(logits, values), rtol=1e-5, atol=1e-6)
    softmax = median_seconds(lambda: torch.softmax(logits, -1))
    return {
        "closed form": median_seconds(
            lambda: categorical.eligibility(values, logits=logits, validate=False)
        )
        / softmax,
        "closed form, validated": median_seconds(
            lambda: categorical.eligibility(values, logits=logits)
        )
        / softmax,
        "vmap(grad(log_prob))": median_seconds(lambda: vmap_grad(logits, values)) / softmax,
        "autograd loop (per sample)": median_seconds(
            lambda: autograd_loop(logits, values), repeats=3
        )
        * (n / LOOP_SAMPLES)
        / softmax,
    }


def main() -> None:
    torch.set_num_threads(THREADS)
    print(f"torch {torch.__version__}, {THREADS} thread(s); time / time of one torch.softmax")
    for n, k in ((4096, 1000), (4096, 4)):
        ratios = run(n, k)
        print(f"\nN = {n}, K = {k}")
        for name, ratio in ratios.items():
            print(f"  {name:<28}{ratio:>10.2f}×")
        closed, vmap = ratios["closed form"], ratios["vmap(grad(log_prob))"]
        print(
            f"  target closed form ≤ 1.3× softmax: {'PASS' if closed <= 1.3 else 'MISS'}"
            f"; ≥ 2× faster than vmap-grad: {'PASS' if vmap / closed >= 2 else 'MISS'}"
            f" ({vmap / closed:.1f}×)"
        )


if __name__ == "__main__":
    main()
