"""Inline math and theorem statements: the roles authors mark them with, and the walk that
hands them to the verifier in document order.

The roles read as ordinary inline math: ``{notation}`x = (x_1, \\dots, x_K)``` (a relation
that defines a name, shown as notation on the ledger), ``{algebra}`|1 - p| < 1``` (an identity
of declared symbols), and ``{math-exempt}`reason``` inside a theorem, which shows nothing and
exempts the theorem's statement with a reviewed reason. Which inline math is a claim, and how
it is checked, is decided in :mod:`mathcheck.page`; this module only finds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from docutils import nodes

from ..myst import STATEMENTS, statement
from ..records import Formula, inline_label

MARKS = {"notation": {"notation": True}, "algebra": {"algebra": True}}
# sphinx-proof's nodes of the blocks whose statement is a claim, by class name (the adapter
# does not import sphinx-proof: a book without it has no statements)
STATEMENT_NODES = {f"{name.split(':')[1]}_node" for name in STATEMENTS}
ANCHOR = "mathcheck_anchor"  # set on an inline formula's math node: the id its target gets


def math_role(mark: str):
    """A role showing its text as inline math, marked for the verifier."""

    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        node = nodes.math(rawtext, text)
        node["mathcheck_mark"] = mark
        return [node], []

    return role


def exempt_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{math-exempt}`reason```: nothing to show; the ledger shows the reason."""
    return [nodes.inline("", "", mathcheck_exempt=text.strip())], []


def formulas(doctree: nodes.document, source: str) -> Iterator[tuple[Formula, nodes.Element]]:
    """Inline formulas and statements in document order, with the node each stands for.

    An inline formula comes with the line it is on (the line of its paragraph plus the line
    breaks before it, as the command line counts them); a statement follows the formulas it
    holds, as on the command line.
    """
    on_line: dict[int, int] = {}
    for node in doctree.findall(_wanted):
        if isinstance(node, nodes.math):
            line = _line(node)
            n = on_line.get(line, 0)
            on_line[line] = n + 1
            label = inline_label(source, line, n)
            marks = MARKS.get(node.get("mathcheck_mark", ""), {})
            reason = "" if marks else exempted(node)
            formula = Formula("inline", label, node.astext(), source, line, line, **marks)
            yield (replace(formula, reason=reason) if reason else formula), node
    for node in doctree.findall(lambda n: type(n).__name__ in STATEMENT_NODES):
        yield _statement(node, source), node


def exempted(node: nodes.Node) -> str:
    """The reason a ``{math-exempt}`` role gives in the nearest block around ``node`` that
    holds one (a theorem, proof, other sphinx-proof block or admonition), or ''."""
    for block in _ancestors(node):
        if isinstance(block, nodes.Admonition):
            reasons = _reasons(block)
            if reasons:
                return "; ".join(reasons)
    return ""


def _reasons(block: nodes.Element) -> list[str]:
    """The reasons of the roles in ``block`` itself, not in a block nested in it."""
    return [
        n["mathcheck_exempt"]
        for n in block.findall(nodes.inline)
        if "mathcheck_exempt" in n
        and next(a for a in _ancestors(n) if isinstance(a, nodes.Admonition)) is block
    ]


def _wanted(node: nodes.Node) -> bool:
    return isinstance(node, nodes.math)


def _statement(node: nodes.Element, source: str) -> Formula:
    """A theorem's statement: from the line its text starts on up to the next thing on the
    page (sphinx-proof keeps no line of its own fence)."""
    lines = [n.line for n in node.findall(nodes.Element) if n.line]
    first = min(lines, default=0)
    after = node.next_node(descend=False, siblings=True, ascend=True)
    while after is not None and not getattr(after, "line", None):
        after = after.next_node(descend=True, siblings=True, ascend=True)
    last = after.line - 1 if after is not None else 10**9
    reasons = _reasons(node)
    title = next(iter(node.findall(nodes.title)), None)
    name = title.astext() if title is not None else ""
    return statement(source, node.get("label", ""), _title(name), first, max(first, last), reasons)


def _title(shown: str) -> str:
    """sphinx-proof's title as the author wrote it, without the '(…)' it is shown in."""
    shown = shown.strip()
    return shown[1:-1] if shown.startswith("(") and shown.endswith(")") else shown


def _line(math: nodes.math) -> int:
    """The 1-based line of inline math: its block's line plus the line breaks before it."""
    table = next((a for a in _ancestors(math) if isinstance(a, nodes.table)), None)
    if table is not None and table.line:  # cells have the table's line: add the rows above
        row = next(a for a in _ancestors(math) if isinstance(a, nodes.row))
        rows = list(table.findall(nodes.row))
        separator = isinstance(row.parent, nodes.tbody) and any(table.findall(nodes.thead))
        return table.line + rows.index(row) + separator
    block = math.parent
    while block is not None and not block.line:
        block = block.parent
    if block is None:
        return 0
    before = 0
    for node in block.findall(nodes.Text):
        if node.parent is math:
            break
        before += node.astext().count("\n")
    return block.line + before


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    while node.parent is not None:
        node = node.parent
        yield node
