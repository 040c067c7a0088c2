r"""Symbol declarations: what each symbol ranges over, and how the verifier visits it.

An author declares symbols in a directive's ``:symbols:`` option, entries separated by ``;``::

    y \in \{0, 1\}; p \in (0, 1); K \in \{2, 3, 4\}; j, k \in \{1, \dots, K\};
    \pi \in (0, \infty)^{K}; \theta \in \mathbb{R}^{K}; q \in \Delta^{K-1};
    x \in \{x \in \mathbb{N}^{K} : \sum_{i=1}^{K} x_i = n\}; z \in \{0, 1\}^{M}

Discrete scalars (finite sets, integer ranges) are enumerated exhaustively; continuous ones stay
symbolic for the proof and are sampled for the numeric check; count vectors and vectors of a
finite set's values stay symbolic for the proof and are sampled for the numeric check (a sum
over them, as in an expectation, visits every one).

A domain must leave something to check. An interval narrower than ``MIN_WIDTH`` of its scale
is refused: at the verifier's tolerance every formula close to the true one would pass there.
A finite set may not repeat a value. (An integer range whose bounds are symbols, such as
``\{K + 1, \dots, K\}``, can only be found empty when it is instantiated: a check with no
instance at all fails there.)

>>> decls = parse_declarations(r"y \in \{0, 1\}; p \in (0, 1)")
>>> [(d.name, type(d.domain).__name__) for d in decls]
[('y', 'FiniteSet'), ('p', 'Interval')]
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .errors import ParseError
from .latex import Node, Num, Parser, Sym, _symbol_name

# An interval must be at least this wide relative to max(1, |lo|, |hi|): a formula that agrees
# with the true one to second order at the interval's middle then still differs at its edges by
# (MIN_WIDTH / 2)² ≈ 2.5e-7, far above the numeric check's relative tolerance of 1e-8.
MIN_WIDTH = 1e-3


@dataclass(frozen=True)
class Interval:
    """A real interval; ``lo``/``hi`` may be infinite."""

    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False
    integer: bool = False  # \mathbb{N}: whole numbers 0, 1, 2, ... (e.g. a Poisson count)

    def describe(self) -> str:
        return (
            f"{'[' if self.lo_closed else '('}{_fmt(self.lo)}, {_fmt(self.hi)}"
            f"{']' if self.hi_closed else ')'}"
        )


@dataclass(frozen=True)
class FiniteSet:
    values: tuple[Node, ...]


@dataclass(frozen=True)
class IntRange:
    lo: Node
    hi: Node


@dataclass(frozen=True)
class Vector:
    """``size`` components, each in ``element``."""

    element: Interval
    size: Node


@dataclass(frozen=True)
class Simplex:
    """Probability vectors of ``size`` positive components summing to one."""

    size: Node


@dataclass(frozen=True)
class Counts:
    """Non-negative integer vectors of ``size`` components summing to ``total``."""

    size: Node
    total: Node


@dataclass(frozen=True)
class Cube:
    r"""Vectors of ``size`` components, each one of the finite set's ``values``: \{0, 1\}^{M}."""

    values: tuple[Node, ...]
    size: Node


Domain = Interval | FiniteSet | IntRange | Vector | Simplex | Counts | Cube
DISCRETE = (FiniteSet, IntRange)
VECTORS = (Vector, Simplex, Counts, Cube)


@dataclass(frozen=True)
class Declaration:
    """``name \\in domain``. ``source`` is the whole entry as written (``j, k \\in \\{1, \\dots,
    K\\}``); ``latex`` declares this one name as a caption shows it (``k \\in \\{1, \\dots, K\\}``).
    """

    name: str
    domain: Domain
    source: str
    latex: str = ""


def parse_declarations(text: str) -> list[Declaration]:
    r"""Read a ``:symbols:`` option into declarations, one per name.

    >>> [d.name for d in parse_declarations(r"j, k \in \{1, \dots, K\}")]
    ['j', 'k']
    >>> parse_declarations(r"\theta, \bar{r} \in \mathbb{R}")[1].latex
    '\\bar{r} \\in \\mathbb{R}'
    >>> parse_declarations(r"p \in (0 1)")
    Traceback (most recent call last):
    ...
    mathcheck.errors.ParseError: expected ',' but found '1' in "p \in (0 1)" ...
    >>> parse_declarations(r"p \in (0.499999999, 0.500000001)")
    Traceback (most recent call last):
    ...
    mathcheck.errors.ParseError: a degenerate interval: (0.499999999, 0.500000001) is narrower ...
    """
    declarations: list[Declaration] = []
    for entry in split_entries(text):
        parser = _DomainParser(entry)
        try:
            names, domain = parser.declaration()
        except ParseError as exc:
            raise ParseError(
                f'{exc.message} in "{entry}"', column=exc.column, hint=exc.hint
            ) from None
        shown = entry[parser.domain_start :].strip()
        declarations.extend(
            Declaration(name, domain, entry, f"{written} \\in {shown}") for name, written in names
        )
    return declarations


def split_entries(text: str) -> list[str]:
    entries, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":  # skip escaped characters such as \; and \{
            i += 2
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == ";" and depth == 0:
            entries.append(text[start:i])
            start = i + 1
        i += 1
    entries.append(text[start:])
    return [e.strip() for e in entries if e.strip()]


class _DomainParser(Parser):
    def __init__(self, latex: str):
        super().__init__(latex, functions=set())

    def declaration(self) -> tuple[list[tuple[str, str]], Domain]:
        """The declared names (each with its LaTeX as written) and their domain."""
        names = [self.name()]
        while self.at(","):
            self.take()
            names.append(self.name())
        self.expect("\\in", hint="declare a symbol as name \\in domain")
        self.domain_start = self.tok.pos
        domain = self.domain()
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}' after the domain")
        return names, domain

    def name(self) -> tuple[str, str]:
        start = self.tok.pos
        node = self.symbol_or_call(allow_call=False)
        if not isinstance(node, Sym) or node.indices:
            raise self.error("declare the symbol without an index (\\pi, not \\pi_k)")
        return node.name, self.latex[start : self.tok.pos].strip()

    def domain(self) -> Domain:
        tok = self.tok
        if tok.text == "\\mathbb":
            self.take()
            self.expect("{")
            letter = self.take().text
            self.expect("}")
            if letter == "N":
                return self.power(Interval(0.0, math.inf, lo_closed=True, integer=True))
            if letter != "R":
                raise ParseError(
                    f"\\mathbb{{{letter}}} is not a domain here",
                    column=tok.pos,
                    hint="use \\mathbb{R}, \\mathbb{N}, an interval or a finite set",
                )
            return self.power(Interval(-math.inf, math.inf))
        if tok.text in ("(", "["):
            return self.power(self.interval())
        if tok.text == "\\{":
            return self.braced_set()
        if tok.text == "\\Delta":
            self.take()
            self.expect("^", hint="the simplex of K components is \\Delta^{K-1}")
            dim = self.script()
            return Simplex(size=_plus_one(dim))
        raise self.error(
            f"cannot read domain starting with '{tok.text}'",
            hint="domains: \\{0, 1\\}, \\{1, \\dots, K\\}, (0, 1), \\mathbb{R}, \\mathbb{N}, "
            "\\mathbb{R}^{K}, (0, \\infty)^{K}, \\Delta^{K-1}, \\{0, 1\\}^{M}",
        )

    def power(self, element: Interval) -> Domain:
        if self.at("^"):
            self.take()
            return Vector(element, self.script())
        return element

    def interval(self) -> Interval:
        lo_closed = self.take().text == "["
        lo = self.bound()
        self.expect(",")
        hi = self.bound()
        if not (self.at(")") or self.at("]")):
            raise self.error("an interval ends with ')' or ']'")
        hi_closed = self.take().text == "]"
        if lo >= hi:
            raise self.error(
                f"empty interval: {_fmt(lo)} ≥ {_fmt(hi)}", hint="write the lower bound first"
            )
        scale = max(1.0, *(abs(x) for x in (lo, hi) if math.isfinite(x)))
        if hi - lo < MIN_WIDTH * scale:
            raise self.error(
                f"a degenerate interval: ({_fmt(lo)}, {_fmt(hi)}) is narrower than {MIN_WIDTH:g} "
                f"of its scale {_fmt(scale)}, so a check there cannot tell a formula from an "
                "approximation of it",
                hint="declare the symbol's whole domain, e.g. p \\in (0, 1); a formula that "
                "holds at one value is a claim about that value, with the value written in it",
            )
        return Interval(lo, hi, lo_closed, hi_closed)

    def bound(self) -> float:
        sign = 1.0
        if self.at("-"):
            self.take()
            sign = -1.0
        if self.at("\\infty"):
            self.take()
            return sign * math.inf
        tok = self.take()
        if tok.kind != "num":
            raise ParseError("interval bounds are numbers or \\infty", column=tok.pos)
        return sign * float(tok.text)

    def braced_set(self) -> Domain:
        self.take()  # \{
        first = self.tok
        if _symbol_name(first) and self.peek().text == "\\in":
            return self.counts()
        values = [self.expr()]
        while self.at(","):
            self.take()
            if self.tok.text in ("\\dots", "\\ldots", "\\cdots"):
                self.take()
                self.expect(",", hint="an integer range reads \\{1, \\dots, K\\}")
                last = self.expr()
                self.expect("\\}")
                if len(values) != 1:
                    raise self.error("an integer range reads \\{1, \\dots, K\\}")
                lo, hi = _number(values[0]), _number(last)
                if lo is not None and hi is not None and lo > hi:
                    raise self.error(
                        "an empty integer range: it has no value to check",
                        hint="write the lower bound first, as in \\{1, \\dots, K\\}",
                    )
                return IntRange(values[0], last)
            values.append(self.expr())
        self.expect("\\}")
        if len(set(values)) != len(values):
            raise self.error(
                "a finite set lists a value twice", hint="list each value once: \\{0, 1\\}"
            )
        if self.at("^"):
            self.take()
            return Cube(tuple(values), self.script())
        return FiniteSet(tuple(values))

    def counts(self) -> Counts:
        r"""\{x \in \mathbb{N}^{K} : \sum_{i=1}^{K} x_i = n\}"""
        var = _symbol_name(self.take())
        self.expect("\\in")
        self.expect("\\mathbb")
        self.expect("{")
        if self.take().text != "N":
            raise self.error("count vectors live in \\mathbb{N}^{K}")
        self.expect("}")
        self.expect("^")
        size = self.script()
        if not (self.at(":") or self.at("\\mid")):
            raise self.error(
                "expected ':' in the set-builder", hint="\\{x \\in \\mathbb{N}^{K} : ...\\}"
            )
        self.take()
        total_side = self.expr()
        self.expect("=")
        total = self.expr()
        self.expect("\\}")
        body = getattr(total_side, "body", None)
        if not (isinstance(body, Sym) and body.name == var):
            raise self.error(f"the constraint reads \\sum_{{i=1}}^{{K}} {var}_i = n")
        return Counts(size=size, total=total)


def _plus_one(node: Node) -> Node:
    from .latex import Add, Neg

    # \Delta^{K-1} has K components: undo the "-1" without evaluating K yet
    if isinstance(node, Add) and node.terms[-1] == Neg(Num("1")):
        rest = node.terms[:-1]
        return rest[0] if len(rest) == 1 else Add(rest)
    return Add((node, Num("1")))


_READABLE = {
    "\\in": "∈",
    "\\{": "{",
    "\\}": "}",
    "\\dots": "…",
    "\\ldots": "…",
    "\\cdots": "…",
    "\\infty": "∞",
    "\\mathbb{R}": "ℝ",
    "\\mathbb{N}": "ℕ",
    "\\Delta": "Δ",
}


def readable(latex: str) -> str:
    r"""A declaration as a message shows it: ``\theta \in (0, \infty)`` → ``θ ∈ (0, ∞)``.

    >>> readable(r"k \in \{1, \dots, K\}"), readable(r"\theta \in \mathbb{R}^{K}")
    ('k ∈ {1, …, K}', 'θ ∈ ℝ^{K}')
    """
    for command, shown in _READABLE.items():
        latex = latex.replace(command, shown)

    def greek(match: re.Match) -> str:
        case = "CAPITAL" if match[1][0].isupper() else "SMALL"
        try:
            return unicodedata.lookup(f"GREEK {case} LETTER {match[1].upper()}")
        except KeyError:
            return match[0]

    return re.sub(r"\\([A-Za-z]+)", greek, latex)


def _number(node: Node) -> float | None:
    """The value of a literal integer bound (``3``, ``-1``), else None."""
    from .latex import Neg

    if isinstance(node, Num):
        return float(node.value)
    if isinstance(node, Neg) and isinstance(node.arg, Num):
        return -float(node.arg.value)
    return None


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.12g}"
