r"""Symbol declarations: what each symbol ranges over, and how the verifier visits it.

An author declares symbols in a directive's ``:symbols:`` option, entries separated by ``;``::

    y \in \{0, 1\}; p \in (0, 1); K \in \{2, 3, 4\}; j, k \in \{1, \dots, K\};
    \pi \in (0, \infty)^{K}; \boldsymbol{\theta} \in \mathbb{R}^{K}; q \in \Delta^{K-1};
    \mathbf{W} \in \mathbb{R}^{m \times n}; y \in \{0, 1\}^{m}; G_t \in \mathbb{R};
    x \in \{x \in \mathbb{N}^{K} : \sum_{i=1}^{K} x_i = n\};
    f \colon \{0, 1\} \to \mathbb{R};
    x \colon \{1, \dots, S\} \times \{1, \dots, K\} \to \mathbb{R}^{d}

Discrete scalars (finite sets, integer ranges) and vectors of them are enumerated exhaustively;
continuous ones stay symbolic for the proof and are sampled for the numeric check; count vectors
stay symbolic (with their sum constraint) for the proof and are sampled as integers for the
numeric check. A bold name is the plain one; a subscripted name (``G_t``, ``\theta_{\mu}``) is a
symbol of its own. A map from finite sets is a table of values, one symbol per argument (each
table the sampler draws is checked); a map from an interval is a polynomial of degree
``MAP_DEGREE`` with free coefficients.

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

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass

from .errors import ParseError
from .latex import Node, Num, Parser, Sym, _composite, _symbol_name

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
class Matrix:
    """``rows`` × ``cols`` components, each in ``element`` (``\\mathbb{R}^{m \\times n}``)."""

    element: Interval
    rows: Node
    cols: Node


@dataclass(frozen=True)
class DiscreteVector:
    """``size`` components, each in a finite set or an integer range (``\\{0, 1\\}^{m}``)."""

    values: FiniteSet | IntRange
    size: Node


@dataclass(frozen=True)
class Map:
    """A function declared by its domain and codomain: ``f \\colon \\{0, 1\\} \\to \\mathbb{R}``.

    ``domain`` holds one set per argument; finite sets make a table of values, intervals (or
    ℕ) a polynomial of total degree ``MAP_DEGREE`` in the arguments, with free coefficients.
    """

    domain: tuple[Domain, ...]
    codomain: Interval | Vector | Matrix

    @property
    def tabled(self) -> bool:
        return all(isinstance(d, FiniteSet | IntRange) for d in self.domain)

    def monomials(self) -> list[tuple[int, ...]]:
        """The exponents of the polynomial a map from intervals stands for, in a fixed order.

        >>> Map((Interval(0, 1), Interval(0, 1)), Interval(0, 1)).monomials()[:4]
        [(0, 0), (0, 1), (0, 2), (0, 3)]
        """
        every = itertools.product(range(MAP_DEGREE + 1), repeat=len(self.domain))
        return [e for e in every if sum(e) <= MAP_DEGREE]


MAP_DEGREE = 4


@dataclass(frozen=True)
class Simplex:
    """Probability vectors of ``size`` positive components summing to one."""

    size: Node


@dataclass(frozen=True)
class Counts:
    """Non-negative integer vectors of ``size`` components summing to ``total``."""

    size: Node
    total: Node


Domain = Interval | FiniteSet | IntRange | Vector | Matrix | Simplex | Counts | DiscreteVector | Map
DISCRETE = (FiniteSet, IntRange)
ENUMERATED = (FiniteSet, IntRange, DiscreteVector)  # every value is visited
VECTORS = (Vector, Simplex, Counts)


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
            Declaration(name, domain, entry, f"{written} {parser.relation} {shown}")
            for name, written in names
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
        if self.at("\\colon") or self.at(":"):
            self.take()
            self.relation, self.domain_start = "\\colon", self.tok.pos
            domain = self.map()
        else:
            self.expect(
                "\\in", hint="declare a symbol as name \\in domain, a map as f \\colon A \\to B"
            )
            self.relation, self.domain_start = "\\in", self.tok.pos
            domain = self.domain()
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}' after the domain")
        return names, domain

    def name(self) -> tuple[str, str]:
        """A declared name, and its LaTeX as written."""
        start = self.tok.pos
        name = self._name()
        return name, self.latex[start : self.tok.pos].strip()

    def _name(self) -> str:
        if self.peek().text == "^" and _symbol_name(self.tok) is not None:
            superscript = self._declared_superscript()
            if superscript is not None:
                return superscript
        node = self.symbol_or_call(allow_call=False)
        if not isinstance(node, Sym):
            raise self.error("declare a symbol by its name")
        if node.indices:
            composite = _composite(node)
            if composite is None:
                raise self.error(
                    "declare the symbol without an index (\\pi, not \\pi_k)",
                    hint="a subscripted name of its own reads G_t or \\theta_{\\mu}",
                )
            return composite
        return node.name

    def _declared_superscript(self) -> str | None:
        """``Q^{\\pi}`` declares the name ``Q^pi`` (a star, ``b^{*}``, stays a decoration)."""
        start = self.i
        base = _symbol_name(self.take())
        self.take()  # ^
        braced = self.at("{")
        if braced:
            self.take()
        letter = _symbol_name(self.tok)
        if letter is None or (braced and self.peek().text != "}"):
            self.i = start
            return None
        self.take()
        if braced:
            self.take()
        return f"{base}^{letter}"

    def map(self) -> Map:
        """``A \\to B`` or ``A \\times B \\to C``: finite sets (a table) or an interval."""
        parts = [self.domain()]
        while self.at("\\times"):
            self.take()
            parts.append(self.domain())
        self.expect("\\to", hint="a map reads f \\colon \\{0, 1\\} \\to \\mathbb{R}")
        codomain = self.domain()
        if not isinstance(codomain, Interval | Vector | Matrix) or (
            isinstance(codomain, Interval) and codomain.integer
        ):
            raise self.error(
                "a map's values are real: \\mathbb{R}, an interval, or \\mathbb{R}^{d}"
            )
        for part in parts:
            if not isinstance(part, FiniteSet | IntRange | Interval):
                raise self.error(
                    "a map's arguments range over finite sets (a table) or an interval",
                    hint="f \\colon \\{1, \\dots, K\\} \\to \\mathbb{R}",
                )
        finite = [isinstance(p, FiniteSet | IntRange) for p in parts]
        if any(finite) and not all(finite):
            raise self.error(
                "a map's arguments are all finite sets (a table) or all intervals (a polynomial)"
            )
        if not all(isinstance(p, FiniteSet | IntRange) for p in parts) and not isinstance(
            codomain, Interval
        ):
            raise self.error("a map from an interval is read with real values only")
        return Map(tuple(parts), codomain)

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
            found = self.braced_set()
            if self.at("^") and isinstance(found, FiniteSet | IntRange):
                self.take()
                return DiscreteVector(found, self.script())
            return found
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
        """``^{K}`` (a vector), ``^{m \\times n}`` (a matrix), or nothing (a scalar)."""
        if not self.at("^"):
            return element
        self.take()
        if not self.at("{"):
            return Vector(element, self.script())
        self.take()
        self._shape = True
        size = self.expr()
        if self.at("\\times"):
            self.take()
            cols = self.expr()
            self.expect("}")
            self._shape = False
            return Matrix(element, size, cols)
        self._shape = False
        self.expect("}")
        return Vector(element, size)

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
