r"""``{formula-table}``: a table whose cells are the book's verified formulas, named by label.

A summary page must not restate formulas by hand, or it drifts from the pages it summarises.
Each cell of a formula table either is plain text or names the label of a ``math-def`` or
``math-claim`` on some page; the cell then shows that formula's right-hand side exactly as it
was written and verified, with its number (linked to the formula), its label and a link to
its ledger entry. A label that names no formula, or a formula that failed or is exempt, fails
the build at the table's line::

    ```{formula-table}
    :header: Distribution | Parameter | ln g | eligibility
    Bernoulli | mean p | eq-bernoulli-log-pmf | eq-bernoulli-eligibility-probs
    ```

The table is resolved after every page has been read (like the ledger), since it cites formulas
of other pages.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..errors import ParseError
from ..latex import split_top_level
from .directives import content_line
from .numbers import formula_uri, number_node

logger = logging.getLogger(__name__)

LABEL = re.compile(r"^eq-[\w-]+$")
CITABLE = ("definition", "claim")


class formula_table_placeholder(nodes.General, nodes.Element):
    """Replaced by the table once every page's formulas are known."""


class FormulaTableDirective(SphinxDirective):
    """``{formula-table}`` with a ``:header:`` of ``|``-separated titles, one row per line."""

    has_content = True
    option_spec = {"header": directives.unchanged_required}  # noqa: RUF012 (docutils API)

    def run(self) -> list[nodes.Node]:
        header = _cells(self.options.get("header", ""))
        if not header:
            raise self.error("formula-table needs a :header: of '|'-separated column titles")
        rows = []
        first = content_line(self)
        for index, line in enumerate(self.content):
            if not line.strip():
                continue
            cells = _cells(line)
            lineno = first + index
            if len(cells) != len(header):
                raise self.error(
                    f"formula-table row at line {lineno} has {len(cells)} cells; "
                    f"the header has {len(header)}"
                )
            rows.append((lineno, cells))
        return [formula_table_placeholder(header=header, rows=rows, docname=self.env.docname)]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")] if line.strip() else []


def formulas_by_label(records: dict[str, list[dict]]) -> dict[str, tuple[str, dict]]:
    """Every citable formula of the book: label → (docname, its verification record)."""
    found: dict[str, tuple[str, dict]] = {}
    for docname in sorted(records):
        for record in records[docname]:
            if record["kind"] in CITABLE and not record["step"]:
                found.setdefault(record["label"], (docname, record))
    return found


def right_hand_side(latex: str) -> str:
    r"""What a cell shows: the formula after its first top-level ``=``.

    >>> right_hand_side(r"\frac{\partial \ln g(y; p)}{\partial p} = \frac{y - p}{p (1 - p)}")
    '\\frac{y - p}{p (1 - p)}'
    """
    try:
        return split_top_level(latex)[1].strip()
    except ParseError:
        return latex.strip()


def resolve(app, placeholder: formula_table_placeholder, fromdocname: str) -> bool:
    """Replace ``placeholder`` by its table; report every bad cell. True when all were good."""
    known = formulas_by_label(app.env.mathcheck_results)
    header, rows = placeholder["header"], placeholder["rows"]
    table = nodes.table(classes=["formula-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    head = nodes.thead()
    head += _row([nodes.paragraph(text=title) for title in header])
    group += head
    body = nodes.tbody()
    group += body
    good = True
    for lineno, cells in rows:
        out = []
        for cell in cells:
            if not LABEL.match(cell):
                out.append(nodes.paragraph(text=cell))
                continue
            problem = _problem(cell, known.get(cell))
            if problem:
                good = False
                logger.error(
                    f"formula-table: {cell}: {problem}",
                    location=(placeholder["docname"], lineno),
                    type="mathcheck",
                    subtype="table",
                )
                out.append(nodes.paragraph(text=f"{cell} ({problem})"))
                continue
            docname, record = known[cell]
            out.append(_formula_cell(app, fromdocname, docname, record))
        body += _row(out)
    placeholder.replace_self(table)
    return good


def _problem(label: str, found: tuple[str, dict] | None) -> str:
    if found is None:
        return "names no math-def or math-claim of the book"
    record = found[1]
    if record["problems"]:
        return "that formula failed verification"
    return ""


def _formula_cell(app, fromdocname: str, docname: str, record: dict) -> nodes.Node:
    rhs = right_hand_side(record["latex"])
    para = nodes.paragraph()
    para += nodes.math(rhs, rhs)
    links = nodes.inline(classes=["formula-table-links"])
    label = record["label"]
    link = nodes.reference(
        "", "", internal=True, refuri=formula_uri(app, fromdocname, docname, label)
    )
    number = number_node(app, docname, label)
    link += number if number.astext() or app.builder.format == "latex" else nodes.Text("formula")
    links += link
    links += nodes.Text(" ")
    links += nodes.literal(text=label)  # the permanent name, as readers cite it
    links += nodes.Text(" · ")
    ledger = nodes.reference("", "ledger", internal=True, refuri="")
    ledger["mathcheck_ledger_label"] = record["label"]
    links += ledger
    para += links
    return para


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell
        row += entry
    return row
