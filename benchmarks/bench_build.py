"""The verifier's share of a cold build, and what the cache saves on a warm one.

Runs the docs build twice into a fresh temporary folder with the book's configuration (the
same command as ``nox -s docs``): first cold (no notebook or formula cache), then warm (nothing
changed). Prints wall time, the time the verifier spent checking (as the extension reports it)
and that time as a share of the cold build. Figures, not assertions: ``nox -s bench``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(out: Path) -> tuple[float, float]:
    """Wall seconds of one build, and the seconds the verifier reports for it."""
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
    found = re.search(r"mathcheck: verified formulas in ([\d.]+) s", run.stdout + run.stderr)
    return wall, float(found.group(1)) if found else float("nan")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold_wall, cold_check = build(out)
        warm_wall, warm_check = build(out)
    print("docs build, same command as `nox -s docs`")
    print(f"{'':<6}{'wall':>10}{'verifier':>12}{'share':>9}")
    print(f"{'cold':<6}{cold_wall:>9.1f}s{cold_check:>11.1f}s{cold_check / cold_wall:>9.1%}")
    print(f"{'warm':<6}{warm_wall:>9.1f}s{warm_check:>11.1f}s{warm_check / warm_wall:>9.1%}")
    print(f"warm / cold wall time: {warm_wall / cold_wall:.2f}  (target for the verifier: ≤ 20%)")


if __name__ == "__main__":
    main()
