"""How long an author waits: the cold build, one-page edits, a no-op, and the CLI per page.

Copies the book (``docs/``, ``conf/``, ``src/``) into a temporary folder, so that the edits
below never touch the checkout, then runs the docs build with the book's configuration (the
same command as ``nox -s docs``) and prints, from one run so the figures compare like with like:

1. the cold build (no notebook cache, no formula cache): wall seconds, the seconds of formula
   checking (CPU, wherever it ran), and the wall seconds the build itself waited for the
   verifier, whose share of the wall time is the verifier's share of the build;
2. one-page edits of ``docs/bernoulli.md``, each rebuilt at once: a word of prose, a code cell
   (the notebook is executed again), one claim's LaTeX (re-spaced: the same formula, other
   bytes, so only it is checked again); then a no-op rebuild;
3. ``python -m mathcheck docs/PAGE.md`` for every page, cold (a fresh process, imports
   included, an empty cache) and again with the cache the first run wrote (``--cache``);
4. the CPU seconds of checking per formula (from the cold CLI runs): median and worst five.

Wall times measure the neighbours too on a shared machine: the load average is printed
before and after. Figures, not assertions: ``nox -s bench`` (``--no-build`` skips 1–2).
``python benchmarks/bench_build.py --tree DIR`` measures another version of the sources and
Sphinx configuration (``git archive REV src conf | tar -x -C /tmp/rev``, then ``--tree
/tmp/rev``) on this checkout's pages; ``--serial`` adds a cold build with
``mathcheck_workers=0``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = re.compile(
    r"mathcheck: verified formulas in ([\d.]+) s of checking; the build waited ([\d.]+) s"
)
SUMMARY = re.compile(r"mathcheck: (\d+) formula\(s\) and steps in \d+ file\(s\), (\d+) problem")
EDITED = "docs/bernoulli.md"
# (what, old, new): each edit replaces one exact string of EDITED
EDITS = (
    ("prose", "Williams' first example", "Williams' first (edited) example"),
    (
        "code cell",
        "torch.set_printoptions(precision=4)\n",
        "torch.set_printoptions(precision=4)  # edited\n",
    ),
    (  # two spaces: the changes page reads it as the same LaTeX, the cache as other bytes
        "one formula",
        r"\ln g(y; p) = y \ln p + (1 - y) \ln (1 - p)",
        r"\ln g(y; p) = y \ln p + (1 - y)  \ln (1 - p)",
    ),
)


def copy_book(into: Path, tree: Path) -> Path:
    """The book in ``into``: this checkout's pages (and the benchmark results they show),
    with ``tree``'s sources and Sphinx configuration (src/, conf/)."""
    ignore = shutil.ignore_patterns("__pycache__", ".jupyter_cache", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "docs", into / "docs", ignore=ignore)
    shutil.copytree(ROOT / "benchmarks" / "results", into / "benchmarks" / "results")
    for name in ("src", "conf"):
        shutil.copytree(tree / name, into / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def environment(book: Path) -> dict[str, str]:
    """The build's environment: the copied sources first (for the kernels too)."""
    path = os.pathsep.join([str(book / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "0"}


def build(book: Path, *options: str) -> tuple[float, float, float]:
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
            str(book / "conf"),
            "-b",
            "html",
            *options,
            str(book / "docs"),
            str(book / "build" / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=book,
        env=environment(book),
    )
    wall = time.perf_counter() - start
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr[-4000:]}")
    found = REPORT.search(run.stdout + run.stderr)
    if not found:
        sys.exit("the build did not report the verifier's time")
    return wall, float(found.group(1)), float(found.group(2))


def edit(book: Path, old: str, new: str) -> None:
    page = book / EDITED
    text = page.read_text(encoding="utf-8")
    if text.count(old) != 1:
        sys.exit(f"{EDITED} no longer holds {old!r} exactly once: update EDITS in {__file__}")
    page.write_text(text.replace(old, new), encoding="utf-8")


def mathcheck(book: Path, page: str, cache: Path, times: Path) -> tuple[float, float, int, int]:
    """(wall, CPU seconds, formulas, problems) of ``python -m mathcheck PAGE --cache CACHE``.

    A page with problems is measured all the same (a draft kept out of the build has some).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "mathcheck", page, "--cache", str(cache), "--times", str(times)],
        cwd=book,
        capture_output=True,
        text=True,
        check=False,
        env=environment(book),
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = SUMMARY.search(run.stdout)
    if not found:
        sys.exit(f"mathcheck did not report a summary:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(found.group(1)), int(found.group(2))


def load() -> str:
    return (
        "load average "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} cores"
    )


def builds(book: Path, serial: bool) -> None:
    print("docs build, same command as `nox -s docs` (edits of " + EDITED + ")")
    print(f"{'':<26}{'wall':>8}{'checking':>10}{'waited':>9}{'share':>8}  target")
    targets = {"cold": "≤ 60 s, share ≤ 15%", "no-op": "≤ 3 s"}

    def row(name: str) -> None:
        wall, checking, waited = build(book)
        share = waited / wall
        target = targets.get(name, "≤ 5 s")
        print(
            f"{name:<26}{wall:>7.1f}s{checking:>9.1f}s{waited:>8.1f}s{share:>8.1%}  {target}",
            flush=True,
        )

    row("cold")
    for what, old, new in EDITS:
        edit(book, old, new)
        row(f"edit: {what}")
    row("no-op")
    if serial:
        shutil.rmtree(book / "build")
        wall, checking, waited = build(book, "-D", "mathcheck_workers=0")
        print(f"{'cold, no workers':<26}{wall:>7.1f}s{checking:>9.1f}s{waited:>8.1f}s")


def cli(book: Path) -> None:
    pages = sorted(p.relative_to(book).as_posix() for p in (book / "docs").glob("*.md"))
    print("python -m mathcheck PAGE: cold (fresh process, empty cache), then cached")
    print(f"{'page':<32}{'formulas':>9}{'cold wall':>10}{'CPU':>7}{'cached':>8}")
    times: list[dict] = []
    worst_cold = worst_cached = ("", 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for n, page in enumerate(pages):
            cache, timing = Path(tmp) / f"{n}.json", Path(tmp) / f"{n}.times.json"
            wall, cpu, formulas, problems = mathcheck(book, page, cache, timing)
            times += json.loads(timing.read_text(encoding="utf-8"))
            cached, *_ = mathcheck(book, page, cache, Path(tmp) / "again.json")
            flag = f"  ({problems} problem(s))" if problems else ""
            row = f"{page:<32}{formulas:>9}{wall:>9.1f}s{cpu:>6.1f}s{cached:>7.1f}s{flag}"
            print(row, flush=True)
            worst_cold = max(worst_cold, (page, wall), key=lambda x: x[1])
            worst_cached = max(worst_cached, (page, cached), key=lambda x: x[1])
    print(f"slowest page cold: {worst_cold[0]} {worst_cold[1]:.1f} s (target ≤ 3 s)")
    print(f"slowest page cached: {worst_cached[0]} {worst_cached[1]:.1f} s (target ≤ 1 s)")
    cpu = sorted(times, key=lambda t: t["cpu"], reverse=True)
    total = sum(t["cpu"] for t in cpu)
    median = statistics.median(t["cpu"] for t in cpu)
    print(
        f"CPU seconds of checking per formula ({len(cpu)} formulas, total {total:.1f} s): "
        f"median {median:.3f} s; worst five (target < 2 s each):"
    )
    for t in cpu[:5]:
        print(f"  {t['cpu']:6.2f} s  {t['label']}  ({t['source']}:{t['line']})")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="only the CLI figures")
    parser.add_argument("--serial", action="store_true", help="add a build without workers")
    parser.add_argument(
        "--tree", type=Path, default=ROOT, help="where src/ and conf/ come from (default: here)"
    )
    args = parser.parse_args(argv)
    print(f"src/ and conf/ of {args.tree}; {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        book = copy_book(Path(tmp), args.tree.resolve())
        if not args.no_build:
            builds(book, args.serial)
        cli(book)
    print(f"after: {load()}")


if __name__ == "__main__":
    main(sys.argv[1:])
