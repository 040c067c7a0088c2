"""The notation registry in a Sphinx build: one symbol, one meaning across the book.

Every formula directive records the symbols its ``:symbols:`` and ``:where:`` declare; a
``{rebind}`` note records a local meaning. Once every page is read, the declarations are
checked in reading order against the registry file (``mathcheck_notation``, by default
``_data/notation.yml`` in the source folder; without it the check is off) by
:class:`mathcheck.notation.Registry`, and ``{notation-table}`` renders the registry as the
Notation page: symbol, meaning, domain, first use, pages, local rebindings.

A rebinding, as an author writes it::

    ```{rebind} \\sigma
    :meaning: the logistic function σ(θ) = 1 / (1 + e^{−θ})
    ```

It shows the reader a note (the local meaning and the book's), and from its line on the page
may declare the symbol as something else.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..domains import parse_declarations, split_entries
from ..errors import FormulaError
from ..notation import KINDS, Entry, Rebind, Registry, Use, name_of, read_entries
from . import numbers

logger = logging.getLogger(__name__)


def registry_path(app) -> Path | None:
    path = Path(app.srcdir) / app.config.mathcheck_notation
    return path if app.config.mathcheck_notation and path.is_file() else None


def _record(env) -> dict:
    return env.mathcheck_notation.setdefault(env.docname, {"uses": [], "rebinds": []})


def record(env, label: str, line: int, *options: str) -> None:
    """Note the symbols a formula's options declare (called by the formula directives)."""
    for option in options:
        try:
            latex = [d.latex for d in parse_declarations(option)] if option else []
        except FormulaError:
            continue  # the formula itself reports an unreadable declaration
        _record(env)["uses"] += [(line, text, label) for text in latex]


class RebindDirective(SphinxDirective):
    """``{rebind} \\sigma`` (or ``a, b, c``) with ``:meaning:``: a local meaning, shown."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"meaning": directives.unchanged_required}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        meaning = " ".join(self.options.get("meaning", "").split())
        symbols = split_entries(self.arguments[0].replace(",", ";"))
        entries = _entries(self.env)
        note = nodes.admonition(classes=["note", "mathcheck-rebind"])
        title = nodes.title("", "Notation on this page: ")
        for i, latex in enumerate(symbols):
            title += [nodes.Text(", ")] if i else []
            title += nodes.math(latex, latex)
        note += title
        para = nodes.paragraph(
            "", f"Here {'they stand' if len(symbols) > 1 else 'it stands'} for {meaning}."
        )
        for latex in symbols:
            try:
                entry = entries.get(name_of(latex))
            except FormulaError:
                entry = None
            if entry is not None:
                para += nodes.Text(" Elsewhere in the book, ")
                para += nodes.math(latex, latex)
                para += nodes.Text(f" is {entry.meaning}.")
        note += para
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, note)
        if not meaning:
            logger.error(
                "rebind: needs a :meaning: (what the symbol stands for on this page)",
                location=(self.env.docname, self.lineno),
                type="mathcheck",
            )
            _record(self.env).setdefault("problems", 0)
            _record(self.env)["problems"] += 1
        _record(self.env)["rebinds"] += [(self.lineno, latex, meaning) for latex in symbols]
        return [note]


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
        uses += [Use(docname, line, latex, label) for line, latex, label in data.get("uses", [])]
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
    """Whether the page's source writes ``latex`` after ``line`` (outside the note itself)."""
    lines = Path(env.doc2path(docname)).read_text(encoding="utf-8").splitlines()[line:]
    body = "\n".join(x for x in lines if not x.lstrip().startswith((":meaning:", "```{rebind}")))
    return latex.strip() in body


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
        for rebind in symbol.rebinds:
            meaning += [nodes.Text("; on "), _page_link(app, fromdocname, rebind.docname)]
            meaning += [nodes.Text(f", {rebind.meaning}")]
        if symbol.first is None:
            domain = [nodes.Text("not declared")]
        else:
            latex = symbol.first.declaration.latex
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
