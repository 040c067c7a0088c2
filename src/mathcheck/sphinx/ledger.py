"""The formula ledger: one row per display formula (and per derivation step), with evidence.

Its headline counts say exactly what was verified: definitions checked or only notation,
claims tied to the page's definitions or identities (``:algebra:``), derivation steps, and,
apart from all of them, the exempt formulas with the reviewed reasons they may cite.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import Result
from ..exemptions import AllowList
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


IN_TEXT = ("inline", "statement")  # formulas of the text, not displays: no equation number


def _evidence_text(result: Result) -> str:
    if result.status == "exempt":
        return f"exempt: {result.reason}"
    parts = []
    for e in result.evidence:
        mark = "✓" if e.ok else "✗"
        # a statement's evidence is the relations it holds: name them
        shown = f" ({e.detail})" if e.method == "statement" and e.detail else ""
        parts.append(f"{mark} {e.method}{shown}")
    return ", ".join(parts)


def headline(results: list[Result]) -> str:
    """The ledger's counts, by kind and status.

    >>> from mathcheck import Evidence
    >>> checked = Result("a", "definition", "p.md", 1, "g", evidence=[Evidence("normalised", True)])
    >>> headline([checked, Result("b", "exempt", "p.md", 2, "x", reason="notation"),
    ...           Result("c", "claim", "p.md", 3, "y", algebra=True)])
    '1 definition (1 checked, 0 notation); 1 claim (0 tied to the page, 1 identity); 0 ...
    Apart from these, 1 exempt formula.'
    >>> headline([Result("i", "inline", "p.md", 4, "x", evidence=[Evidence("numeric", True)]),
    ...           Result("t", "statement", "p.md", 5, "T", evidence=[Evidence("statement", True)])])
    '0 definitions ... 1 inline relation (1 checked, 0 identities, 0 notation, 0 exempt); 1 theorem
    statement (1 verified, 0 exempt); 0 failing. Apart from these, 0 exempt formulas.'
    """
    count = Counter((r.kind, r.status) for r in results)
    kinds = Counter(r.kind for r in results)
    failing = sum(1 for r in results if not r.ok and r.status != "exempt")
    identities = count["claim", "identity"]
    inline = count["inline", "identity"]
    return (
        f"{_many(kinds['definition'], 'definition')} ({count['definition', 'verified']} "
        f"checked, {count['definition', 'notation']} notation); "
        f"{_many(kinds['claim'], 'claim')} ({count['claim', 'verified']} tied to the page, "
        f"{identities} identit{'y' if identities == 1 else 'ies'}); "
        f"{_many(kinds['derivation'], 'derivation step')}; "
        f"{_many(kinds['inline'], 'inline relation')} ({count['inline', 'verified']} checked, "
        f"{inline} identit{'y' if inline == 1 else 'ies'}, {count['inline', 'notation']} "
        f"notation, {count['inline', 'exempt']} exempt); "
        f"{_many(kinds['statement'], 'theorem statement')} "
        f"({count['statement', 'verified']} verified, {count['statement', 'exempt']} exempt); "
        f"{failing} failing. "
        f"Apart from these, {_many(kinds['exempt'], 'exempt formula')}."
    )


def _many(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def exemption_list(allowed: AllowList, results: list[Result]) -> list[nodes.Node]:
    """The reviewed exemption reasons, each with how many formulas cite it."""
    uses = Counter(" ".join(r.reason.split()) for r in results if r.kind == "exempt")
    where = allowed.path.name if allowed.path else "(no mathcheck-exemptions.txt found)"
    intro = nodes.paragraph(
        text=f"Exemptions may cite only these reviewed reasons, listed in {where}:"
    )
    items = nodes.bullet_list()
    for reason in allowed.reasons:
        item = nodes.list_item()
        item += nodes.paragraph(text=f"{reason} ({uses[reason]} formula(s))")
        items += item
    return [intro, items]


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
    summary = nodes.paragraph(text=headline([r for _, r in results]))
    allowed = AllowList.find(Path(app.env.doc2path(fromdocname)))
    listed = exemption_list(allowed, [r for _, r in results])
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
    latex = app.builder.format == "latex"
    for docname, result in results:
        uri = formula_uri(app, fromdocname, docname, result.label)
        if result.kind in IN_TEXT:  # anchored where it stands, not as an equation
            page_uri = builder.get_relative_uri(fromdocname, docname)
            uri = f"%{docname}#{result.label}" if latex else f"{page_uri}#{result.label}"
        name = result.label + (f" (step {result.step})" if result.step else "")
        link = nodes.paragraph()
        if latex and result.kind == "inline":  # LaTeX labels no inline math: no link
            link += nodes.Text(name)
        else:
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
        status = "FAILING" if not result.ok else result.status
        if result.cached:
            status += " (cached)"
        first = not (result.step and result.step > 1)
        number = nodes.paragraph()
        if result.kind not in IN_TEXT:
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
    return [summary, *listed, table]


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
