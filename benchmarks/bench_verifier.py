"""The verifier's CPU seconds on the book, per page and in total, as an author runs it.

Runs ``python -m mathcheck PAGE`` once per page of ``docs/`` (a fresh process each time, so a
page's figure includes the imports an author waits for), then ``python -m mathcheck docs/``
once over the whole book in one process. CPU seconds (user + system of the child process)
rather than wall time, because the machine is shared: wall time measures the neighbours.

Prints one line per page (formulas and steps checked, CPU seconds), the slowest page, and
the whole book's CPU seconds per formula: the figure that must not grow as formulas are added.
Figures, not assertions: ``python benchmarks/bench_verifier.py [--src DIR] [FOLDER]``. To compare
with another version of the verifier, export its ``src/`` (``git archive REV src | tar -x -C
/tmp/rev``) and pass ``--src /tmp/rev/src``: the same pages are checked by that verifier.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"mathcheck: (\d+) formula\(s\) and steps in \d+ file\(s\), (\d+) problem")


def cpu_seconds(*paths: str, src: str | None = None) -> tuple[float, int, int]:
    """(CPU seconds, formulas and steps, problems) of one ``python -m mathcheck`` run."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(
        [sys.executable, "-m", "mathcheck", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = SUMMARY.search(run.stdout)
    if not found:
        sys.exit(f"mathcheck did not report a summary:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, int(found.group(1)), int(found.group(2))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", help="the pages to check")
    parser.add_argument("--src", default=None, help="the verifier's src/ to use (default: this)")
    args = parser.parse_args(argv)
    pages = sorted(str(p.relative_to(ROOT)) for p in (ROOT / args.folder).glob("*.md"))
    print(f"verifier: {args.src or 'this checkout'}")
    print(f"{'page':<32} {'formulas':>8} {'CPU s':>7}")
    slowest = ("", 0.0)
    for page in pages:
        seconds, formulas, problems = cpu_seconds(page, src=args.src)
        flag = f"  ({problems} problem(s))" if problems else ""
        print(f"{page:<32} {formulas:>8} {seconds:>7.1f}{flag}")
        if seconds > slowest[1]:
            slowest = (page, seconds)
    print(f"slowest page: {slowest[0]} {slowest[1]:.1f} CPU s (one process, imports included)")
    seconds, formulas, problems = cpu_seconds(args.folder, src=args.src)
    print(
        f"whole book, one process: {formulas} formulas and steps, {seconds:.1f} CPU s, "
        f"{seconds / max(formulas, 1):.2f} CPU s per formula, {problems} problem(s)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
