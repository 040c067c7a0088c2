"""What the citable edition adds to a build: the formula graph's layout and the uses record.

Prints two figures, the same way each run:

1. the seconds the verifier spends recording what each formula uses (:mod:`mathcheck.uses`),
   against the seconds it spends checking, over the two longest pages of the book;
2. the seconds the formula graph's layout takes for the whole book (every chapter laid out
   twice, as the graph page does: the whole book and each chapter), from the kept ledger of the
   last release (docs/_data/ledger-*.json).

Figures, not assertions: ``nox -s bench``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import mathcheck.page as page_module
from mathcheck import Page
from mathcheck.myst import extract
from mathcheck.sphinx import drawing
from mathcheck.sphinx.changes import snapshot_path, snapshots
from mathcheck.sphinx.graph import BOOK_WIDTH, PAGE_WIDTH, GraphNode, drawn_edges

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("docs/exponential-family.md", "docs/gaussian.md")


def uses_share() -> tuple[float, float]:
    """(seconds recording uses, seconds checking) over PAGES, with no result cache."""
    spent = 0.0
    definitions_used, restated = page_module.definitions_used, page_module.Statements.restated

    def timed(function):
        def run(*args, **kwargs):
            nonlocal spent
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent += time.perf_counter() - start

        return run

    page_module.definitions_used = timed(definitions_used)
    page_module.Statements.restated = timed(restated)
    try:
        checking = 0.0
        for path in PAGES:
            formulas, _ = extract((ROOT / path).read_text(encoding="utf-8"), path)
            page = Page(path)
            start = time.perf_counter()
            for formula in formulas:
                page.check(formula)
            checking += time.perf_counter() - start
    finally:
        page_module.definitions_used = definitions_used
        page_module.Statements.restated = restated
    return spent, checking


def graph_layout() -> tuple[int, float]:
    """(formulas, seconds) to lay out the kept ledger's graph as the graph page does."""
    ledger = json.loads(snapshot_path(ROOT / "docs", snapshots(ROOT / "docs")[-1]).read_text())
    graph = {
        f["label"]: GraphNode(
            f["label"], f["page"], f["kind"], f["latex"], f["evidence"], f["uses"]
        )
        for f in ledger["formulas"]
    }
    start = time.perf_counter()
    parts = []
    for name in dict.fromkeys(node.docname for node in graph.values()):
        labels = [label for label, node in graph.items() if node.docname == name]
        for width in (BOOK_WIDTH / 2 - 60, PAGE_WIDTH):
            picture = drawing.layout(
                [drawing.Box(label, label) for label in labels], drawn_edges(graph, labels), width
            )
        parts.append((name, picture))
    drawing.svg(drawing.stack(parts, BOOK_WIDTH), "book")
    return len(graph), time.perf_counter() - start


def main() -> None:
    spent, checking = uses_share()
    print(f"recording uses: {spent:.3f} s of {checking:.1f} s checking ({spent / checking:.2%})")
    count, seconds = graph_layout()
    print(f"formula graph layout, {count} formulas, whole book and chapters: {seconds:.2f} s")


if __name__ == "__main__":
    main()
