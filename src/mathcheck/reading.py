r"""Read a formula's LaTeX into what the checks examine: a definition, or chains of sides.

A display may state several relations: each row of an ``aligned`` block (rows end at ``\\``)
and each part separated by ``\quad`` is a statement of its own, unless it continues the one
before (it starts with a relation or an operator, as in ``&= …`` or ``&\quad + …``, or the
row before was left open in a bracket or after an operator). Each statement is read and
checked on its own, so a row can never multiply into the next.

>>> from mathcheck.records import Formula
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> [chain] = read_chains(Formula("claim", "eq-x", "a = b = c", "doc.md", 1, 2), scope)
>>> len(chain.sides), chain.starts, chain.relations
(3, [0, 4, 8], ['=', '='])
>>> [s.text.strip() for s in split_statements(r"a &= 0 \\ b &= 1 \quad c = 2")]
['a &= 0', 'b &= 1', 'c = 2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import latex as ast
from .errors import FormulaError
from .records import Formula
from .scope import Definition, Scope
from .translate import pretty


@dataclass(frozen=True)
class Chain:
    """``a = b = c``: the sides in order, the relations between them, where each side starts
    in the formula's LaTeX, and which statement of the display it is (1, 2, …)."""

    sides: list[ast.Node]
    starts: list[int]
    relations: list[str]
    number: int = 1


@dataclass(frozen=True)
class Statement:
    """One statement of a display: the LaTeX with every other statement blanked to spaces, so
    that columns and lines still point into the author's text."""

    text: str
    start: int  # offset of its first character in the formula's LaTeX


def read_chains(formula: Formula, scope: Scope) -> list[Chain]:
    """Every statement of a claim or derivation, each a chain of at least two sides."""
    chains = []
    for number, statement in enumerate(split_statements(formula.latex), start=1):
        prose = _PROSE.match(statement.text[statement.start :])
        if prose:
            raise FormulaError(
                "a row of prose (a condition or a comment) is not read",
                column=statement.start + prose.group().rfind("\\"),
                hint="state a condition as the formula's domain with :where: (e.g. :where: y "
                "\\in \\{1\\}) and move comments to the text around the formula",
            )
        parser = ast.Parser(statement.text, functions=scope.functions, symbols=scope.symbols)
        sides = parser.equation()
        if len(sides) < 2:
            where = f"statement {number} " if number > 1 else ""
            raise FormulaError(
                f"nothing to check: {where}states no relation",
                column=statement.start,
                hint="write lhs = rhs (one relation per row, or a row that continues the one "
                "before with &= …), or use math-exempt with a reason",
            )
        unchecked = sorted(set(parser.relations) - CHECKED)
        if unchecked:
            raise FormulaError(
                f"the relation {unchecked[0]} is not checked",
                column=parser.side_starts[parser.relations.index(unchecked[0]) + 1],
                hint="state the relation with '='",
            )
        chains.append(Chain(sides, parser.side_starts, parser.relations, number))
    if not chains:
        raise FormulaError("an empty formula", hint="write lhs = rhs")
    return chains


CHECKED = {"="}  # the relations the checks decide


_BREAK = re.compile(
    r"\\(?:left|right|[bB]igg?[lr]?)\s*(?:\\[{}|]|\\[lr]vert|\\[lr]angle|[.()\[\]|])"
    r"|\\\\|\\q?quad\b|\\(?:begin|end)\{[^}]*\}|\\[{}]|[{}()\[\]]"
)
_TRANSPARENT = {"aligned", "split", "gathered", "align", "align*", "equation", "equation*"}
_LEADING = re.compile(r"^(?:\s|&|\\[,;:! ]|\\q?quad\b)*")
_CONTINUES = (*ast.RELATIONS, "+", "-", "\\cdot", "\\times")
_PROSE = re.compile(r"^(?:\s|&|\\[,;:! ]|\\q?quad\b)*\\(?:text|textrm|mbox|mathrm)\b")


def split_statements(latex: str) -> list[Statement]:
    r"""The statements of a display, in order (see the module's docstring).

    Rows nested in a bracket or an environment such as ``cases`` belong to the statement around
    them; ``\left\{ … \right.`` is a bracket like any other.

    >>> [s.text.strip() for s in split_statements(
    ...     r"f = \begin{cases} 1 \\ 0 \end{cases} \\ g = \left\{ a \\ b \right. \quad h = 1")]
    ['f = \\begin{cases} 1 \\\\ 0 \\end{cases}', 'g = \\left\\{ a \\\\ b \\right.', 'h = 1']
    """
    pieces: list[tuple[int, int]] = []  # (start, end) of rows and \quad-parts at depth 0
    depth, start = 0, 0
    for match in _BREAK.finditer(latex):
        token = match.group()
        if token.startswith(("\\left", "\\bigl", "\\Bigl", "\\biggl", "\\Biggl")):
            depth += 1
        elif token.startswith(("\\right", "\\bigr", "\\Bigr", "\\biggr", "\\Biggr")):
            depth = max(depth - 1, 0)
        elif token.startswith(("\\big", "\\Big")):
            continue  # a sized delimiter that neither opens nor closes (\big|)
        elif token in ("{", "(", "[", "\\{") or token.startswith("\\begin{"):
            depth += not _transparent(token)
        elif token in ("}", ")", "]", "\\}") or token.startswith("\\end{"):
            depth = max(depth - (not _transparent(token)), 0)
        elif depth == 0 and (token == "\\\\" or token.startswith("\\q")):
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, len(latex)))
    pieces = [(lo, _trimmed(latex, lo, hi)) for lo, hi in pieces]
    groups: list[list[tuple[int, int]]] = []
    for piece in pieces:
        text = latex[piece[0] : piece[1]]
        if not text.strip(" \t\n&"):
            continue
        if groups and (_continues(text) or _open(latex, groups[-1][-1])):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [_blank_outside(latex, group) for group in groups]


def _trimmed(latex: str, lo: int, hi: int) -> int:
    """Where a statement ends before the punctuation of the sentence it sits in (``= 0,``)."""
    text = latex[lo:hi]
    while True:
        text = text.rstrip()
        if text.endswith(("\\,", "\\;", "\\!", "\\:")):
            text = text[:-2]
        elif text.endswith((",", ".", ";")) and not text.endswith(("\\right.", "\\left.")):
            text = text[:-1]
        else:
            return lo + len(text)


def _transparent(token: str) -> bool:
    """``\\begin{aligned}`` and friends only arrange rows; ``cases`` and matrices nest."""
    return token.startswith("\\") and token[token.find("{") + 1 : -1] in _TRANSPARENT


def _continues(text: str) -> bool:
    rest = text[_LEADING.match(text).end() :]
    return rest.startswith(_CONTINUES)


def _open(latex: str, piece: tuple[int, int]) -> bool:
    """The piece ends after an operator or relation: the next row continues it."""
    text = latex[piece[0] : piece[1]].rstrip(" \t\n&")
    return text.endswith(("+", "-", "=", "\\cdot", "\\times"))


def _blank_outside(latex: str, group: list[tuple[int, int]]) -> Statement:
    keep = [False] * len(latex)
    for lo, hi in group:
        keep[lo:hi] = [True] * (hi - lo)
    text = "".join(c if k or c == "\n" else " " for c, k in zip(latex, keep, strict=True))
    return Statement(text, group[0][0])


def read_definition(formula: Formula, scope: Scope) -> Definition:
    """``g(y; p) = body`` (a density), ``A(\\theta) = body`` (a function) or ``\\pi_k = body``.

    >>> d = read_definition(Formula("definition", "eq-g", "g(y; p) = p", "doc.md", 1, 2), Scope())
    >>> d.params, d.density, d.outcome
    (('y', 'p'), True, 'y')
    """
    head, body_text = ast.split_top_level(formula.latex)
    parser = ast.Parser(head, functions=set())
    name_node = parser.symbol_or_call(allow_call=False)
    indices = tuple(_index_name(i) for i in name_node.indices)
    params: tuple[str, ...] = ()
    outcomes = 0  # arguments before the semicolon, when there is one
    if parser.at("("):
        parser.take()
        params = (_param_name(parser),)
        while parser.at(",") or parser.at(";"):
            if parser.take().text == ";":
                if outcomes:
                    raise parser.error("a density has one semicolon, after its outcome")
                outcomes = len(params)
            params += (_param_name(parser),)
        parser.expect(")")
    if parser.tok.kind != "end":
        raise FormulaError(
            f"cannot read the defined name '{head.strip()}'",
            hint="a definition reads g(y; p) = ... or \\pi_k = ...",
        )
    if outcomes > 1:
        raise FormulaError(
            f"a density has one outcome before the semicolon; {name_node.name} has {outcomes}",
            hint="make the outcome one vector symbol, as in g(x; \\pi) with x \\in \\{x \\in "
            "\\mathbb{N}^{K} : \\sum_{i=1}^{K} x_i = n\\} or z \\in \\{0, 1\\}^{M}",
        )
    offset = len(head) + 1  # keep columns pointing into the author's text
    body_parser = ast.Parser(
        " " * offset + body_text,
        functions=scope.functions - {name_node.name},
        symbols=scope.symbols | set(params) | set(indices),
    )
    sides = body_parser.equation()
    if len(sides) != 1:  # the head's '=' was split off already
        raise FormulaError(
            "a definition has exactly one '='", hint="state further facts in math-claim"
        )
    return Definition(
        name=name_node.name,
        params=params,
        indices=indices,
        body=sides[0],
        latex=formula.latex,
        label=formula.label,
        torch=formula.torch or None,
        density=outcomes == 1,
        package=formula.package or None,
    )


def defined_outcome(latex: str) -> str | None:
    """The outcome of a density, read from its head alone (None: not a readable density).

    >>> defined_outcome(r"g(k; \\theta) = 1"), defined_outcome(r"A(\\theta) = 1")
    ('k', None)
    """
    head = latex.split("=", 1)[0]
    match = re.match(r"\s*\\?[A-Za-z]+\s*\(\s*\\?([A-Za-z]+)\s*;", head)
    return match[1] if match else None


def expected(latex: str) -> set[str]:
    r"""The variables of the expectations a formula takes: ``\mathbb{E}_{y}[…]`` gives y."""
    return set(_EXPECTED.findall(latex))


def defined_name(latex: str) -> str | None:
    """The name a definition defines, read from its head alone (None when unreadable).

    >>> defined_name(r"g(y; p) = p^{y}"), defined_name(r"\\pi_k = 1"), defined_name("= 2")
    ('g', 'pi', None)
    """
    try:
        head, _ = ast.split_top_level(latex)
        node = ast.Parser(head, functions=set()).symbol_or_call(allow_call=False)
    except FormulaError:
        return None
    return node.name if isinstance(node, ast.Sym) else None


_EXPECTED = re.compile(r"\\mathbb\s*\{E\}\s*_\s*\{?\s*\\?([A-Za-z]+)")


def mentions(latex: str) -> set[str]:
    r"""Every name a formula's LaTeX mentions, whatever it means there (a symbol, a function,
    the variable of an expectation), read from its tokens alone: it works on formulas the
    parser refuses.

    >>> sorted(mentions(r"\mathbb{E}_{k}[ \frac{\partial \ln g(k; \theta)}{\partial \theta} ]"))
    ['E', 'g', 'k', 'theta']
    """
    names = expected(latex)
    try:
        tokens = ast.tokenize(latex)
    except FormulaError:
        return names
    for token in tokens:
        if token.kind == "letter":
            names.add(token.text)
        elif token.kind == "cmd" and token.text[1:] in ast.GREEK:
            names.add(token.text[1:])
    return names


def signature(definition: Definition) -> str:
    """How the ledger names what a definition defines: ``g(y, p)``, ``π_k``, ``V``."""
    if definition.params:
        return f"{definition.name}({', '.join(pretty(p) for p in definition.params)})"
    if definition.indices:
        return f"{pretty(definition.name)}_{''.join(definition.indices)}"
    return pretty(definition.name)


def _index_name(node: ast.Node) -> str:
    if isinstance(node, ast.Sym) and not node.indices:
        return node.name
    raise FormulaError("a defined name's subscript must be index letters, as in \\pi_{k}")


def _param_name(parser: ast.Parser) -> str:
    node = parser.symbol_or_call(allow_call=False)
    if not isinstance(node, ast.Sym) or node.indices:
        raise parser.error("a definition's arguments are plain symbols, as in g(y; p)")
    return node.name
