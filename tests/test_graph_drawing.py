"""The formula graph's drawing: every arrow points down from what is used to what uses it, no
two boxes overlap, and the same graph gives the same picture in every process (the book's
HTML must be identical from one build to the next)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mathcheck.sphinx import drawing
from mathcheck.sphinx.changes import snapshot_path, snapshots
from mathcheck.sphinx.graph import GraphNode, drawn_edges

ROOT = Path(__file__).resolve().parents[1]


def kept_graph() -> dict[str, GraphNode]:
    """The graph of the book's last release, from its kept ledger."""
    ledger = json.loads(snapshot_path(ROOT / "docs", snapshots(ROOT / "docs")[-1]).read_text())
    return {
        f["label"]: GraphNode(
            f["label"], f["page"], f["kind"], f["latex"], f["evidence"], f["uses"]
        )
        for f in ledger["formulas"]
    }


def chapter(graph: dict[str, GraphNode], page: str) -> tuple[drawing.Drawing, list]:
    labels = [label for label, node in graph.items() if node.docname == page]
    edges = drawn_edges(graph, labels)
    return drawing.layout([drawing.Box(label, label) for label in labels], edges, 680), edges


def test_arrows_point_down_and_boxes_never_overlap():
    graph = kept_graph()
    for page in dict.fromkeys(node.docname for node in graph.values()):
        picture, edges = chapter(graph, page)
        at = {box.key: box for box in picture.boxes}
        for tail, head in edges:
            assert at[tail].y < at[head].y, (page, tail, head)
        boxes = picture.boxes
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = abs(a.x - b.x) >= (a.w + b.w) / 2 or abs(a.y - b.y) >= (a.h + b.h) / 2
                assert apart, (page, a.key, b.key)
        assert len(picture.edges) == len(edges)
        inside = [b.x - b.w / 2 >= -1e-6 and b.x + b.w / 2 <= picture.width + 1e-6 for b in boxes]
        assert all(inside), page


def test_an_implied_arrow_is_not_drawn():
    graph = kept_graph()
    fisher = graph["eq-bernoulli-fisher-probs"]
    assert "eq-bernoulli-pmf" in fisher.uses  # used directly, and through the eligibility
    edges = drawn_edges(graph, [n for n in graph if graph[n].docname == "bernoulli"])
    assert ("eq-bernoulli-eligibility-probs", "eq-bernoulli-fisher-probs") in edges
    assert ("eq-bernoulli-pmf", "eq-bernoulli-fisher-probs") not in edges


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_graph_drawing import chapter, kept_graph
from mathcheck.sphinx import drawing
graph = kept_graph()
parts = [(p, chapter(graph, p)[0]) for p in dict.fromkeys(n.docname for n in graph.values())]
print(drawing.svg(drawing.stack(parts, 1200), "book"))
"""


def test_the_same_graph_gives_the_same_picture_in_every_process():
    code = SCRIPT.format(tests=str(ROOT / "tests"))
    pictures = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in (0, 1, 2, 3)
    }
    assert len(pictures) == 1
    assert next(iter(pictures)).count("<polyline") > 100
