r"""One symbol, one meaning: the book-wide notation registry.

Every symbol a page declares in ``:symbols:`` (or ``:where:``) is looked up in the book's
registry file, ``notation.yml``, which gives each symbol its meaning in a few words::

    \theta:
      meaning: the logits, the parameters a softmax or a logistic function turns into probabilities
    y:
      meaning: the outcome of a draw
      varies: its domain is the support of the distribution it is drawn from

The first declaration in reading order (chapters in the order of the table of contents, then
lines) fixes the symbol's *kind of domain*: real numbers, whole numbers, counts summing to a
total, a point of the simplex or a function. The sizes are the page's choice (θ ∈ ℝ for one
logit, θ ∈ ℝ^K for K of them) and so are the bounds of an interval (an input in (−1, 1) or in
ℝ), which tune where the verifier samples; a different kind is a different meaning. A later
declaration of another kind is an error unless the registry says the domain ``varies`` (and
why), or the page rebinds the symbol before it: a ``{rebind}`` note the reader sees, with its
local meaning. A rebinding also serves a change of meaning that keeps the kind (τ a precision,
then a temperature) and a symbol a page uses undeclared (π the number 3.14…, σ the logistic
function); the Sphinx adapter refuses a rebinding of a symbol the page does not write after it.

>>> entries = {"theta": Entry("theta", r"\theta", "logits")}
>>> decls = [Use("bernoulli", 5, r"\theta \in \mathbb{R}", "eq-b"),
...          Use("categorical", 9, r"\theta \in \mathbb{R}^{K}", "eq-c"),
...          Use("episodes", 3, r"\theta \in \{1, \dots, 2\}", "eq-e")]
>>> registry = Registry.build(entries, decls, rebinds=[])
>>> [(p.docname, p.message[:40]) for p in registry.problems]
[('episodes', '\\theta is declared as whole numbers here')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .domains import (
    Counts,
    DiscreteVector,
    FiniteSet,
    Interval,
    IntRange,
    Map,
    Matrix,
    Simplex,
    Vector,
    parse_declarations,
)
from .errors import FormulaError

FILENAME = "notation.yml"

KINDS = {
    "real": "real numbers",
    "whole": "whole numbers",
    "counts": "counts summing to a total",
    "simplex": "a point of the simplex",
    "function": "a function",
}


def kind(domain) -> str:
    r"""The kind of a declared domain, one of :data:`KINDS`: what a change of meaning changes.

    >>> [kind(d.domain) for d in parse_declarations(r"p \in (0, 1); k \in \{1, \dots, K\}")]
    ['real', 'whole']
    """
    if isinstance(domain, Interval):
        return "whole" if domain.integer else "real"
    if isinstance(domain, Vector | Matrix):
        return "real"
    if isinstance(domain, FiniteSet | IntRange | DiscreteVector):
        return "whole"
    if isinstance(domain, Counts):
        return "counts"
    if isinstance(domain, Simplex):
        return "simplex"
    if isinstance(domain, Map):
        return "function"
    raise TypeError(f"no kind for the domain {domain!r}")


def name_of(latex: str) -> str:
    r"""The verifier's name of a symbol written in LaTeX (``\boldsymbol{\theta}`` → ``theta``).

    >>> name_of(r"\boldsymbol{\theta}"), name_of("G_t")
    ('theta', 'G_t')
    """
    return parse_declarations(rf"{latex} \in \mathbb{{R}}")[0].name


@dataclass(frozen=True)
class Entry:
    """A symbol's line in the registry file."""

    name: str
    latex: str
    meaning: str
    varies: str = ""  # why its domain may change kind between pages (empty: it may not)


@dataclass(frozen=True)
class Use:
    """One ``:symbols:`` entry: ``latex`` declares one symbol (``k \\in \\{1, \\dots, K\\}``);
    or, with ``function``, a ``math-def`` defines the function ``latex`` (``\\pi`` of
    ``\\pi(a; s) = …``)."""

    docname: str
    line: int
    latex: str
    label: str = ""  # the formula whose options declare it (its anchor)
    function: bool = False

    @property
    def declaration(self):
        return parse_declarations(self.latex)[0]

    @property
    def name(self) -> str:
        return name_of(self.latex) if self.function else self.declaration.name

    @property
    def kind(self) -> str:
        return "function" if self.function else kind(self.declaration.domain)

    @property
    def shown(self) -> str:
        """The declaration as the Notation page shows it."""
        return rf"{self.latex}(\cdot)" if self.function else self.declaration.latex


@dataclass(frozen=True)
class Rebind:
    """A ``{rebind}`` note: from ``line`` on, ``docname`` uses ``latex`` for ``meaning``."""

    docname: str
    line: int
    latex: str
    meaning: str

    @property
    def name(self) -> str:
        return name_of(self.latex)


@dataclass(frozen=True)
class Problem:
    docname: str
    line: int
    message: str


@dataclass
class Symbol:
    """What the Notation page shows of one symbol."""

    entry: Entry
    first: Use | None = None
    pages: list[str] = field(default_factory=list)
    rebinds: list[Rebind] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.first.kind if self.first else ""


@dataclass
class Registry:
    symbols: dict[str, Symbol]
    problems: list[Problem]

    @classmethod
    def build(cls, entries: dict[str, Entry], uses: list[Use], rebinds: list[Rebind]) -> Registry:
        """Check ``uses`` (in reading order) against ``entries`` and the first declarations.

        A use of a symbol the registry lacks, of another kind than the first declaration (not
        rebound, and the entry does not vary), or of another kind than the first declaration
        after its page's rebinding, is a problem.
        """
        symbols = {name: Symbol(entry) for name, entry in entries.items()}
        problems: list[Problem] = []
        local: dict[Rebind, str] = {}  # the kind of the first declaration after a rebinding
        for rebind in rebinds:
            if rebind.name not in symbols:
                problems.append(_missing(rebind.docname, rebind.line, rebind.latex))
                continue
            symbols[rebind.name].rebinds.append(rebind)
        for use in uses:
            symbol = symbols.get(use.name)
            if symbol is None:
                problems.append(_missing(use.docname, use.line, use.latex.split(r" \in")[0]))
                continue
            if use.docname not in symbol.pages:
                symbol.pages.append(use.docname)
            here = use.kind
            rebind = next(
                (
                    r
                    for r in reversed(symbol.rebinds)
                    if r.docname == use.docname and r.line <= use.line
                ),
                None,
            )
            if rebind is not None:
                first_local = local.setdefault(rebind, here)
                if here != first_local:
                    problems.append(_clash(use, symbol.entry, here, first_local, "rebinding"))
                continue
            if symbol.first is None:
                symbol.first = use
            elif here != symbol.kind and not symbol.entry.varies:
                problems.append(_clash(use, symbol.entry, here, symbol.kind, "first"))
        return cls(symbols, problems)


def _missing(docname: str, line: int, latex: str) -> Problem:
    return Problem(
        docname,
        line,
        f"{latex.strip()} has no meaning in the book's {FILENAME} (hint: add a line "
        f"'{latex.strip()}: {{meaning: what it stands for}}' there, where a reviewer sees it; "
        "one symbol, one meaning across the book)",
    )


def _clash(use: Use, entry: Entry, here: str, before: str, which: str) -> Problem:
    if which == "first":
        why = (
            f"but its first declaration in the book makes it {KINDS[before]} ({entry.meaning}); "
            "rename it, or rebind it on this page before this line with a {rebind} note"
        )
    else:
        why = f"but this page's rebinding made it {KINDS[before]}"
    return Problem(
        use.docname,
        use.line,
        f"{entry.latex} is {'defined' if use.function else 'declared'} as {KINDS[here]} here "
        f"({use.shown}), {why}",
    )


def read_entries(path: Path | str) -> dict[str, Entry]:
    r"""The registry file: a mapping from each symbol's LaTeX to its ``meaning`` (and, for a
    symbol whose domain depends on the page, ``varies``: why).

    Raises ``FormulaError`` naming the file and the entry when an entry is malformed.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise FormulaError(f"{path}: expected a mapping from symbols to their meaning")
    entries: dict[str, Entry] = {}
    for latex, body in data.items():
        body = {"meaning": body} if isinstance(body, str) else body
        if not isinstance(body, dict) or not str(body.get("meaning", "")).strip():
            raise FormulaError(f"{path}: {latex}: needs a 'meaning' (a few words)")
        unknown = set(body) - {"meaning", "varies"}
        if unknown:
            raise FormulaError(f"{path}: {latex}: unknown keys {sorted(unknown)}")
        name = name_of(str(latex))
        if name in entries:
            raise FormulaError(f"{path}: {latex}: listed twice (as {entries[name].latex})")
        entries[name] = Entry(name, str(latex), str(body["meaning"]), str(body.get("varies", "")))
    return entries
