"""Lay out a dependency graph and draw it as SVG (for HTML) or TikZ (for the PDF).

The layout is grandalf's Sugiyama layering, in pure Python: definitions on top, each claim
below what it uses, few crossings. It needs no Graphviz binary, so ``nox -s docs`` keeps
working on a machine with only Python and pip, and every machine draws the same picture
(grandalf keeps insertion order, so the drawing depends only on the graph).

>>> pmf, score = Box("a", "1.1 pmf"), Box("b", "1.2 score")
>>> drawing = layout([pmf, score], [("a", "b")])
>>> pmf.y < score.y, drawing.edges[0][0][1] < drawing.edges[0][-1][1]  # used above user
(True, True)
>>> svg(drawing, "example").startswith("<svg")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from grandalf.graphs import Edge, Vertex, graph_core
from grandalf.layouts import SugiyamaLayout
from grandalf.routing import EdgeViewer, route_with_lines
from sphinx.util.texescape import escape as tex_escape

CHAR = 7.2  # px per character of the 12 px monospace font the boxes are labelled in
HEIGHT = 24.0
PAD = 10.0  # px inside a box, left and right
GAP = 40.0  # px between the separate parts of a graph


@dataclass
class Box:
    """One node: ``key`` (its label), the text it shows, where it links, its class."""

    key: str
    text: str
    href: str = ""
    title: str = ""
    css: str = ""
    x: float = 0.0  # centre
    y: float = 0.0
    w: float = 0.0
    h: float = HEIGHT


@dataclass
class Drawing:
    boxes: list[Box]
    edges: list[list[tuple[float, float]]]  # each a polyline, tail to head
    width: float = 0.0
    height: float = 0.0
    frames: list[tuple[str, float, float, float, float]] = field(default_factory=list)


class _View:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h, self.xy = w, h, (0.0, 0.0)


def layout(boxes: list[Box], edges: list[tuple[str, str]], width: float = 760.0) -> Drawing:
    """Place ``boxes`` so every edge (tail key, head key) points downwards.

    Separate parts of the graph (a definition nothing else uses, two families of formulas)
    are laid out on their own and set side by side, in the order of their first box, in rows
    no wider than ``width`` (a part wider than that has a row to itself).
    """
    vertices = {}
    for box in boxes:
        box.w = len(box.text) * CHAR + 2 * PAD
        vertex = Vertex(box.key)
        vertex.view = _View(box.w, box.h)
        vertices[box.key] = vertex
    links = []
    for tail, head in edges:
        link = Edge(vertices[tail], vertices[head])
        link.view = EdgeViewer()
        links.append(link)
    lines: list[list[tuple[float, float]]] = []
    shift: dict[str, tuple[float, float]] = {}  # box key → how its part was moved
    left = top = height = widest = 0.0
    by_key = {box.key: box for box in boxes}
    for part in _parts(boxes, links, vertices):
        sugiyama = SugiyamaLayout(part)
        sugiyama.xspace, sugiyama.yspace = 24, 36
        sugiyama.route_edge = route_with_lines
        sugiyama.init_all(roots=[v for v in part.sV if not v.e_in()])
        sugiyama.draw()
        # the part's extent: its boxes and the bends of its long edges
        xs = [
            x for v in part.sV for x in (v.view.xy[0] - v.view.w / 2, v.view.xy[0] + v.view.w / 2)
        ]
        xs += [x for link in part.sE for x, _ in link.view._pts]
        x0, extent = min(xs), max(xs) - min(xs)
        if left and left + extent > width:  # a new row, below everything so far
            left, top = 0.0, height + GAP
        y0 = min(v.view.xy[1] - v.view.h / 2 for v in part.sV) - top
        for vertex in part.sV:
            box = by_key[vertex.data]
            box.x = vertex.view.xy[0] - x0 + left
            box.y = vertex.view.xy[1] - y0
            height = max(height, box.y + box.h / 2)
            shift[vertex.data] = (left - x0, -y0)
        widest = max(widest, left + extent)
        left += extent + GAP
    # in the order given, not grandalf's (which differs from run to run): a rebuild is identical
    for link in links:
        dx, dy = shift[link.v[0].data]
        lines.append([(x + dx, y + dy) for x, y in link.view._pts])
    return Drawing(boxes, lines, width=widest, height=height)


def _parts(boxes: list[Box], links: list[Edge], vertices: dict[str, Vertex]) -> list[graph_core]:
    """The connected parts of the graph, each a grandalf graph, in the order of their first box.

    Built here rather than by grandalf's ``Graph``, which gathers a part's edges in a set: their
    order, and so the layout, would change from run to run.
    """
    group = {box.key: box.key for box in boxes}

    def root(key: str) -> str:
        while group[key] != key:
            key = group[key]
        return key

    for link in links:
        group[root(link.v[1].data)] = root(link.v[0].data)
    members: dict[str, list[str]] = {}
    for box in boxes:
        members.setdefault(root(box.key), []).append(box.key)
    parts = []
    for keys in members.values():
        inside = set(keys)
        edges = [link for link in links if link.v[0].data in inside]
        parts.append(graph_core([vertices[key] for key in keys], edges))
    return parts


def stack(parts: list[tuple[str, Drawing]], width: float) -> Drawing:
    """Several drawings in one, each in a titled frame, packed into rows ``width`` wide."""
    boxes: list[Box] = []
    edges: list[list[tuple[float, float]]] = []
    frames = []
    x = y = row = 0.0
    title, margin = 22.0, 12.0
    for name, part in parts:
        w, h = part.width + 2 * margin, part.height + title + 2 * margin
        if x and x + w > width:
            x, y, row = 0.0, y + row + GAP / 2, 0.0
        dx, dy = x + margin, y + title + margin
        for box in part.boxes:
            box.x, box.y = box.x + dx, box.y + dy
            boxes.append(box)
        edges += [[(px + dx, py + dy) for px, py in line] for line in part.edges]
        frames.append((name, x, y, w, h))
        x, row = x + w + GAP / 2, max(row, h)
    total = max((fx + fw for _, fx, _, fw, _ in frames), default=0.0)
    return Drawing(boxes, edges, width=total, height=y + row, frames=frames)


def svg(drawing: Drawing, name: str, *, css: str = "mathcheck-graph") -> str:
    """The drawing as an inline SVG element: boxes link to their formulas, arrows point from
    what is used to what uses it. Colours come from the page's CSS classes."""
    pad = 4.0
    width, height = drawing.width + 2 * pad, drawing.height + 2 * pad
    marker = f"arrow-{name}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" '
        f'viewBox="{-pad:.0f} {-pad:.0f} {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" aria-label="{escape(name)}">',
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="mathcheck-graph-arrow"/></marker></defs>',
    ]
    for title, x, y, w, h in drawing.frames:
        out.append(
            f'<g class="mathcheck-graph-frame"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
            f'height="{h:.1f}" rx="6"/><text x="{x + 10:.1f}" y="{y + 16:.1f}">'
            f"{escape(title)}</text></g>"
        )
    for line in drawing.edges:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        out.append(
            f'<polyline class="mathcheck-graph-edge" points="{points}" '
            f'marker-end="url(#{marker})"/>'
        )
    for box in drawing.boxes:
        rect = (
            f'<rect class="{box.css}" x="{box.x - box.w / 2:.1f}" y="{box.y - box.h / 2:.1f}" '
            f'width="{box.w:.1f}" height="{box.h:.1f}" rx="4"/>'
            f'<text x="{box.x:.1f}" y="{box.y + 4:.1f}" text-anchor="middle">'
            f"{escape(box.text)}</text>"
        )
        tip = f"<title>{escape(box.title)}</title>" if box.title else ""
        if box.href:
            out.append(f'<a href="{escape(box.href)}">{tip}{rect}</a>')
        else:
            out.append(f"<g>{tip}{rect}</g>")
    out.append("</svg>")
    return "\n".join(out)


def tikz(drawing: Drawing, fill: dict[str, str], *, scale: float = 0.6) -> str:
    r"""The drawing as a TikZ picture for the PDF, no wider than the text: the same boxes
    (hyperlinks to ``\label{href}``), arrows and frames as :func:`svg`, ``fill`` giving each
    box class its colour (``mathcheck-symbolic`` → ``fill["symbolic"]``). Needs the LaTeX
    packages tikz and adjustbox (the extension adds them)."""
    lines = [
        r"\par\noindent\begin{adjustbox}{max width=\linewidth}%",  # shrunk when too wide
        rf"\begin{{tikzpicture}}[x={scale}pt, y=-{scale}pt, font=\ttfamily\scriptsize]",
    ]
    for title, x, y, w, h in drawing.frames:
        lines.append(
            rf"\draw[gray, rounded corners] ({x:.1f},{y:.1f}) rectangle ({x + w:.1f},{y + h:.1f});"
            rf"\node[anchor=west, font=\sffamily\small] at ({x + 8:.1f},{y + 11:.1f})"
            rf" {{{tex_escape(title)}}};"
        )
    for line in drawing.edges:
        path = " -- ".join(f"({x:.1f},{y:.1f})" for x, y in line)
        lines.append(rf"\draw[->, >=stealth, gray] {path};")
    for box in drawing.boxes:
        colour = fill.get(box.css.removeprefix("mathcheck-"), "white")
        text = tex_escape(box.text)
        if box.href:
            text = rf"\hyperref[{box.href}]{{{text}}}"
        lines.append(
            rf"\node[draw, rounded corners=2pt, fill={colour}, minimum width={box.w * scale:.1f}pt,"
            rf" minimum height={box.h * scale:.1f}pt, inner sep=1pt] at ({box.x:.1f},{box.y:.1f})"
            rf" {{{text}}};"
        )
    lines += [r"\end{tikzpicture}\end{adjustbox}\par", ""]
    return "\n".join(lines)
