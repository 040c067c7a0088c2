r"""Read a formula's LaTeX into what the checks examine: a definition, or a chain of sides.

>>> from mathcheck.records import Formula
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> chain = read_chain(Formula("claim", "eq-x", "a = b = c", "doc.md", 1, 2), scope)
>>> len(chain.sides), chain.starts
(3, [0, 4, 8])
"""

from __future__ import annotations

from dataclasses import dataclass

from . import latex as ast
from .errors import FormulaError
from .records import Formula
from .scope import Definition, Scope
from .translate import pretty


@dataclass(frozen=True)
class Chain:
    """``a = b = c``: the sides in order, and where each starts in the LaTeX."""

    sides: list[ast.Node]
    starts: list[int]


def read_chain(formula: Formula, scope: Scope) -> Chain:
    """The sides of a claim or derivation (at least two)."""
    parser = ast.Parser(formula.latex, functions=scope.functions, symbols=scope.symbols)
    sides = parser.equation()
    if len(sides) < 2:
        raise FormulaError(
            "nothing to check: a claim needs '='",
            hint="write lhs = rhs, or use math-exempt with a reason",
        )
    return Chain(sides, parser.side_starts)


def read_definition(formula: Formula, scope: Scope) -> Definition:
    """``g(y; p) = body`` (a function) or ``\\pi_k = body`` (an abbreviation)."""
    head, body_text = ast.split_top_level(formula.latex)
    parser = ast.Parser(head, functions=set())
    name_node = parser.symbol_or_call(allow_call=False)
    indices = tuple(_index_name(i) for i in name_node.indices)
    params: tuple[str, ...] = ()
    if parser.at("("):
        parser.take()
        params = (_param_name(parser),)
        while parser.at(",") or parser.at(";"):
            parser.take()
            params += (_param_name(parser),)
        parser.expect(")")
    if parser.tok.kind != "end":
        raise FormulaError(
            f"cannot read the defined name '{head.strip()}'",
            hint="a definition reads g(y; p) = ... or \\pi_k = ...",
        )
    offset = len(head) + 1  # keep columns pointing into the author's text
    body_parser = ast.Parser(
        " " * offset + body_text,
        functions=scope.functions - {name_node.name},
        symbols=scope.symbols | set(params) | set(indices),
    )
    sides = body_parser.equation()
    if len(sides) != 1:
        raise FormulaError("a definition has exactly one '='")
    return Definition(
        name=name_node.name,
        params=params,
        indices=indices,
        body=sides[0],
        latex=formula.latex,
        label=formula.label,
        torch=formula.torch or None,
    )


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
