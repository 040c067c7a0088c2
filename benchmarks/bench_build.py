"""The verifier's share of a cold build, with and without worker processes, and the warm rebuild.

Runs the docs build with the book's configuration (the same command as ``nox -s docs``) three
times, in one run so the figures compare like with like:

1. cold, the default: pages are verified in worker processes while Sphinx executes notebooks;
2. warm: nothing changed since (1), so nothing is executed or checked again;
3. cold with ``mathcheck_workers=0``: every formula is checked in the build process.

For each it prints the wall time, the seconds of checking (CPU, wherever it ran), the seconds
the build itself waited for the verifier, and that wait as a share of the wall time: the
verifier's share of the build. Figures, not assertions: ``nox -s bench``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = re.compile(
    r"mathcheck: verified formulas in ([\d.]+) s of checking; the build waited ([\d.]+) s"
)


def build(out: Path, *options: str) -> tuple[float, float, float]:
    """Wall seconds of one build; the verifier's seconds of checking and of the build's wait."""
    start = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-c",
            str(ROOT / "conf"),
            "-b",
            "html",
            "-D",
            f"nb_execution_cache_path={out / '.jupyter_cache'}",
            *options,
            str(ROOT / "docs"),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr[-4000:]}")
    found = REPORT.search(run.stdout + run.stderr)
    if not found:
        sys.exit("the build did not report the verifier's time")
    return wall, float(found.group(1)), float(found.group(2))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cold = build(Path(tmp) / "a")
        warm = build(Path(tmp) / "a")
    with tempfile.TemporaryDirectory() as tmp:
        serial = build(Path(tmp) / "b", "-D", "mathcheck_workers=0")
    print("docs build, same command as `nox -s docs`")
    print(f"{'':<28}{'wall':>8}{'checking':>10}{'waited':>9}{'share':>8}")
    for name, (wall, checking, waited) in [
        ("cold, workers (default)", cold),
        ("warm, nothing changed", warm),
        ("cold, in the build process", serial),
    ]:
        print(f"{name:<28}{wall:>7.1f}s{checking:>9.1f}s{waited:>8.1f}s{waited / wall:>8.1%}")
    print(f"cold build with workers / without: {cold[0] / serial[0]:.2f} of the wall time")
    print(
        f"warm / cold wall time: {warm[0] / cold[0]:.2f}  (target for the verifier's share: ≤ 20%)"
    )


if __name__ == "__main__":
    main()
