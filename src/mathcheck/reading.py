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
    statements = [s for s in split_statements(formula.latex) if not _index_range(s.text, scope)]
    for number, statement in enumerate(statements, start=1):
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
                hint=UNCHECKED_HINTS.get(unchecked[0], "state the relation with '='"),
            )
        chains.append(Chain(sides, parser.side_starts, parser.relations, number))
    if not chains:
        raise FormulaError("an empty formula", hint="write lhs = rhs")
    return chains


_RANGE = re.compile(
    r"^\s*(?:\\text\{\s*(?:for(?: all| each| every)?|where)\s*\}\s*)?"
    r"(?:\\forall\s*)?(?P<names>[A-Za-z](?:\s*,\s*[A-Za-z])*)\s*"
    r"(?:=\s*[^=<>]*\\[lc]?dots[^=<>]*|\\in\s*\\\{.*\\\})\s*$",
    re.DOTALL,
)


def _index_range(text: str, scope: Scope) -> bool:
    """A part such as ``k = 1, \\dots, K`` or ``\\text{for } j \\in \\{1, \\dots, K\\}`` after a
    claim says which indices it is for: the declarations say that already, and checking every
    declared value is at least as strict, so the part is skipped rather than read as a claim."""
    found = _RANGE.match(text.replace("&", " "))
    if found is None:
        return False
    names = [n.strip() for n in found.group("names").split(",")]
    return all(n in scope.declarations for n in names)


CHECKED = {"=", "≤", "≥", "<", ">", "≠", "∝"}  # the relations the checks decide
UNCHECKED_HINTS = {
    "≈": "≈ states an approximation whose accuracy the formula does not give: state the exact "
    "relation (=, ≤, ≥), or exempt the formula with math-exempt and a :reason:",
}


_BREAK = re.compile(
    r"\\(?:left|right|[bB]igg?[lr]?)\s*(?:\\[{}|]|\\[lr]vert|\\[lr]angle|[.()\[\]|])"
    r"|\\\\|\\q?quad\b|\\(?:begin|end)\{[^}]*\}|\\[{}]|[{}()\[\]]"
)
_TRANSPARENT = {"aligned", "split", "gathered", "align", "align*", "equation", "equation*"}
_LEADING = re.compile(r"^(?:\s|&|\\[,;:! ]|\\q?quad\b)*")
_CONTINUES = (*ast.RELATIONS, "+", "-", "\\cdot", "\\times")
# \mathrm is left out: it names operators (\mathrm{var}[x], \mathrm{Bern}(x|\mu))
_PROSE = re.compile(r"^(?:\s|&|\\[,;:! ]|\\q?quad\b)*\\(?:text|textrm|mbox)\b")


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
    """The definition a display states (its first statement; see :func:`read_definitions`).

    >>> d = read_definition(Formula("definition", "eq-g", "g(y; p) = p", "doc.md", 1, 2), Scope())
    >>> d.params, d.density, d.outcome
    (('y', 'p'), True, 'y')
    """
    return read_definitions(formula, scope)[0]


def read_definitions(formula: Formula, scope: Scope) -> list[Definition]:
    """``g(y; p) = body`` (a function), ``\\pi_k = body`` (an abbreviation) or
    ``\\ln g(y; p) = body`` (g through its logarithm), followed by the helper quantities the
    same display names (``…, \\quad p_i = \\sigma(s_i), \\quad s_i = \\sum_j w_{ij} x_j``):
    the first is the definition the display is about, the others are defined with it."""
    statements = split_statements(formula.latex)
    heads = [_head(statement, scope) for statement in statements]
    functions = scope.functions | {h.name for h in heads if h.params}
    symbols = scope.symbols | {h.name for h in heads if not h.params}
    out = []
    for head in heads:
        body_parser = ast.Parser(
            " " * head.offset + head.body_text,
            functions=functions - {head.name},
            symbols=symbols | set(head.params) | set(head.indices),
        )
        sides = body_parser.equation()
        continued = None
        if len(sides) > 1:  # I(p) = E[…] = 1/(p(1 − p)): the body, then checked relations
            unchecked = set(body_parser.relations) - CHECKED
            if unchecked:
                raise FormulaError(
                    f"the relation {sorted(unchecked)[0]} is not checked",
                    hint=UNCHECKED_HINTS.get(sorted(unchecked)[0], "use '='"),
                )
            continued = (
                tuple(sides),
                tuple(body_parser.side_starts),
                tuple(body_parser.relations),
            )
        body = ast.Func("exp", sides[0]) if head.log else sides[0]
        out.append(
            Definition(
                name=head.name,
                params=head.params,
                indices=head.indices,
                body=body,
                latex=formula.latex,
                label=formula.label,
                torch=(formula.torch or None) if not out else None,
                package=(formula.package or None) if not out else None,
                # g(y; p), π(a | s): a density; so is a function bound to a torch log_prob,
                # however its arguments are separated (Williams writes g(y, m, σ))
                density=head.given is not None
                or bool(head.params and not out and "log_prob" in formula.torch),
                given=head.given,
                bar=head.bar,
                subs=head.subs,
                powers=head.powers,
                continued=continued,
            )
        )
    return out


@dataclass(frozen=True)
class _Head:
    name: str
    params: tuple[str, ...]
    indices: tuple[str, ...]
    given: int | None
    bar: bool
    subs: int
    powers: tuple[tuple[str, int], ...]
    log: bool
    body_text: str
    offset: int


def _head(statement: Statement, scope: Scope) -> _Head:
    """The defined name and its arguments, from the text before the defining '='."""
    head, body_text = ast.split_top_level(statement.text)
    parser = ast.Parser(head, functions=set(), symbols=scope.symbols)
    log = parser.tok.text in ("\\ln", "\\log")
    if log:
        parser.take()
    name_node = parser.symbol_or_call(allow_call=False)
    indices = tuple(_index_name(i) for i in name_node.indices)
    params: tuple[str, ...] = ()
    powers: list[tuple[str, int]] = []
    given, bar = None, False
    semicolons = 0
    if parser.at("("):
        parser.take()
        params = (_param_name(parser, powers),)
        while parser.at(",") or parser.at(";") or parser.at("\\mid") or parser.at("|"):
            separator = parser.take().text
            if separator == ";":  # π(a | s; θ): the parameters are after the ';'
                if semicolons:
                    raise parser.error("a density has one semicolon, before its parameters")
                if not bar and len(params) > 1:
                    raise FormulaError(
                        f"a density has one outcome before the semicolon; {name_node.name} has "
                        f"{len(params)}",
                        hint="make the outcome one vector symbol, as in g(x; \\pi) with "
                        "x \\in \\{x \\in \\mathbb{N}^{K} : \\sum_{i=1}^{K} x_i = n\\} or "
                        "z \\in \\{0, 1\\}^{M}",
                    )
                semicolons += 1
                given, bar = len(params), False
            elif separator != "," and given is None:
                given, bar = len(params), True
            params += (_param_name(parser, powers),)
        parser.expect(")")
    subs = 0
    if params and indices:  # π_θ(a | s): the subscripts are parameters, after the arguments
        params, subs, indices = params + indices, len(indices), ()
    if parser.tok.kind != "end":
        raise FormulaError(
            f"cannot read the defined name '{head.strip()}'",
            column=statement.start,
            hint="a definition reads g(y; p) = ..., \\pi_k = ... or \\ln g(y; p) = ...",
        )
    if log and not params:
        raise FormulaError(
            "a definition through a logarithm defines a function",
            hint="write \\ln g(y; p) = ...",
        )
    found = (given, bar, subs, tuple(powers), log)
    return _Head(name_node.name, params, indices, *found, body_text, len(head) + 1)


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


def _param_name(parser: ast.Parser, powers: list[tuple[str, int]]) -> str:
    """An argument of a defined function: a symbol, or a power of one (σ² in 𝒩(x | μ, σ²),
    recorded in ``powers``)."""
    node = parser.symbol_or_call(allow_call=False)
    if not isinstance(node, ast.Sym) or node.indices:
        raise parser.error("a definition's arguments are plain symbols, as in g(y; p)")
    if parser.at("^"):
        parser.take()
        power = parser.script()
        if not (isinstance(power, ast.Num) and power.value.isdigit() and int(power.value) > 1):
            raise parser.error("an argument written as a power reads \\sigma^{2}")
        powers.append((node.name, int(power.value)))
    return node.name


_OPEN = {"{", "(", "[", "\\{", "\\langle", "\\lvert", "\\lVert"}
_CLOSE = {"}", ")", "]", "\\}", "\\rangle", "\\rvert", "\\rVert"}


def states_relation(latex: str) -> bool:
    r"""Whether an inline formula states a relation (``=``, ``\neq``, ``<``, ``\le``, ``\ge``,
    ``>``, ``\propto``, ``\approx`` …) at its top level: a relation inside a subscript or a
    bracket (``\sum_{i=1}^{K}``, ``\mathbb{E}[r \mid k \neq j]``) is part of a name or a
    condition, not a statement.

    >>> states_relation(r"e_j = \frac{y - p}{p (1 - p)}"), states_relation(r"\sum_{i=1}^{K} x_i")
    (True, False)
    >>> states_relation(r"\mathbb{E}[r_k \mid k \neq j]"), states_relation(r"\alpha_j > 0")
    (False, True)
    """
    try:
        tokens = ast.tokenize(latex)
    except FormulaError:
        return bool(re.search(r"=|<|>|\\(?:neq?|leq?|geq?|propto|approx)\b", latex))
    depth = 0
    for token in tokens:
        text = token.text
        if text in _OPEN or text.startswith("\\begin{"):
            depth += 1
        elif text in _CLOSE or text.startswith("\\end{"):
            depth = max(depth - 1, 0)
        elif depth == 0 and text in ast.RELATIONS:
            return True
    return False
