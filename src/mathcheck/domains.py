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

>>> decls = parse_declarations(r"y \in \{0, 1\}; p \in (0, 1)")
>>> [(d.name, type(d.domain).__name__) for d in decls]
[('y', 'FiniteSet'), ('p', 'Interval')]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .errors import ParseError
from .latex import Node, Num, Parser, Sym, _composite, _symbol_name


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
    name: str
    domain: Domain
    source: str


def parse_declarations(text: str) -> list[Declaration]:
    r"""Read a ``:symbols:`` option into declarations, one per name.

    >>> [d.name for d in parse_declarations(r"j, k \in \{1, \dots, K\}")]
    ['j', 'k']
    >>> parse_declarations(r"p \in (0 1)")
    Traceback (most recent call last):
    ...
    mathcheck.errors.ParseError: expected ',' but found '1' in "p \in (0 1)" ...
    """
    declarations: list[Declaration] = []
    for entry in _split_entries(text):
        parser = _DomainParser(entry)
        try:
            names, domain = parser.declaration()
        except ParseError as exc:
            raise ParseError(
                f'{exc.message} in "{entry}"', column=exc.column, hint=exc.hint
            ) from None
        declarations.extend(Declaration(name, domain, entry) for name in names)
    return declarations


def _split_entries(text: str) -> list[str]:
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

    def declaration(self) -> tuple[list[str], Domain]:
        names = [self.name()]
        while self.at(","):
            self.take()
            names.append(self.name())
        if self.at("\\colon") or self.at(":"):
            self.take()
            domain = self.map()
        else:
            self.expect(
                "\\in", hint="declare a symbol as name \\in domain, a map as f \\colon A \\to B"
            )
            domain = self.domain()
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}' after the domain")
        return names, domain

    def name(self) -> str:
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
            hint="domains: \\{0, 1\\}, \\{1, \\dots, K\\}, (0, 1), \\mathbb{R}^{K}, "
            "(0, \\infty)^{K}, \\Delta^{K-1}",
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
            raise self.error(f"empty interval: {lo} ≥ {hi}")
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
                return IntRange(values[0], last)
            values.append(self.expr())
        self.expect("\\}")
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


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:g}"
