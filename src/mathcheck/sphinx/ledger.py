"""The formula ledger: one row per display formula (and per derivation step), with evidence."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import Result
from .graph import formula_graph
from .numbers import formula_uri, number_node


class ledger_placeholder(nodes.General, nodes.Element):
    """Replaced by the ledger table once every page has been read."""


class LedgerDirective(SphinxDirective):
    """``{formula-ledger}``: where the ledger goes."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.app.mathcheck_ledger_docs.add(self.env.docname)
        return [ledger_placeholder(docname=self.env.docname)]


def _row(cells: list[nodes.Node | str], classes: dict[int, str] | None = None) -> nodes.row:
    row = nodes.row()
    for i, cell in enumerate(cells):
        entry = nodes.entry(classes=[classes[i]] if classes and i in classes else [])
        if isinstance(cell, str):
            entry += nodes.paragraph(text=cell)
        else:
            entry += cell
        row += entry
    return row


def _evidence_text(result: Result) -> str:
    if result.kind == "exempt":
        return f"exempt: {result.reason}"
    parts = []
    for e in result.evidence:
        mark = "✓" if e.ok else "✗"
        parts.append(f"{mark} {e.method}")
    return ", ".join(parts)


def build_table(
    app, fromdocname: str, records: dict[str, list[dict]], ledger: str = ""
) -> list[nodes.Node]:
    """The ledger's summary and table, linking each label to its formula.

    ``ledger`` is the document the table is in (``fromdocname`` unless a builder, like LaTeX's,
    resolves the whole book at once); rows link to each other there.
    """
    here = app.builder.get_relative_uri(fromdocname, ledger or fromdocname)
    results = [
        (docname, Result.from_dict(dict(r)))
        for docname in sorted(records)
        for r in records[docname]
    ]
    total = len(results)
    exempt = sum(1 for _, r in results if r.kind == "exempt")
    failed = sum(1 for _, r in results if not r.ok)
    symbolic = sum(1 for _, r in results if "symbolic" in r.methods)
    summary = nodes.paragraph(
        text=f"{total} display formulas and derivation steps: {total - exempt - failed} verified "
        f"({symbolic} symbolically), {exempt} exempt with a reason, {failed} failing."
    )
    graph = formula_graph(records)
    table = nodes.table(classes=["mathcheck-ledger"])
    if app.builder.format == "latex":  # ten columns on a page: each as wide as it needs
        table["classes"].append("colwidths-given")
    group = nodes.tgroup(cols=10)
    table += group
    for width in (20, 8, 10, 8, 18, 7, 8, 8, 8, 11):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row(
        [
            "Formula",
            "No.",
            "Page",
            "Kind",
            "Evidence",
            "Points",
            "Worst error",
            "Time",
            "Status",
            "Uses / used by",
        ]
    )
    group += head
    body = nodes.tbody()
    group += body
    builder = app.builder
    for docname, result in results:
        uri = formula_uri(app, fromdocname, docname, result.label)
        name = result.label + (f" (step {result.step})" if result.step else "")
        link = nodes.paragraph()
        link += nodes.reference("", name, internal=True, refuri=uri)
        link["ids"] = [] if result.step and result.step > 1 else [f"ledger-{result.label}"]
        if link["ids"] and app.builder.format == "latex":  # LaTeX labels targets, not paragraphs
            link += nodes.target(ids=list(link["ids"]))
        title = app.env.titles.get(docname)
        page = nodes.paragraph()
        page += nodes.reference(
            "",
            title.astext() if title else docname,
            internal=True,
            refuri=builder.get_relative_uri(fromdocname, docname),
        )
        worst = result.worst_error
        status = "exempt" if result.kind == "exempt" else ("verified" if result.ok else "FAILING")
        if result.cached:
            status += " (cached)"
        first = not (result.step and result.step > 1)
        number = nodes.paragraph()
        number += number_node(app, docname, result.label)
        body += _row(
            [
                link,
                number if first else "",
                page,
                result.kind + (f" {result.step}" if result.step else ""),
                _evidence_text(result),
                str(result.points),
                "—" if worst is None else f"{worst:.1e}",
                f"{result.seconds:.2f} s",
                status,
                _uses_cell(app, here, graph, result.label) if first else "",
            ],
            classes={7: "mathcheck-time"},
        )
    return [summary, table]


def _uses_cell(app, here: str, graph, label: str) -> nodes.Node:
    """Links to the ledger rows (on the page ``here``) of what the formula uses and of what
    uses it."""
    cell = nodes.paragraph(classes=["mathcheck-uses"])
    node = graph.get(label)
    if node is None:
        return cell
    for name, labels in (("uses", node.uses), ("used by", node.used_by)):
        if not labels:
            continue
        if len(cell):
            cell += nodes.Text("; ")
        cell += nodes.Text(f"{name} ")
        for i, other in enumerate(labels):
            if i:
                cell += nodes.Text(", ")
            ref = nodes.reference("", "", internal=True, refuri=f"{here}#ledger-{other}")
            ref["reftitle"] = other
            ref += number_node(app, graph[other].docname, other)
            cell += ref
    return cell
