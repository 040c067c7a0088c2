r"""Which density an expectation, a variance or a covariance averages over, written as the field
writes it.

=====================================  ========================================================
``\mathbb{E}[\dots]``                  the page's latest density, over its random variable
``\mathbb{E}_{y}``                     the latest density whose first argument is y (``Y``: y)
``\mathbb{E}_{y \sim g}``              g, with y as its random variable, at g's own parameters
``\mathbb{E}_{x \sim p(\cdot; \theta)}``  p at the parameters written (θ may be an expression)
``\mathbb{E}_{p(x; \theta)}``          p at the parameters written, over x
``\mathbb{E}_{\pi}``                   the function π, over its first argument
``\mathbb{E}_{\theta}``                the latest density with the parameter θ (statistics texts)
=====================================  ========================================================

Inside the brackets the random variable is bound to each value of its support; its capital
(``X`` for x) names it too, as statistics texts write ``\mathbb{E}_{\theta}[W(X)]``, unless the
page declares or defines that capital for something else (a size K stays the size), and so do
the time-indexed capitals the page declares (``A_t`` for a, as Sutton & Barto write). A
time-indexed variable is drawn at the time-indexed values of the density's other arguments:
``\mathbb{E}_{a_t \sim \pi_{\theta}}`` averages over π(a_t | s_t) when s_t is declared.

>>> from mathcheck.domains import parse_declarations
>>> from mathcheck.latex import Expect, Sym, Num
>>> from mathcheck.reading import read_definition
>>> from mathcheck.records import Formula
>>> scope = Scope()
>>> scope.declare(parse_declarations(r"y \in \{0, 1\}; p \in (0, 1)"), "doc")
>>> scope.define(read_definition(Formula("definition", "eq", "g(y; p) = p", "d", 1, 2), scope))
>>> found = resolve(Expect(None, Num("1")), scope)
>>> found.var, found.definition.name, found.support
('y', 'g', 'y')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import latex as ast
from .domains import ENUMERATED, Counts
from .errors import ScopeError
from .scope import Definition, Scope


@dataclass(frozen=True)
class Distribution:
    """The density to average over and how it is called.

    ``var``: the name the body uses for the random variable; ``position``: which argument of
    the definition it fills; ``args``: parameters given explicitly (parameter name → node in
    the caller's scope), the others are the definition's own; ``support``: the declared name
    whose domain is the support.
    """

    var: str
    definition: Definition
    position: int = 0
    args: dict[str, ast.Node] = field(default_factory=dict)
    support: str = ""
    names: tuple[str, ...] = ()  # bound inside the brackets: the variable (and its capital)


def resolve(node: ast.Expect, scope: Scope) -> Distribution:
    """The distribution ``node`` averages over (see the module's table)."""
    dist = node.dist
    if dist is None:
        definition = scope.latest_density()
        if definition is None:
            raise _missing(node, "no density is defined on this page yet")
        return _over(definition, definition.params[0], 0, {}, scope, node)
    if isinstance(dist, ast.Call):
        return _called(node, dist, scope)
    if isinstance(dist, ast.Sym) and not dist.indices:
        return _named(node, dist.name, scope)
    raise _missing(node, "cannot read the distribution below the expectation")


def _called(node: ast.Expect, call: ast.Call, scope: Scope) -> Distribution:
    definition = scope.definitions.get(call.name)
    if definition is None or not definition.is_function:
        raise _missing(node, f"{call.name} is not a density defined on this page")
    params = definition.params
    leading = len(params) - definition.subs
    if node.var is not None and call.args and len(call.args) == leading - 1:
        # x ~ 𝒩(μ, σ²): after '~' the arguments written are the parameters, not the variable
        call = ast.Call(call.name, (ast.Blank(), *call.args), call.pos, call.subs)
    written = bind_arguments(call, definition)
    blanks = [p for p, a in written.items() if isinstance(a, ast.Blank)]
    position = params.index(blanks[0]) if blanks else 0
    var = node.var
    if var is None:
        first = written.get(params[position])
        if first is None:
            var = params[position]
        elif isinstance(first, ast.Sym) and not first.indices:
            var = first.name
        else:
            raise _missing(node, "the random variable below the expectation must be a symbol")
    args = {p: a for p, a in written.items() if p != params[position]}
    return _over(definition, var, position, args, scope, node)


def _named(node: ast.Expect, name: str, scope: Scope) -> Distribution:
    if name in scope.definitions and scope.definitions[name].is_function:
        definition = scope.definitions[name]
        return _over(definition, node.var or definition.params[0], 0, {}, scope, node)
    if node.var is not None:
        raise _missing(node, f"{name} is not a density defined on this page")
    for candidate in (name, name.lower()):
        definition = scope.distribution_of(candidate)
        if definition is not None:
            return _over(definition, candidate, 0, {}, scope, node)
    definition = scope.density_with_parameter(name)
    if definition is not None:  # E_θ: under the density with parameter θ
        return _over(definition, definition.params[0], 0, {}, scope, node)
    raise _missing(node, f"no distribution of {name} is defined on this page")


def _over(
    definition: Definition,
    var: str,
    position: int,
    args: dict[str, ast.Node],
    scope: Scope,
    node: ast.Expect,
) -> Distribution:
    support = var if var in scope.declarations else definition.params[position]
    if support not in scope.declarations:
        raise _missing(node, f"the support of {var} is not declared", declare=var)
    names = (var,)
    capital = var.upper()
    taken = scope.symbols | scope.functions
    if len(var) == 1 and var.islower() and capital not in taken:
        # X for x, and the declared A_t for a, as S&B write the action at time t
        names = (var, capital, *(n for n in scope.declarations if n.startswith(capital + "_")))
    args = {**_at_time(definition, position, names, scope), **args}
    return Distribution(var, definition, position, args, support, names)


def _at_time(
    definition: Definition, position: int, names: tuple[str, ...], scope: Scope
) -> dict[str, ast.Node]:
    """A time-indexed random variable (a_t, or A_t for a) is drawn at the time-indexed values
    of the density's other arguments (s_t, S_t) where the page declares them: A_t ~ π(·|S_t)."""
    variable = definition.params[position]
    times = set()
    for name in names:
        stem, _, suffix = name.partition("_")
        if suffix and stem.lower() == variable.lower():
            times.add((stem.isupper(), suffix))
    if len(times) != 1:
        return {}
    ((upper, suffix),) = times
    found: dict[str, ast.Node] = {}
    for param in definition.params:
        timed = f"{param.upper() if upper else param}_{suffix}"
        if param != variable and timed in scope.declarations:
            found[param] = ast.Sym(timed)
    return found


def gradient_variables(node: ast.Gradient, scope: Scope) -> tuple[ast.Node, ...]:
    """What a ∇ differentiates by: its subscript; bare, the parameters of the density its
    operand calls, as written there (∇ ln π(a | s, θ_μ) is by θ_μ), else the parameters of
    the page's latest density."""
    if node.wrt is not None:
        return node.wrt
    for sub in ast.walk(node.expr):
        if not isinstance(sub, ast.Call):
            continue
        definition = scope.definitions.get(sub.name)
        if definition is None or not definition.is_function:
            continue
        names = definition.parameters(scope)
        if names:
            written = bind_arguments(sub, definition)
            return tuple(_as_variable(written.get(name), name) for name in names)
    density = scope.latest_density()
    names = density.parameters(scope) if density is not None else ()
    if not names:
        raise ScopeError(
            "a bare ∇ differentiates by the parameters of the page's latest density; there are "
            "none",
            column=node.pos if node.pos >= 0 else None,
            hint="write \\nabla_{\\theta} with the parameter",
        )
    return tuple(ast.Sym(name) for name in names)


def _as_variable(written: ast.Node | None, name: str) -> ast.Node:
    if isinstance(written, ast.Sym) and not written.indices:
        return written
    return ast.Sym(name)


_COUNTED = (*ENUMERATED, Counts)


def index_declaration(var: str, body: ast.Node, scope: Scope):
    """The declaration a sum without bounds runs over: the index's own when it is declared
    discrete, else that of the parameter it is passed as (``\\sum_b e^{h(s, b, \\theta)}`` runs
    over h's a ∈ {1, …, K} even where the page uses b for something else)."""
    decl = scope.declarations.get(var)
    if decl is not None and isinstance(decl.domain, _COUNTED):
        return decl
    for sub in ast.walk(body):
        definition = scope.definitions.get(sub.name) if isinstance(sub, ast.Call) else None
        if definition is None or not definition.is_function:
            continue
        for param, arg in bind_arguments(sub, definition).items():
            passed = scope.declarations.get(param)
            if arg == ast.Sym(var) and isinstance(getattr(passed, "domain", None), _COUNTED):
                return passed
    return decl


def bind_arguments(call: ast.Call, definition: Definition) -> dict[str, ast.Node]:
    """Parameter name → the argument written for it; parameters left out are the definition's
    own (``\\ln g`` is g at its own arguments, ``\\pi(a \\mid s)`` is π(a | s, θ))."""
    params = definition.params
    leading = params[: len(params) - definition.subs]
    if len(call.args) > len(leading) or (call.subs and len(call.subs) != definition.subs):
        wanted = f"{len(leading)} argument(s)"
        if definition.subs:
            wanted += f" and {definition.subs} subscript(s)"
        raise ScopeError(
            f"{call.name} takes {wanted}; got {len(call.args)}"
            + (f" and {len(call.subs)} subscript(s)" if call.subs else ""),
            column=call.pos if call.pos >= 0 else None,
        )
    written = dict(zip(leading, call.args, strict=False))
    if call.subs:
        written.update(zip(params[len(leading) :], call.subs, strict=True))
    return written


def _missing(node: ast.Expect, message: str, declare: str | None = None) -> ScopeError:
    hint = (
        f"declare {declare} in :symbols:"
        if declare
        else "define a density first, e.g. g(y; p) = …, or name it: \\mathbb{E}_{y \\sim g}"
    )
    return ScopeError(message, column=node.pos if node.pos >= 0 else None, hint=hint)
