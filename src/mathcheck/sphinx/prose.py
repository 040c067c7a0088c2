"""Numbers in prose come from cells: the build fails on a decimal number that none produced.

After a page is read, every decimal number in its text (paragraphs, titles, captions,
admonitions, theorem statements, table cells; not code, math, cell outputs or glued values) must
be one of the page's code-cell inputs (:func:`mathcheck.prose.page_inputs`). A number a cell
computed is pasted with myst-nb's glue, ``{glue:text}`key:.2f```, and so never reaches this
check as text. A number that no cell computes (an equation number, a constant such as 3.14…)
is written with the role ``{number}`3.14 <reason>```, whose reason must be one of the reviewed
reasons in ``mathcheck-numbers.txt`` (the nearest one above the page); the ``{prose-numbers}``
directive lists every such number of the book with its page and reason.

The decisions live in :mod:`mathcheck.prose`; this module walks doctrees and reports.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from ..exemptions import AllowList
from ..prose import is_input, page_inputs, quoted_numbers

logger = logging.getLogger(__name__)

REASONS = "mathcheck-numbers.txt"
HINT = (
    "hint: compute it in a code cell, add glue('name', value) there (from myst_nb import glue) "
    "and write {glue:text}`name:.2f` here; if it is an input, write it in one of this page's "
    "code cells; if no cell can compute it (an equation number, a constant, a version), write "
    "{number}`%s <reason>` with a reason listed in %s"
)

# Text under these is not prose: code, math, cell inputs and outputs, API signatures.
NOT_PROSE = (
    nodes.FixedTextElement,  # literal blocks, doctests
    nodes.literal,
    nodes.math,
    nodes.math_block,
    nodes.raw,
    nodes.comment,
    nodes.system_message,
    nodes.substitution_definition,
    addnodes.desc_signature,
)


def _skipped(node: nodes.Node) -> bool:
    """Whether ``node`` (or an ancestor) holds no prose of the author's."""
    while node is not None:
        if isinstance(node, NOT_PROSE):
            return True
        if isinstance(node, nodes.Element):
            if node.get("nb_element", "").startswith("cell_code"):  # a code cell, in or out
                return True
            if any(c.startswith(("pasted", "mathcheck-number")) for c in node["classes"]):
                return True  # a glued value, or a number escaped with {number}
        node = node.parent
    return False


class NumberRole(SphinxRole):
    """``{number}`13.9 <their equation number>```: a number no cell computes, with a reason."""

    def run(self):
        match = re.fullmatch(r"\s*(.*?)\s*<(.*)>\s*", self.text, re.S)
        number, reason = (match.group(1), match.group(2)) if match else (self.text.strip(), "")
        path = Path(self.env.doc2path(self.env.docname))
        allowed = AllowList.find(path, REASONS)
        if not match or not reason.strip():
            problem = f"needs a reason: write {{number}}`{number} <reason>`"
        elif not quoted_numbers(number):
            problem = f"{number!r} holds no decimal number; write it as plain text"
        elif not allowed.allows(reason):
            where = allowed.path or f"a {REASONS} in the page's folder or above it"
            problem = (
                f"the reason {reason.strip()!r} is not one of the reviewed reasons listed in "
                f"{where} (hint: glue the number from a cell if one computes it; otherwise add "
                "the reason to that file, where a reviewer sees it)"
            )
        else:
            problem = ""
        line = self.lineno
        if problem:
            _problems(self.env).append((line, f"{{number}}: {problem}"))
            logger.error(
                f"{{number}}: {problem}", location=(self.env.docname, line), type="mathcheck"
            )
        else:
            _escaped(self.env).append((line, number, " ".join(reason.split())))
        return [nodes.inline(number, number, classes=["mathcheck-number"])], []


def check(app, doctree: nodes.document) -> None:
    """Report every decimal number in the page's prose that is neither glued nor an input."""
    env = app.env
    path = Path(env.doc2path(env.docname))
    source = path.read_text(encoding="utf-8") if path.is_file() else ""
    inputs = page_inputs(source) if path.suffix == ".md" else set()
    lines = source.splitlines()
    quoted_inputs = 0
    for text in doctree.findall(nodes.Text):
        quoted = quoted_numbers(text.astext())
        if not quoted or _skipped(text.parent):
            continue
        numbers = [n for n in quoted if not is_input(n, inputs)]
        quoted_inputs += len(quoted) - len(numbers)
        origin, start = get_source_line(text.parent)
        elsewhere = origin and Path(origin.split(":docstring of")[0]).resolve() != path.resolve()
        for number in numbers:
            line = start or 0 if elsewhere else _source_line(lines, start or 0, number)
            message = (
                f"the number {number} in the text is neither glued from a cell nor an input "
                f"written in a code cell of this page ({HINT % (number, REASONS)})"
            )
            _problems(env).append((line, message))
            # text from another file (a docstring) is reported where it is written
            where = text.parent if elsewhere else (env.docname, line)
            logger.error(message, location=where, type="mathcheck", subtype="prose")
    glued = sum(
        len(quoted_numbers(node.astext()))
        for node in doctree.findall(nodes.inline)
        if "pasted-text" in node["classes"]
    )
    _record(env)["counts"] = {"glued": glued, "inputs": quoted_inputs}


def _source_line(lines: list[str], start: int, number: str) -> int:
    """The line at or after ``start`` (a paragraph's first line) that writes ``number``."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(number)}(?!\w|\.\d)")
    for i in range(max(start - 1, 0), min(len(lines), max(start, 1) + 40)):
        if pattern.search(lines[i]):
            return i + 1
    return start


def _record(env) -> dict:
    return env.mathcheck_prose.setdefault(
        env.docname, {"problems": [], "escaped": [], "counts": {"glued": 0, "inputs": 0}}
    )


def _problems(env) -> list:
    return _record(env)["problems"]


def _escaped(env) -> list:
    return _record(env)["escaped"]


class prose_numbers_placeholder(nodes.General, nodes.Element):
    """Filled, once every page is read, with the book's escaped numbers."""


class ProseNumbersDirective(SphinxDirective):
    """``{prose-numbers}``: a table of every number the book escaped, with page and reason."""

    def run(self):
        return [prose_numbers_placeholder()]


def resolve(app, placeholder, fromdocname: str) -> None:
    rows = [
        (docname, line, number, reason)
        for docname, record in sorted(app.env.mathcheck_prose.items())
        for line, number, reason in record["escaped"]
    ]
    counts = [r.get("counts", {}) for r in app.env.mathcheck_prose.values()]
    glued = sum(c.get("glued", 0) for c in counts)
    inputs = sum(c.get("inputs", 0) for c in counts)
    headline = nodes.paragraph(
        text=f"The text quotes {glued + inputs + len(rows)} decimal numbers: {glued} pasted "
        f"from the cells that computed them, {inputs} inputs written in code cells of their "
        f"page, and {len(rows)} escaped" + (":" if rows else ".")
    )
    if not rows:
        placeholder.replace_self(headline)
        return
    table = nodes.table(classes=["mathcheck-prose-numbers"])
    group = nodes.tgroup(cols=3)
    table += group
    group += [nodes.colspec(colwidth=w) for w in (3, 1, 6)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    head += _row([nodes.Text(t) for t in ("page", "number", "reason")])
    for docname, line, number, reason in rows:
        ref = nodes.reference("", "", internal=True)
        ref["refuri"] = app.builder.get_relative_uri(fromdocname, docname)
        ref += nodes.Text(f"{docname}, line {line}")
        body += _row([ref, nodes.Text(number), nodes.Text(reason)])
    placeholder.replace_self([headline, table])


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell)
        row += entry
    return row


def failures(env) -> int:
    return sum(len(r["problems"]) for r in getattr(env, "mathcheck_prose", {}).values())


def purge(app, env, docname) -> None:
    getattr(env, "mathcheck_prose", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    env.mathcheck_prose.update(
        {d: r for d, r in getattr(other, "mathcheck_prose", {}).items() if d in docnames}
    )


def init(app) -> None:
    if not hasattr(app.env, "mathcheck_prose"):
        app.env.mathcheck_prose = {}  # docname → {"problems": [(line, message)], "escaped": …}


def setup(app) -> None:
    app.connect("builder-inited", init)
    app.add_role("number", NumberRole())
    app.add_directive("prose-numbers", ProseNumbersDirective)
    app.add_node(prose_numbers_placeholder)
    app.connect("doctree-read", check)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
