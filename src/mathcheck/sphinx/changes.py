r"""What changed between versions of the book: formulas added, changed and removed, with why.

Every HTML build writes the ledger as data, ``ledger.json`` beside the site's pages: each
labelled formula with its page, kind, number, LaTeX, evidence and uses. A release keeps that
file in the book's sources as ``_data/ledger-<version>.json`` (``nox -s release``). The
``{formula-changes}`` directive compares such a snapshot with the next one, or with the book as
it is now when there is none, and lists what was added, changed (the LaTeX before and after)
and removed. Its content is the changelog, one line per formula::

    ```{formula-changes} 0.1.0
    eq-bernoulli-fisher-probs: the denominator was p(1 - p) squared; it is p(1 - p)
    ```

A formula whose LaTeX changed, or that was removed, without a line saying why fails the build
at the directive, and so does a line about a formula that did not change: the errata of a
reference are never silent, and never stale. Added formulas may have a line; they need none.
Whitespace is not a change (re-flowing a long formula is not an erratum).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .directives import content_line
from .graph import formula_graph
from .numbers import chapters, equation_number, formula_uri, number_node

logger = logging.getLogger(__name__)

LEDGER_FILE = "ledger.json"  # written into the HTML output by every build
DATA = "_data"  # the snapshots' folder in the book's sources
ENTRY = re.compile(r"^(?P<label>eq-[\w-]+)\s*:\s*(?P<reason>\S.*)$")


def snapshot_path(srcdir: str | Path, version: str) -> Path:
    """Where the ledger of a released ``version`` is kept: ``<srcdir>/_data/ledger-<v>.json``."""
    return Path(srcdir) / DATA / f"ledger-{version}.json"


def version_key(version: str) -> tuple:
    """Order versions numerically where they are numbers: 0.10.0 after 0.9.1.

    >>> sorted(["0.10.0", "0.9.1", "0.9.0"], key=version_key)
    ['0.9.0', '0.9.1', '0.10.0']
    """
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.+-]", version))


def snapshots(srcdir: str | Path) -> list[str]:
    """The released versions whose ledgers are kept, oldest first."""
    found = Path(srcdir, DATA).glob("ledger-*.json")
    return sorted((p.stem.removeprefix("ledger-") for p in found), key=version_key)


def normalised(latex: str) -> str:
    """LaTeX with runs of whitespace made one space: what counts as a formula's text."""
    return " ".join(latex.split())


def ledger_data(app) -> dict:
    """The ledger as data: the book's version and date, and every labelled formula in the
    order of the book (chapter, then reading order), without this build's timings."""
    env = app.env
    graph = formula_graph(env.mathcheck_results)
    order = chapters(env)
    formulas = [
        {
            "label": node.label,
            "page": node.docname,
            "kind": node.kind,
            "number": equation_number(env, node.docname, node.label),
            "latex": node.latex,
            "evidence": node.evidence,
            "uses": node.uses,
        }
        for node in sorted(graph.values(), key=lambda n: order.get(n.docname, len(order) + 1))
    ]
    return {
        "title": app.config.project,
        "version": app.config.version,
        "date": app.config.today,
        "formulas": formulas,
    }


def write_ledger(app) -> None:
    """``build-finished`` (HTML only): ``ledger.json`` beside the pages."""
    if app.builder.format == "html":
        path = Path(app.outdir) / LEDGER_FILE
        path.write_text(json.dumps(ledger_data(app), indent=1, ensure_ascii=False) + "\n", "utf-8")


class formula_changes_placeholder(nodes.General, nodes.Element):
    """Replaced by the list of changes once every page's formulas are known."""


class FormulaChangesDirective(SphinxDirective):
    """``{formula-changes} <version>``: the changes since that release; content: the
    changelog, ``label: reason`` per line."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        base = self.arguments[0].strip()
        versions = snapshots(self.env.srcdir)
        if base not in versions:
            kept = ", ".join(versions) or "none"
            raise self.error(
                f"formula-changes: no ledger of version {base} at "
                f"{DATA}/ledger-{base}.json (kept: {kept}); `nox -s release` keeps one"
            )
        for version in versions:  # a new or edited snapshot re-reads this page
            self.env.note_dependency(str(snapshot_path(self.env.srcdir, version)))
        later = versions[versions.index(base) + 1 :]
        entries: dict[str, tuple[int, str]] = {}
        first = content_line(self)
        for offset, line in enumerate(self.content):
            if not line.strip():
                continue
            match = ENTRY.match(line.strip())
            if not match:
                raise self.error(
                    f"formula-changes: line {first + offset} is not 'eq-<label>: why it changed'"
                )
            entries[match["label"]] = (first + offset, match["reason"])
        return [
            formula_changes_placeholder(
                base=base,
                target=later[0] if later else "",
                entries=entries,
                docname=self.env.docname,
                lineno=self.lineno,
            )
        ]


@dataclass
class Changes:
    """What differs between two ledgers: labels added and removed, and (label, before, after)
    for those whose LaTeX or kind changed."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict, dict]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def compare(before: dict[str, dict], after: dict[str, dict]) -> Changes:
    """Compare two ledgers' formulas by label.

    >>> claim = {"kind": "claim"}
    >>> old = {"eq-a": {"latex": "a = 1", **claim}, "eq-b": {"latex": "b", **claim}}
    >>> new = {"eq-a": {"latex": "a  =  2", **claim}, "eq-c": {"latex": "c", **claim}}
    >>> c = compare(old, new)
    >>> c.added, [label for label, *_ in c.changed], c.removed
    (['eq-c'], ['eq-a'], ['eq-b'])
    """
    changes = Changes()
    for label, now in after.items():
        was = before.get(label)
        if was is None:
            changes.added.append(label)
        elif normalised(was["latex"]) != normalised(now["latex"]) or was["kind"] != now["kind"]:
            changes.changed.append((label, was, now))
    changes.removed = [label for label in before if label not in after]
    return changes


def _formulas(path: Path) -> dict[str, dict]:
    return {f["label"]: f for f in json.loads(path.read_text("utf-8"))["formulas"]}


def resolve(app, placeholder: formula_changes_placeholder, fromdocname: str) -> bool:
    """Replace ``placeholder`` by the changes; report every change without a reason and every
    reason without a change. True when the changelog accounts for every change."""
    srcdir = app.env.srcdir
    base, target = placeholder["base"], placeholder["target"]
    before = _formulas(snapshot_path(srcdir, base))
    if target:
        after = _formulas(snapshot_path(srcdir, target))
    else:
        after = {f["label"]: f for f in ledger_data(app)["formulas"]}
    changes = compare(before, after)
    entries = placeholder["entries"]
    good = True
    where = (placeholder["docname"], placeholder["lineno"])
    for label in [label for label, *_ in changes.changed] + changes.removed:
        if label not in entries:
            good = False
            what = "changed its LaTeX" if label in after else "was removed"
            logger.error(
                f"formula-changes {base}: {label} {what} without a changelog line; "
                f"add '{label}: <why>' to the directive",
                location=where,
                type="mathcheck",
                subtype="changes",
            )
    changed = {label for label, *_ in changes.changed} | set(changes.removed) | set(changes.added)
    for label, (lineno, _) in entries.items():
        if label not in changed:
            good = False
            logger.error(
                f"formula-changes {base}: {label} did not change since {base}; remove its line",
                location=(placeholder["docname"], lineno),
                type="mathcheck",
                subtype="changes",
            )
    shown = target or f"this build (version {app.config.version} of {app.config.today})"
    out: list[nodes.Node] = [
        nodes.paragraph(
            text=f"From {base} to {shown}: {len(changes.added)} formulas added, "
            f"{len(changes.changed)} changed, {len(changes.removed)} removed."
        )
    ]
    reasons = {label: reason for label, (_, reason) in entries.items()}
    live = not target  # the labels link to the formulas of this version of the book
    for title, labels in (
        ("Added", changes.added),
        ("Changed", [label for label, *_ in changes.changed]),
        ("Removed", changes.removed),
    ):
        if labels:
            out.append(nodes.rubric(text=title))
            items = nodes.bullet_list(classes=["mathcheck-changes"])
            for label in labels:
                items += _item(app, fromdocname, label, before, after, reasons, live)
            out.append(items)
    placeholder.replace_self(out)
    return good


def _item(app, fromdocname, label, before, after, reasons, live) -> nodes.list_item:
    item = nodes.list_item()
    para = nodes.paragraph()
    now = after.get(label)
    if now is not None and live:
        uri = formula_uri(app, fromdocname, now["page"], label)
        ref = nodes.reference("", "", internal=True, refuri=uri)
        ref += nodes.literal(text=label)
        para += ref
        para += nodes.Text(" ")
        para += number_node(app, now["page"], label)
    else:
        para += nodes.literal(text=label)
    if label in reasons:
        para += nodes.Text(f": {reasons[label]}")
    item += para
    was = before.get(label)
    if was is not None and now is not None:
        diff = difflib.unified_diff(
            was["latex"].splitlines(), now["latex"].splitlines(), lineterm="", n=1
        )
        text = "\n".join(line for line in diff if not line.startswith(("---", "+++", "@@")))
        if was["kind"] != now["kind"]:
            text = f"kind: {was['kind']} → {now['kind']}\n{text}".strip()
        item += nodes.literal_block(text, text, language="diff")
    elif was is not None:
        item += nodes.literal_block(was["latex"], was["latex"], language="latex")
    return item
