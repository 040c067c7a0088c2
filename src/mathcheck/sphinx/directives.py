"""The formula directives: display the LaTeX as written, and have the verifier prove it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.patches import MathDirective
from sphinx.util import logging
from sphinx.util.texescape import escape as tex_escape

from .. import Formula, Page, Result
from ..domains import parse_declarations, split_entries
from ..errors import FormulaError
from ..exemptions import AllowList
from . import notation

logger = logging.getLogger(__name__)

# a math_block carrying this attribute was displayed by one of these directives
MARK = "mathcheck_kind"


def page_for(env) -> Page:
    """The verifier's page for the document being read (a fresh scope per document)."""
    page = env.temp_data.get("mathcheck_page")
    if page is None:
        app = env.app
        source = relative_source(env, env.docname)
        if app.mathcheck_prefetch is not None:
            start = time.perf_counter()
            app.mathcheck_prefetch.collect(env.docname, app.mathcheck_cache)
            app.mathcheck_waited += time.perf_counter() - start
        exemptions = AllowList.find(Path(env.doc2path(env.docname)))
        page = Page(source, cache=app.mathcheck_cache, exemptions=exemptions)
        env.temp_data["mathcheck_page"] = page
    return page


def relative_source(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    root = Path(env.app.confdir).parent
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def content_line(directive) -> int:
    """1-based line of the first line of a directive's body.

    reStructuredText gives an absolute 0-based offset; MyST gives the offset of the body
    within the directive (the option lines it consumed), relative to the fence line.
    """
    if directive.content_offset >= directive.lineno:
        return directive.content_offset + 1
    return directive.lineno + 1 + directive.content_offset


class FormulaDirective(MathDirective):
    """Base of ``math-def``, ``math-claim``, ``math-derivation`` and ``math-exempt``."""

    kind = "claim"
    required_arguments = 1  # the label
    optional_arguments = 0
    option_spec: ClassVar = {
        "symbols": directives.unchanged,
        "torch": directives.unchanged,
        "package": directives.unchanged,
        "reason": directives.unchanged,
        "where": directives.unchanged,
        "algebra": directives.flag,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0].strip()
        latex = "\n".join(self.content)
        formula = Formula(
            kind=self.kind,
            label=label,
            latex=latex,
            source=relative_source(self.env, self.env.docname),
            line=self.lineno,
            content_line=content_line(self),
            symbols=self.options.get("symbols", ""),
            torch=self.options.get("torch", ""),
            package=self.options.get("package", ""),
            reason=self.options.get("reason", ""),
            where=self.options.get("where", ""),
            algebra="algebra" in self.options,
        )
        notation.record(self.env, formula)
        page = page_for(self.env)
        start = time.perf_counter()
        results = page.check(formula)
        self.env.app.mathcheck_waited += time.perf_counter() - start
        records = self.env.temp_data.setdefault("mathcheck_results", [])
        for result in results:
            records.append(result.to_dict())
            for problem in result.problems:
                logger.error(
                    f"{result.label}: {problem}",
                    location=(self.env.docname, result.line),
                    type="mathcheck",
                    subtype=self.kind,
                )
        self.arguments = []
        self.options["label"] = label
        self.content = self.content  # displayed exactly as written and checked
        out = super().run()
        block = next(n for n in out if isinstance(n, nodes.math_block))
        block[MARK] = self.kind
        block["classes"].append(f"mathcheck-{self.kind}")
        out.append(caption(formula, results))
        return out


def caption(formula: Formula, results: list[Result]) -> nodes.paragraph:
    """Under the formula: the domains its checks used, its status, a link to its ledger entry.

    The domains are those the checks actually used (declared anywhere on the page before it),
    so a reader sees where the formula was checked; those a ``:where:`` gave this formula alone
    are marked so.
    """
    para = nodes.paragraph(classes=["mathcheck-caption"])
    shown: list[str] = []
    for result in results:
        shown += [d for d in result.domains if d not in shown]
    if not shown:  # nothing was checked (the formula could not be read): show what it declares
        shown = split_entries(formula.symbols)
    local = _declared(formula.where)
    if shown:
        para += nodes.Text("where ")
        for i, domain in enumerate(shown):
            if i:
                para += nodes.Text(", ")
            para += nodes.math(domain, domain)
            if domain in local:
                para += nodes.Text(" (for this formula only)")
        para += nodes.Text(". ")
    para += nodes.Text(_status(formula, results))
    # a PDF has no permalinks: it prints the label, the name to cite the formula by
    label = tex_escape(formula.label)
    para += nodes.raw("", rf"\mbox{{\sphinxcode{{{label}}}}} ", format="latex")
    ref = nodes.reference(
        "", "(ledger)", internal=True, refuri="", classes=["mathcheck-ledger-link"]
    )
    ref["mathcheck_ledger_label"] = formula.label
    para += ref
    return para


STATUS = {
    "verified": "✓ verified ",
    "identity": "✓ verified as an identity (plain algebra, tied to no definition) ",
    "notation": "Definition: notation, with nothing to check it against ",
    "failing": "✗ not verified ",
}


def _status(formula: Formula, results: list[Result]) -> str:
    if formula.kind == "exempt":
        return f"Not checked: {formula.reason} "
    statuses = {r.status for r in results}
    for status in ("failing", "notation", "identity"):
        if status in statuses:
            return STATUS[status]
    return STATUS["verified"]


def _declared(where: str) -> set[str]:
    try:
        return {d.latex for d in parse_declarations(where)} if where else set()
    except FormulaError:
        return set()


class DefinitionDirective(FormulaDirective):
    kind = "definition"


class ClaimDirective(FormulaDirective):
    kind = "claim"


class DerivationDirective(FormulaDirective):
    kind = "derivation"


class ExemptDirective(FormulaDirective):
    kind = "exempt"
