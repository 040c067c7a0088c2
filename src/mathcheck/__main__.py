"""``python -m mathcheck PATH…``: check the formulas of MyST files, no build, and that the
decimal numbers of their prose come from cells (as the build does; see :mod:`.prose`).

Prints one ``file:line: label: problem`` line per problem and a summary; exits 1 on any
problem, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .cache import Cache
from .exemptions import AllowList
from .myst import extract
from .page import Page
from .prose import unsourced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mathcheck",
        description="Check every display formula, inline relation and theorem statement of "
        "the given MyST pages.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="MyST .md files or folders")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="a cache file; only formulas that changed are re-checked",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every formula")
    parser.add_argument(
        "--times",
        type=Path,
        default=None,
        help="write each formula's CPU seconds of checking to this JSON file (for benchmarks)",
    )
    args = parser.parse_args(argv)

    files: list[Path] = []
    for path in args.paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.md")))
        elif path.exists():
            files.append(path)
        else:
            parser.error(f"no such file: {path}")
    cache = Cache(args.cache) if args.cache else None
    start = time.perf_counter()
    checked = problems = 0
    times: list[dict] = []
    for path in files:
        source = _display(path)
        text = path.read_text(encoding="utf-8")
        formulas, stray = extract(text, source)
        page = Page(source, cache=cache, exemptions=AllowList.find(path))
        for line, text in stray:
            problems += 1
            print(
                f"{source}:{line}: display formula is not verified: {text[:60]!r} "
                "(use math-claim, math-derivation, math-def, or math-exempt with a :reason:)"
            )
        for line, number in unsourced(text):
            problems += 1
            print(
                f"{source}:{line}: the number {number} in the text is neither glued from a "
                "cell nor an input written in a code cell of this page (hint: glue it from the "
                "cell that computes it, {glue:text}`name:.2f`; or write "
                f"{{number}}`{number} <reason>` with a reviewed reason)"
            )
        for formula in formulas:
            cpu = time.process_time()
            results = page.check(formula)
            times.append(
                {
                    "source": source,
                    "label": formula.label,
                    "line": formula.line,
                    "cpu": time.process_time() - cpu,
                    "cached": all(r.cached for r in results),
                }
            )
            for result in results:
                checked += 1
                for message in result.messages():
                    problems += 1
                    print(message)
                if args.verbose and result.ok:
                    step = f" step {result.step}" if result.step else ""
                    print(
                        f"{result.source}:{result.line}: {result.label}{step}: {result.status} "
                        f"({', '.join(result.methods)}; {result.points} points)"
                    )
    if cache:
        cache.save()
    if args.times:
        args.times.write_text(json.dumps(times, indent=1) + "\n", encoding="utf-8")
    seconds = time.perf_counter() - start
    print(
        f"mathcheck: {checked} formula(s) and steps in {len(files)} file(s), "
        f"{problems} problem(s), {seconds:.1f} s"
    )
    return 1 if problems else 0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
