"""The verifier's per-formula summary of a build, as Markdown: for a CI job's summary page.

``python -m mathcheck.sphinx.summary build/html [FILE]`` reads the ledger the build wrote
(``ledger.json``, see :mod:`.changes`) and prints, or appends to ``FILE`` (such as
``$GITHUB_STEP_SUMMARY``), the headline counts and one table row per formula. It reads only
that file: the build must have run.

>>> print(markdown({"title": "A book", "version": "0.1.0", "date": "2026-01-01", "formulas": [
...     {"label": "eq-a", "page": "p", "kind": "claim", "number": "1.1", "evidence": "symbolic",
...      "uses": ["eq-d"]}]}))
### Formulas of A book 0.1.0 (2026-01-01)
<BLANKLINE>
1 labelled formulas: 1 proved symbolically, 0 numeric evidence only, 0 definitions, ...
<BLANKLINE>
| No. | Label | Page | Kind | Evidence | Uses |
|---|---|---|---|---|---|
| 1.1 | `eq-a` | p | claim | symbolic | `eq-d` |
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from .changes import LEDGER_FILE

HEADLINE = (
    ("symbolic", "proved symbolically"),
    ("numeric", "numeric evidence only"),
    ("definition", "definitions"),
    ("exempt", "exempt"),
    ("failing", "failing"),
)


def markdown(ledger: dict) -> str:
    """The summary of one ledger (the parsed ``ledger.json``)."""
    formulas = ledger["formulas"]
    counts = Counter(f["evidence"] for f in formulas)
    parts = ", ".join(f"{counts[key]} {name}" for key, name in HEADLINE)
    lines = [
        f"### Formulas of {ledger['title']} {ledger['version']} ({ledger['date']})",
        "",
        f"{len(formulas)} labelled formulas: {parts}.",
        "",
        "| No. | Label | Page | Kind | Evidence | Uses |",
        "|---|---|---|---|---|---|",
    ]
    for f in formulas:
        uses = ", ".join(f"`{u}`" for u in f["uses"])
        evidence = f["evidence"] if f["evidence"] != "failing" else "**failing**"
        lines.append(
            f"| {f['number']} | `{f['label']}` | {f['page']} | {f['kind']} | {evidence} | {uses} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print("usage: python -m mathcheck.sphinx.summary HTML_DIR [FILE]", file=sys.stderr)
        return 2
    path = Path(argv[0]) / LEDGER_FILE
    if not path.is_file():
        print(f"no {path}: build the book first (nox -s docs)", file=sys.stderr)
        return 2
    text = markdown(json.loads(path.read_text(encoding="utf-8"))) + "\n"
    if len(argv) == 2:
        with open(argv[1], "a", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
