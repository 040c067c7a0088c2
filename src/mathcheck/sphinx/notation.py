"""The notation registry in a Sphinx build: one symbol, one meaning across the book.

Every formula directive records the symbols its ``:symbols:`` and ``:where:`` declare; a
``{rebind}`` note records a local meaning. Once every page is read, the declarations are
checked in reading order against the registry file (``mathcheck_notation``, by default
``_data/notation.yml`` in the source folder; without it the check is off) by
:class:`mathcheck.notation.Registry`, and ``{notation-table}`` renders the registry as the
Notation page: symbol, meaning, domain, first use, pages, local rebindings.

A rebinding, as an author writes it, one line per meaning::

    ```{rebind}
    \\sigma: the logistic function, σ(θ) = 1/(1 + e^(−θ))
    a, b: the two actions of an episode
    ```

It shows the reader a note (each local meaning, and the book's), and from its line on the page
may declare the symbol as something else.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import Formula
from ..domains import parse_declarations, split_entries
from ..errors import FormulaError
from ..notation import KINDS, Entry, Rebind, Registry, Use, name_of, read_entries
from ..reading import defined_name
from . import numbers

logger = logging.getLogger(__name__)


def registry_path(app) -> Path | None:
    path = Path(app.srcdir) / app.config.mathcheck_notation
    return path if app.config.mathcheck_notation and path.is_file() else None


def _record(env) -> dict:
    return env.mathcheck_notation.setdefault(env.docname, {"uses": [], "rebinds": []})


def record(env, formula: Formula) -> None:
    """Note the symbols a formula's options declare, and the function a definition defines
    (called by the formula directives)."""
    uses = _record(env)["uses"]
    for option in (formula.symbols, formula.where):
        try:
            latex = [d.latex for d in parse_declarations(option)] if option else []
        except FormulaError:
            continue  # the formula itself reports an unreadable declaration
        uses += [(formula.line, text, formula.label, False) for text in latex]
    if formula.kind == "definition":
        head = formula.latex.split("=", 1)[0].strip()
        match = re.match(r"(\\?[A-Za-z]+)\s*\(", head)  # g(y; p), \pi(a; s): a function
        if match and defined_name(formula.latex):
            uses.append((formula.line, match[1], formula.label, True))


class RebindDirective(SphinxDirective):
    """``{rebind}``: local meanings, one line each (``a, b, c: the actions``), shown as a note."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        entries = _entries(self.env)
        note = nodes.admonition(classes=["note", "mathcheck-rebind"])
        note += nodes.title("", "Notation on this page")
        items = nodes.bullet_list()
        note += items
        for offset, text in enumerate(self.content):
            line = self._first_line() + offset  # the line of this rebinding
            if not text.strip():
                continue
            symbols_text, colon, meaning = text.partition(":")
            meaning = " ".join(meaning.split())
            symbols = split_entries(symbols_text.replace(",", ";")) if colon else []
            if not symbols or not meaning:
                self._problem(line, f"expected 'symbols: meaning', got {text.strip()!r}")
                continue
            para = nodes.paragraph()
            for i, latex in enumerate(symbols):
                para += [nodes.Text(", ")] if i else []
                para += nodes.math(latex, latex)
            para += nodes.Text(f": {meaning}.")
            elsewhere = [(latex, _entry(entries, latex)) for latex in symbols]
            elsewhere = [(latex, entry) for latex, entry in elsewhere if entry is not None]
            for i, (latex, entry) in enumerate(elsewhere):
                para += nodes.Text(" Elsewhere in the book, " if i == 0 else "; ")
                para += nodes.math(latex, latex)
                para += nodes.Text(f" is {entry.meaning}")
            para += nodes.Text("." if elsewhere else "")
            items += nodes.list_item("", para)
            _record(self.env)["rebinds"] += [(line, latex, meaning) for latex in symbols]
        if not len(items):
            self._problem(self.lineno, "lists no rebinding (write one 'symbols: meaning' a line)")
        return [note]

    def _first_line(self) -> int:
        """The body's first line (MyST gives the offset within the directive, docutils an
        absolute one)."""
        if self.content_offset >= self.lineno:
            return self.content_offset + 1
        return self.lineno + 1 + self.content_offset

    def _problem(self, line: int, message: str) -> None:
        logger.error(f"rebind: {message}", location=(self.env.docname, line), type="mathcheck")
        record = _record(self.env)
        record["problems"] = record.get("problems", 0) + 1


def _entry(entries: dict[str, Entry], latex: str) -> Entry | None:
    try:
        return entries.get(name_of(latex))
    except FormulaError:
        return None


def _entries(env) -> dict[str, Entry]:
    path = registry_path(env.app)
    if path is None:
        return {}
    env.note_dependency(str(path))
    try:
        return read_entries(path)
    except FormulaError:
        return {}  # reported once, by check()


def check(app, env) -> None:
    """Once every page is read: the declarations in reading order against the registry."""
    app.mathcheck_registry = None
    path = registry_path(app)
    if path is None:
        return
    try:
        entries = read_entries(path)
    except FormulaError as error:
        logger.error(str(error), type="mathcheck")
        app.mathcheck_notation_problems = 1
        return
    order = _reading_order(env)
    uses, rebinds = [], []
    for docname in order:
        data = env.mathcheck_notation.get(docname, {})
        uses += [Use(docname, *use) for use in data.get("uses", [])]
        for line, latex, meaning in data.get("rebinds", []):
            rebinds.append(Rebind(docname, line, latex, meaning))
            if not _mentions(env, docname, line, latex):
                logger.error(
                    f"rebind: {latex} is rebound but not used on this page after the note",
                    location=(docname, line),
                    type="mathcheck",
                )
                app.mathcheck_notation_problems += 1
    registry = Registry.build(entries, uses, rebinds)
    for problem in registry.problems:
        logger.error(problem.message, location=(problem.docname, problem.line), type="mathcheck")
    app.mathcheck_notation_problems += len(registry.problems)
    app.mathcheck_notation_problems += sum(
        d.get("problems", 0) for d in env.mathcheck_notation.values()
    )
    app.mathcheck_registry = registry


def _reading_order(env) -> list[str]:
    chapters = numbers.chapters(env)
    rest = sorted(set(env.mathcheck_notation) - set(chapters))
    return [d for d in chapters if d in env.mathcheck_notation] + rest


def _mentions(env, docname: str, line: int, latex: str) -> bool:
    """Whether the page's source writes ``latex`` after the note holding ``line`` (one of its
    rebindings), outside rebinding notes."""
    lines = Path(env.doc2path(docname)).read_text(encoding="utf-8").splitlines()[line:]
    close = next((i for i, text in enumerate(lines) if _FENCE.fullmatch(text.strip())), -1)
    return latex.strip() in _NOTES.sub("", "\n".join(lines[close + 1 :]))


_FENCE = re.compile(r"`{3,}|:{3,}")
_NOTES = re.compile(r"^\s*(`{3,}|:{3,})\{rebind\}.*?^\s*\1\s*$", re.S | re.M)


class notation_table_placeholder(nodes.General, nodes.Element):
    """Filled, once every page is read, with the registry."""


class NotationTableDirective(SphinxDirective):
    """``{notation-table}``: the book's notation registry as a table."""

    def run(self):
        path = registry_path(self.env.app)
        if path is not None:
            self.env.note_dependency(str(path))
        return [notation_table_placeholder()]


def resolve(app, placeholder, fromdocname: str) -> None:
    registry = getattr(app, "mathcheck_registry", None)
    if registry is None:
        placeholder.replace_self(
            nodes.paragraph(text=f"No notation registry ({app.config.mathcheck_notation}).")
        )
        return
    table = nodes.table(classes=["mathcheck-notation"])
    group = nodes.tgroup(cols=5)
    table += group
    group += [nodes.colspec(colwidth=w) for w in (1, 5, 3, 2, 4)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    head += _row([[nodes.Text(t)] for t in ("symbol", "meaning", "domain", "first use", "pages")])
    for symbol in registry.symbols.values():
        entry = symbol.entry
        meaning: list[nodes.Node] = [nodes.Text(entry.meaning)]
        # the local meanings, each once, with the pages that rebind the symbol to it
        local: dict[str, list[str]] = {}
        for rebind in symbol.rebinds:
            pages = local.setdefault(rebind.meaning, [])
            pages += [] if rebind.docname in pages else [rebind.docname]
        for text, docnames in local.items():
            meaning += [nodes.Text(f"; {text} (on ")]
            for i, docname in enumerate(docnames):
                meaning += [nodes.Text(", ")] if i else []
                meaning.append(_page_link(app, fromdocname, docname))
            meaning.append(nodes.Text(")"))
        if symbol.first is None:
            domain = [nodes.Text("not declared")]
        else:
            latex = symbol.first.shown
            domain = [nodes.math(latex, latex), nodes.Text(f" ({KINDS[symbol.kind]})")]
            if entry.varies:
                domain += [nodes.Text(f"; {entry.varies}")]
        first = (
            [_page_link(app, fromdocname, symbol.first.docname, symbol.first.label)]
            if symbol.first
            else [nodes.Text("—")]
        )
        pages: list[nodes.Node] = []
        for i, docname in enumerate(symbol.pages):
            pages += [nodes.Text(", ")] if i else []
            pages.append(_page_link(app, fromdocname, docname))
        row = [[nodes.math(entry.latex, entry.latex)], meaning, domain, first, pages]
        body += _row(row)
    placeholder.replace_self(table)


def _page_link(app, fromdocname: str, docname: str, label: str = "") -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname)
    anchor = f"#equation-{label}" if label else ""
    ref = nodes.reference("", "", internal=True, refuri=uri + anchor)
    title = app.env.titles.get(docname)
    ref += nodes.Text(title.astext() if title is not None else docname)
    return ref


def _row(cells: list[list[nodes.Node]]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", *cell)
        row += entry
    return row


def init(app) -> None:
    app.mathcheck_notation_problems = 0
    app.mathcheck_registry = None
    if not hasattr(app.env, "mathcheck_notation"):
        app.env.mathcheck_notation = {}  # docname → {"uses": […], "rebinds": […]}


def purge(app, env, docname) -> None:
    getattr(env, "mathcheck_notation", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    env.mathcheck_notation.update(
        {d: r for d, r in getattr(other, "mathcheck_notation", {}).items() if d in docnames}
    )


def setup(app) -> None:
    app.add_config_value("mathcheck_notation", "_data/notation.yml", "env", types=[str])
    app.add_directive("rebind", RebindDirective)
    app.add_directive("notation-table", NotationTableDirective)
    app.add_node(notation_table_placeholder)
    app.connect("builder-inited", init)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check)
