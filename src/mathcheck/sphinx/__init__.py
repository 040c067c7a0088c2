"""Sphinx adapter of the verifier: directives, the ledger, and the rule that no display
formula goes unverified. All checking happens in :mod:`mathcheck`; this package only
translates between Sphinx and it. It also numbers equations by chapter (:mod:`.numbers`), the
same in HTML and PDF, and draws what each formula uses (:mod:`.graph`).

Enable with ``extensions = ["mathcheck.sphinx"]``. Options:
``mathcheck_cache`` (path of the result cache, relative to the output's parent; empty to
disable); ``mathcheck_workers`` (processes that verify pages while Sphinx reads them, see
:mod:`.prefetch`; -1, the default, one per core; 0 to verify in the build process only);
``mathcheck_notation`` (the notation registry, relative to the source folder, by default
``_data/notation.yml``; see :mod:`.notation`). It also holds the prose to the checks: numbers in
the text come from cells (:mod:`.prose`), one symbol has one meaning (:mod:`.notation`).
"""

from __future__ import annotations

import time
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from .. import Cache, Result, __version__, dependencies_digest
from ..myst import html_display_math
from . import changes, graph, inline, notation, numbers, prefetch, prose
from .directives import (
    MARK,
    ClaimDirective,
    DefinitionDirective,
    DerivationDirective,
    ExemptDirective,
    page_for,
    relative_source,
)
from .ledger import LedgerDirective, build_table, ledger_placeholder
from .table import FormulaTableDirective, formula_table_placeholder
from .table import resolve as resolve_table

logger = logging.getLogger(__name__)


def _builder_inited(app) -> None:
    path = app.config.mathcheck_cache
    app.mathcheck_cache = Cache(Path(app.outdir).parent / path if path else None)
    app.mathcheck_ledger_docs = set()
    app.mathcheck_seconds = 0.0  # seconds of checking, in the build or its workers
    app.mathcheck_waited = 0.0  # wall seconds the build itself spent on checking
    app.mathcheck_prefetch = None
    app.mathcheck_bad_tables = 0  # formula tables citing bad formulas, changes unexplained
    if not hasattr(app.env, "mathcheck_results"):
        app.env.mathcheck_results = {}
    if not hasattr(app.env, "mathcheck_digests"):
        app.env.mathcheck_digests = {}  # docname → (bound packages, digest of what it used)


def _before_read(app, env, docnames) -> None:
    app.mathcheck_prefetch = prefetch.start(
        app, docnames, lambda docname: relative_source(env, docname)
    )


def _source_read(app, docname, source) -> None:
    app.env.temp_data.pop("mathcheck_page", None)
    app.env.temp_data.pop("mathcheck_results", None)
    app.env.temp_data["mathcheck_started"] = time.perf_counter()


def _doctree_read(app, doctree: nodes.document) -> None:
    """Store this page's results; check its inline relations and theorem statements; fail every
    display formula that no directive verified."""
    env = app.env
    records = env.temp_data.pop("mathcheck_results", [])
    source = relative_source(env, env.docname)
    found = list(inline.formulas(doctree, source))
    page = env.temp_data.get("mathcheck_page") or (page_for(env) if found else None)
    env.temp_data.pop("mathcheck_page", None)
    start = time.perf_counter()
    for formula, node in found:
        for result in page.check(formula):
            records.append(result.to_dict())
            if formula.kind == "inline":
                node["ids"].append(result.label)  # the ledger links to the formula's place
            for problem in result.problems:
                logger.error(
                    f"{result.name}: {problem}",
                    location=(env.docname, result.line),
                    type="mathcheck",
                    subtype=formula.kind,
                )
    app.mathcheck_waited += time.perf_counter() - start
    records.sort(key=lambda r: (r["line"], r["kind"] == "statement"))  # the page's order
    if page is not None:
        app.mathcheck_seconds += sum(r.seconds for r in page.results if not r.cached)
        env.mathcheck_digests[env.docname] = (page.roots, page.dependencies())
    env.mathcheck_results[env.docname] = records
    unverified = [b for b in doctree.findall(nodes.math_block) if not b.get(MARK)]
    unverified += [
        raw
        for raw in doctree.findall(nodes.raw)
        if "html" in raw.get("format", "").split() and html_display_math(raw.astext())
    ]
    for block in unverified:
        logger.error(
            "display formula is not verified: use math-claim, math-derivation, math-def, "
            "or math-exempt with a :reason: (%r)",
            block.astext()[:60],
            location=block,
            type="mathcheck",
            subtype="unverified",
        )
        unchecked = Result(
            label=block.get("label") or "(unlabelled)",
            kind="unverified",
            source=relative_source(env, env.docname),
            line=block.line or 0,
            latex=block.astext(),
            problems=["display formula is not verified"],
        )
        env.mathcheck_results[env.docname].append(unchecked.to_dict())


def _purge(app, env, docname) -> None:
    getattr(env, "mathcheck_results", {}).pop(docname, None)
    getattr(env, "mathcheck_digests", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    for name in ("mathcheck_results", "mathcheck_digests"):
        getattr(env, name).update(
            {d: r for d, r in getattr(other, name, {}).items() if d in docnames}
        )


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Pages to re-read besides the changed ones.

    A page whose verdicts depended on something that changed since (the verifier, a library
    version, a package its bindings name) is re-verified; the ledger and formula tables
    summarise every page, so they are rebuilt whenever any page is.
    """
    stale = {
        docname
        for docname, (roots, digest) in getattr(env, "mathcheck_digests", {}).items()
        if dependencies_digest(roots) != digest
    }
    if stale or added or changed or removed:
        stale |= _summary_docs(env)
    return sorted(stale - set(added) - set(changed))


SUMMARIES = (
    "{formula-ledger}",
    "{formula-table}",
    "{formula-graph}",
    "{formula-changes}",
    "{prose-numbers}",
    "{notation-table}",
)


def _summary_docs(env) -> set[str]:
    return set().union(*(_docs_with(env, directive) for directive in SUMMARIES))


def _ledger_docs(env) -> set[str]:
    return _docs_with(env, "{formula-ledger}")


def _docs_with(env, directive: str) -> set[str]:
    return {d for d in env.found_docs if directive in Path(env.doc2path(d)).read_text("utf-8")}


def _doctree_resolved(app, doctree, fromdocname) -> None:
    for placeholder in list(doctree.findall(ledger_placeholder)):
        placeholder.replace_self(
            build_table(app, fromdocname, app.env.mathcheck_results, placeholder["docname"])
        )
    for placeholder in list(doctree.findall(formula_table_placeholder)):
        if not resolve_table(app, placeholder, fromdocname):
            app.mathcheck_bad_tables += 1
    for placeholder in list(doctree.findall(graph.formula_graph_placeholder)):
        graph.resolve(app, placeholder, fromdocname)
    for placeholder in list(doctree.findall(notation.notation_table_placeholder)):
        notation.resolve(app, placeholder, fromdocname)
    for placeholder in list(doctree.findall(prose.prose_numbers_placeholder)):
        prose.resolve(app, placeholder, fromdocname)
    for placeholder in list(doctree.findall(changes.formula_changes_placeholder)):
        if not changes.resolve(app, placeholder, fromdocname):
            app.mathcheck_bad_tables += 1
    refs = [r for r in doctree.findall(nodes.reference) if "mathcheck_ledger_label" in r]
    ledgers = sorted(_ledger_docs(app.env)) if refs else []  # reads every source: once a page
    if ledgers:
        uri = app.builder.get_relative_uri(fromdocname, ledgers[0])
        for ref in refs:
            ref["refuri"] = f"{uri}#ledger-{ref['mathcheck_ledger_label']}"


def _build_finished(app, exception) -> None:
    if app.mathcheck_prefetch is not None:
        app.mathcheck_prefetch.close()
    if exception is not None:
        return
    app.mathcheck_cache.save()
    failing = [
        (docname, r)
        for docname, records in app.env.mathcheck_results.items()
        for r in records
        if r["problems"]
    ]
    cache = app.mathcheck_cache
    logger.info(
        f"mathcheck: verified formulas in {app.mathcheck_seconds:.1f} s of checking; "
        f"the build waited {app.mathcheck_waited:.1f} s for it ({cache.adopted} checked by "
        f"workers, {cache.misses} in the build process, {cache.hits} remembered)"
    )
    if failing:
        # each problem was already reported where it happened; fail even without -W
        logger.info(f"mathcheck: {len(failing)} formula(s) failed verification")
        app.statuscode = 1
    if app.mathcheck_bad_tables:
        logger.info(
            f"mathcheck: {app.mathcheck_bad_tables} formula table(s) cite bad formulas or "
            "lists of changes lack a changelog line"
        )
        app.statuscode = 1
    if prose.failures(app.env):
        logger.info(f"mathcheck: {prose.failures(app.env)} number(s) in the text come from no cell")
        app.statuscode = 1
    if app.mathcheck_notation_problems:
        logger.info(
            f"mathcheck: {app.mathcheck_notation_problems} problem(s) with the book's notation"
        )
        app.statuscode = 1
    changes.write_ledger(app)


def setup(app):
    app.add_config_value("mathcheck_cache", ".mathcheck/cache.json", "env", types=[str])
    app.add_config_value("mathcheck_workers", -1, "", types=[int])
    app.add_directive("math-def", DefinitionDirective)
    app.add_directive("math-claim", ClaimDirective)
    app.add_directive("math-derivation", DerivationDirective)
    app.add_directive("math-exempt", ExemptDirective)
    app.add_role("notation", inline.math_role("notation"))
    app.add_role("algebra", inline.math_role("algebra"))
    app.add_role("math-exempt", inline.exempt_role)
    app.add_directive("formula-ledger", LedgerDirective)
    app.add_directive("formula-table", FormulaTableDirective)
    app.add_directive("formula-graph", graph.FormulaGraphDirective)
    app.add_directive("formula-changes", changes.FormulaChangesDirective)
    app.add_node(ledger_placeholder)
    app.add_node(formula_table_placeholder)
    app.add_node(graph.formula_graph_placeholder)
    app.add_node(changes.formula_changes_placeholder)
    prose.setup(app)
    notation.setup(app)
    app.add_latex_package("tikz")  # the formula graph in the PDF
    app.add_latex_package("adjustbox")
    app.connect("builder-inited", _builder_inited)
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-get-updated", numbers.number_chapters, priority=900)  # after Sphinx's
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _build_finished)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 4,
    }
