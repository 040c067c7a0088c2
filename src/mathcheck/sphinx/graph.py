"""``{formula-graph}``: what each formula rests on, for the whole book and chapter by chapter.

The verifier records, for every formula, the labels of the definitions and earlier results it
uses (:mod:`mathcheck.uses`). This module turns those records into a graph: one node per
label, linked to its formula and coloured by the evidence the build found for it (proved
symbolically, numeric evidence only, a definition checked against torch, exempt, failing),
one arrow from each formula to each formula that uses it. Nothing in it is typed by hand: a
formula added, changed or removed changes the graph at the next build.

The directive's place is filled after every page has been read (like the ledger): a key, the
whole book as one figure (a frame per chapter), then each chapter on its own. HTML gets inline
SVG, whose boxes are links; the PDF gets the same layout in TikZ, whose boxes are hyperlinks.
An arrow that another path already implies (pmf → score → Fisher makes pmf → Fisher) is left
out of the drawing, not out of the ledger's "uses".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from . import drawing
from .numbers import chapters, equation_number, formula_uri

EVIDENCE = {
    "symbolic": "proved symbolically",
    "numeric": "numeric evidence only",
    "definition": "a definition, checked against torch",
    "exempt": "exempt (notation, with a reason)",
    "failing": "failing",
}
TIKZ_FILL = {
    "symbolic": "green!25",
    "numeric": "yellow!45",
    "definition": "cyan!18",
    "exempt": "gray!20",
    "failing": "red!45",
}
PAGE_WIDTH = 680.0  # px: a chapter's drawing wraps its separate parts into rows this wide
BOOK_WIDTH = 1200.0  # px: the whole-book figure packs chapters into rows this wide


@dataclass
class GraphNode:
    """One labelled formula: where it is, its evidence, what it uses and what uses it."""

    label: str
    docname: str
    kind: str
    latex: str
    evidence: str = ""
    uses: list[str] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)


def evidence_of(kind: str, records: list[dict]) -> str:
    """The colour class of a formula, from the verdicts on it (one per derivation step).

    >>> def proved(*methods):
    ...     return {"problems": [], "evidence": [{"method": m, "ok": True} for m in methods]}
    >>> evidence_of("claim", [proved("symbolic", "numeric")])
    'symbolic'
    >>> evidence_of("derivation", [proved("numeric"), proved("symbolic")])  # a step unproved
    'numeric'
    """
    if any(r["problems"] for r in records):
        return "failing"
    if kind in ("exempt", "definition"):
        return kind
    proved = all(any(e["method"] == "symbolic" and e["ok"] for e in r["evidence"]) for r in records)
    return "symbolic" if proved else "numeric"


def formula_graph(records: dict[str, list[dict]]) -> dict[str, GraphNode]:
    """Every labelled formula of the book (``env.mathcheck_results``) as a graph node."""
    graph: dict[str, GraphNode] = {}
    verdicts: dict[str, list[dict]] = {}
    for docname in sorted(records):
        for record in records[docname]:
            if record["kind"] in ("unverified", "inline", "statement"):
                continue  # the graph draws the displays (the ledger lists the text's relations)
            label = record["label"]
            node = graph.setdefault(
                label, GraphNode(label, docname, record["kind"], record["latex"])
            )
            verdicts.setdefault(label, []).append(record)
            node.uses += [u for u in record.get("uses", []) if u not in node.uses and u in graph]
    for node in graph.values():
        node.evidence = evidence_of(node.kind, verdicts[node.label])
        for used in node.uses:
            graph[used].used_by.append(node.label)
    return graph


def drawn_edges(graph: dict[str, GraphNode], labels: list[str]) -> list[tuple[str, str]]:
    """The arrows to draw among ``labels``: each use, unless another use already implies it.

    >>> g = {n: GraphNode(n, "d", "claim", "") for n in "abc"}
    >>> g["b"].uses, g["c"].uses = ["a"], ["a", "b"]
    >>> drawn_edges(g, ["a", "b", "c"])
    [('a', 'b'), ('b', 'c')]
    """
    wanted = set(labels)

    @functools.cache
    def ancestors(label: str) -> frozenset[str]:
        found: set[str] = set()
        for used in graph[label].uses:
            found |= {used} | ancestors(used)
        return frozenset(found)

    edges = []
    for label in labels:
        uses = [u for u in graph[label].uses if u in wanted]
        for used in uses:
            if not any(used in ancestors(other) for other in uses if other != used):
                edges.append((used, label))
    return edges


class formula_graph_placeholder(nodes.General, nodes.Element):
    """Replaced by the graph once every page's formulas are known."""


class FormulaGraphDirective(SphinxDirective):
    """``{formula-graph}``: where the book's formula graph goes."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [formula_graph_placeholder()]


def short_name(node: GraphNode) -> str:
    """A label without its ``eq-<page>-`` prefix: what a box has room for."""
    prefix = f"eq-{node.docname.rsplit('/', 1)[-1]}-"
    return node.label.removeprefix(prefix).removeprefix("eq-")


def resolve(app, placeholder: formula_graph_placeholder, fromdocname: str) -> None:
    """Replace ``placeholder`` by the key, the whole book and one section per chapter."""
    env = app.env
    graph = formula_graph(env.mathcheck_results)
    numbered = chapters(env)
    order = sorted(
        {node.docname for node in graph.values()},
        key=lambda d: (numbered.get(d, len(numbered) + 1), d),
    )
    out: list[nodes.Node] = [_key(app)]
    total = sum(len(n.uses) for n in graph.values())
    out.append(
        nodes.paragraph(
            text=f"{len(graph)} labelled formulas in {len(order)} chapters; "
            f"{total} uses between them."
        )
    )
    parts = []
    for docname in order:
        title = _chapter_title(env, docname, numbered.get(docname))
        labels = [n.label for n in graph.values() if n.docname == docname]
        parts.append((docname, title, labels))
    book = drawing.stack(
        [
            (title, _layout(app, fromdocname, graph, labels, BOOK_WIDTH / 2 - 60))
            for _, title, labels in parts
        ],
        BOOK_WIDTH,
    )
    out.append(_figure(app, book, "book", "The whole book"))
    for docname, title, labels in parts:
        # a rubric, not a section: sections made this late would borrow the page's number
        name = docname.replace("/", "-")
        out.append(nodes.rubric(text=title, ids=[f"graph-{name}"]))
        chapter = _layout(app, fromdocname, graph, labels, PAGE_WIDTH)
        out.append(_figure(app, chapter, name, title))
    placeholder.replace_self(out)


def _chapter_title(env, docname: str, number: int | None) -> str:
    title = env.titles[docname].astext() if docname in env.titles else docname
    return f"{number}. {title}" if number else title


def _layout(app, fromdocname: str, graph, labels: list[str], width: float) -> drawing.Drawing:
    boxes = []
    for label in labels:
        node = graph[label]
        number = equation_number(app.env, node.docname, label)
        href = formula_uri(app, fromdocname, node.docname, label)
        if app.builder.format == "latex":  # TikZ links to the label itself
            href = href[1:].replace("#", ":")
        boxes.append(
            drawing.Box(
                key=label,
                text=f"{number} {short_name(node)}".strip(),
                href=href,
                title=f"{label}, {EVIDENCE[node.evidence]}: {node.latex}",
                css=f"mathcheck-{node.evidence}",
            )
        )
    return drawing.layout(boxes, drawn_edges(graph, labels), width)


def _figure(app, picture: drawing.Drawing, name: str, title: str) -> nodes.Node:
    if app.builder.format == "latex":
        return nodes.raw("", drawing.tikz(picture, TIKZ_FILL), format="latex")
    if app.builder.format == "html":
        css = "mathcheck-graph mathcheck-graph-book" if name == "book" else "mathcheck-graph"
        html = drawing.svg(picture, name, css=css)
        return nodes.raw("", f'<div class="mathcheck-graph-scroll">{html}</div>', format="html")
    return nodes.paragraph(text=f"{title}: {len(picture.boxes)} formulas (drawn in HTML and PDF)")


def _key(app) -> nodes.Node:
    """What the colours mean."""
    key = nodes.bullet_list(classes=["mathcheck-graph-key"])
    for evidence, meaning in EVIDENCE.items():
        item = nodes.list_item()
        para = nodes.paragraph()
        para += nodes.inline(text="■ ", classes=["mathcheck-key", f"mathcheck-{evidence}"])
        para += nodes.Text(meaning)
        item += para
        key += item
    return key
