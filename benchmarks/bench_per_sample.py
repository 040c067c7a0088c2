"""Cost of each way to get per-sample eligibilities, as ratios to the closed form.

For a batch of N draws: the package's closed form, ``torch.func.vmap(torch.func.grad(...))``,
one backward through a parameter expanded to the batch, and a Python loop of
``torch.autograd.grad`` (run on a subset and scaled to N). Every figure is the median time of
the method divided by the median time of the closed form, in the same process with the same
threads, so the ratios compare like with like whatever the machine.

Run ``python benchmarks/bench_per_sample.py`` (or ``nox -s bench``); it prints the table and
writes ``benchmarks/results/per_sample.json``, which the chapter *Torch in practice* reads
(the page never times anything itself, so two builds stay identical).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import torch
from bench_eligibility import median_seconds  # the same timing as the other benchmark

from eligibility.practice import METHODS, per_sample_eligibility

THREADS = 1
N = 4096
LOOP_SAMPLES = 256
RESULTS = Path(__file__).parent / "results" / "per_sample.json"


def cases() -> dict[str, tuple]:
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(N, 4, generator=gen)
    classes = torch.randint(0, 4, (N,), generator=gen)
    loc, scale = torch.randn(N, generator=gen), torch.rand(N, generator=gen) + 0.5
    draws = loc + scale * torch.randn(N, generator=gen)
    return {
        "Categorical(logits), K = 4": (
            torch.distributions.Categorical,
            classes,
            "logits",
            {"logits": logits},
        ),
        "Normal(loc, scale), loc": (
            torch.distributions.Normal,
            draws,
            "loc",
            {"loc": loc, "scale": scale},
        ),
    }


def seconds_of(case: tuple, method: str) -> float:
    """Median seconds of one method on a case, checked against the closed form first.

    The loop runs on the first LOOP_SAMPLES draws and is scaled to N.
    """
    dist_cls, value, wrt, params = case
    size = LOOP_SAMPLES if method == "loop" else N
    value, params = value[:size], {k: v[:size] for k, v in params.items()}

    def call() -> torch.Tensor:
        return per_sample_eligibility(dist_cls, value, wrt, method=method, **params)

    reference = per_sample_eligibility(dist_cls, value, wrt, **params)
    torch.testing.assert_close(call(), reference, rtol=1e-5, atol=1e-6)
    return median_seconds(call, repeats=3 if method == "loop" else 15) * (N / size)


def run() -> dict[str, dict[str, float]]:
    table = {}
    for name, case in cases().items():
        seconds = {method: seconds_of(case, method) for method in METHODS}
        table[name] = {m: seconds[m] / seconds["closed form"] for m in METHODS}
    return table


def main() -> None:
    torch.set_num_threads(THREADS)
    table = run()
    print(f"torch {torch.__version__}, {THREADS} thread(s), N = {N}; time / time of closed form")
    for name, ratios in table.items():
        print(f"\n{name}")
        for method, ratio in ratios.items():
            print(f"  {method:<14}{ratio:>10.1f}×")
    RESULTS.parent.mkdir(exist_ok=True)
    record = {
        "command": "python benchmarks/bench_per_sample.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": THREADS,
        "samples": N,
        "ratios": {
            name: {m: round(r, 1) for m, r in ratios.items()} for name, ratios in table.items()
        },
    }
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
