"""Equations numbered by chapter (Eq. 4.3), the same on the web and in the PDF.

LaTeX numbers the chapters of a book one after another through all its parts and restarts the
equations in each chapter. Sphinx's HTML numbers only documents under a ``:numbered:`` toctree
and starts again at 1 in every toctree, so a book in parts would have two chapters 1. Here
every document that a toctree of the root document lists is a chapter, numbered in reading
order across all those toctrees, exactly as LaTeX numbers them; the chapter number shows in its
title and in the navigation, and equations, figures and theorems are numbered within it
(``numfig_secnum_depth`` = 1). Labels stay the permanent names: a number shifts when a formula
is inserted before it, a label never does.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex.nodes import math_reference
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import url_re


def chapters(env) -> dict[str, int]:
    """Every chapter of the book and its number: the root document's toctree entries in order.

    A document listed twice keeps its first number; links and ``self`` are not chapters.
    """
    numbers: dict[str, int] = {}
    root = env.get_doctree(env.config.root_doc)
    for toctree in root.findall(addnodes.toctree):
        for _title, docname in toctree["entries"]:
            if url_re.match(docname) or docname == "self" or docname not in env.tocs:
                continue
            numbers.setdefault(docname, len(numbers) + 1)
    return numbers


def _number_chapter(env, docname: str, chapter: int) -> None:
    """Give ``docname`` its chapter number; sections keep any number a toctree gave them,
    under the new chapter number, and are otherwise unnumbered."""
    old = env.toc_secnumbers.get(docname, {})
    secnumbers: dict[str, tuple[int, ...]] = {}
    for reference in env.tocs[docname].findall(nodes.reference):
        anchor = reference["anchorname"]
        number = (
            (chapter,) if not anchor else (chapter, *old[anchor][1:]) if old.get(anchor) else ()
        )
        secnumbers[anchor] = number
        reference["secnumber"] = list(number) or None
    env.toc_secnumbers[docname] = secnumbers
    if docname in env.titles:
        env.titles[docname]["secnumber"] = [chapter]  # for the previous/next links


def number_chapters(app, env) -> list[str]:
    """``env-get-updated``, after Sphinx's own numbering: number chapters across all parts
    and renumber equations and figures within them. The documents whose numbers changed."""
    before = (dict(env.toc_secnumbers), dict(env.toc_fignumbers))
    for docname, chapter in chapters(env).items():
        _number_chapter(env, docname, chapter)
    TocTreeCollector().assign_figure_numbers(env)  # again, now within the chapters
    return sorted(
        docname
        for docname in set(env.toc_secnumbers) | set(env.toc_fignumbers) | set(before[0])
        if env.toc_secnumbers.get(docname) != before[0].get(docname)
        or env.toc_fignumbers.get(docname) != before[1].get(docname)
    )


def equation_number(env, docname: str, label: str) -> str:
    """The number a formula shows, ``4.3`` (chapter 4, third formula), or '' if it has none.

    Read from Sphinx's own numbering (what the HTML writer prints beside the formula), once
    :func:`number_chapters` has run.
    """
    numbers = env.toc_fignumbers.get(docname, {}).get("displaymath", {})
    number = ".".join(map(str, numbers.get(f"equation-{label}", ())))
    return env.config.math_numsep.join(number.rsplit(".", 1))  # as Sphinx's HTML writer does


def number_node(app, docname: str, label: str) -> nodes.Node:
    r"""A formula's number as the builder prints it, ``(4.3)``.

    In the PDF it is LaTeX's own ``\ref`` to the equation, so what the PDF's ledger and cheat
    sheet show is the number LaTeX gave the formula, not a copy of the HTML's; a test reads
    both back and compares them.
    """
    if app.builder.format == "latex":
        return math_reference("", docname=docname, target=label)
    number = equation_number(app.env, docname, label)
    return nodes.Text(app.env.config.math_eqref_format.format(number=number) if number else "")


def formula_uri(app, fromdocname: str, docname: str, label: str) -> str:
    """Where a link to a formula points: its permalink (``page.html#equation-<label>``), or in
    the PDF the label LaTeX gave the equation (the LaTeX writer reads ``%a#b`` as ``a:b``)."""
    if app.builder.format == "latex":
        return f"%equation:{docname}#{label}"
    return f"{app.builder.get_relative_uri(fromdocname, docname)}#equation-{label}"
