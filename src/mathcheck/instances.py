r"""Which discrete symbols a formula needs, every instance of them, and sample points.

>>> from mathcheck.domains import parse_declarations
>>> from mathcheck.latex import parse_equation
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> text = r"K \in \{2, 3\}; j \in \{1, \dots, K\}; \pi \in (0, \infty)^{K}"
>>> scope.declare(parse_declarations(text), "d")
>>> nodes = parse_equation(r"\pi_j", functions=set())
>>> [(a["K"], a["j"]) for a in instances(scope, needed_names(nodes, scope))]
[(2, 1), (2, 2), (3, 1), (3, 2), (3, 3)]
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator

import numpy as np
import sympy

from . import latex as ast
from .distributions import gradient_variables, index_declaration, resolve
from .domains import (
    ENUMERATED,
    Counts,
    Declaration,
    DiscreteVector,
    FiniteSet,
    Interval,
    IntRange,
    Map,
    Matrix,
    Simplex,
    Vector,
    readable,
)
from .errors import ScopeError
from .scope import Definition, Scope
from .translate import Translator, compositions, pretty

MAX_INSTANCES = 400


def _names(node: ast.Node, scope: Scope, bound: frozenset[str], seen: set[str]) -> set[str]:
    """Free symbol names of ``node``, following definitions it uses (transitively)."""
    out: set[str] = set()
    if isinstance(node, ast.Sym):
        if node.name not in bound:
            out.add(node.name)
            definition = scope.definitions.get(node.name)
            if definition is not None and node.name not in seen:
                seen.add(node.name)
                out |= _names(definition.body, scope, frozenset(definition.indices), seen)
            if definition is not None and definition.indices and not node.indices:
                for index in definition.indices:  # used whole: its components' ranges
                    if index in scope.declarations:
                        out |= _domain_names(scope.declarations[index], scope)
        for index in node.indices:
            out |= _names(index, scope, bound, seen)
        return out
    if isinstance(node, ast.Call):
        return out | _call_names(node, scope, bound, seen)
    if isinstance(node, ast.BigOp):
        for bound_node in (node.lo, node.hi):
            if bound_node is not None:
                out |= _names(bound_node, scope, bound, seen)
        decl = index_declaration(node.var, node.body, scope) if node.lo is None else None
        if decl is not None:
            out |= _domain_names(decl, scope)
        return out | _names(node.body, scope, bound | {node.var}, seen)
    if isinstance(node, ast.Integral | ast.Stack):
        for bound_node in (node.lo, node.hi):
            if bound_node is not None:
                out |= _names(bound_node, scope, bound, seen)
        if node.lo is None and node.var in scope.declarations:
            out |= _domain_names(scope.declarations[node.var], scope)
        return out | _names(node.body, scope, bound | {node.var}, seen)
    if isinstance(node, ast.Expect):
        return out | _expect_names(node, scope, bound, seen)
    if isinstance(node, ast.Derivative):
        for var, _ in node.wrt:
            out |= _names(var, scope, bound, seen)
        return out | _names(node.expr, scope, bound, seen)
    if isinstance(node, ast.Gradient):
        try:
            variables = gradient_variables(node, scope)
        except ScopeError:
            variables = ()  # the translator reports it, with the formula's column
        for var in variables:
            out |= _names(var, scope, bound, seen)
        return out | _names(node.expr, scope, bound, seen)
    for child in _children(node):
        out |= _names(child, scope, bound, seen)
    return out


def _children(node: ast.Node):
    """The nodes directly below ``node`` (through the tuples of cases and matrices)."""

    def inside(value):
        if isinstance(value, ast.Node):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                yield from inside(item)

    for value in vars(node).values():
        yield from inside(value)


def _call_names(node: ast.Call, scope: Scope, bound: frozenset[str], seen: set[str]) -> set[str]:
    """A call's names: its arguments', its body's, and the parameters it is called at."""
    out: set[str] = set()
    for arg in (*node.args, *node.subs):
        out |= _names(arg, scope, bound, seen)
    definition = scope.definitions.get(node.name)
    if definition is None:  # a declared map: its table is sampled
        if node.name in scope.declarations:
            out.add(node.name)
            out |= _domain_names(scope.declarations[node.name], scope)
        return out
    written = len(node.args)
    leading = len(definition.params) - definition.subs
    own = [
        p
        for n, p in enumerate(definition.params)
        if (n >= written and n < leading) or (n >= leading and not node.subs)
    ]
    out |= {p for p in own if p not in bound}
    key = f"call:{node.name}"
    if key not in seen:
        seen.add(key)
        out |= _names(definition.body, scope, frozenset(definition.params), seen)
    return out


def _expect_names(node: ast.Expect, scope: Scope, bound: frozenset[str], seen: set[str]):
    out: set[str] = set()
    try:
        dist = resolve(node, scope)
    except ScopeError:
        dist = None  # the translator reports it, with the formula's column
    inside = bound
    if dist is not None:
        definition = dist.definition
        for n, param in enumerate(definition.params):
            if n == dist.position:
                continue
            if param in dist.args:
                out |= _names(dist.args[param], scope, bound, seen)
            elif param not in bound:
                out.add(param)
        out |= _names(definition.body, scope, frozenset(definition.params), seen)
        out |= _domain_names(scope.declarations[dist.support], scope)
        inside = bound | set(dist.names)
    for part in (node.body, node.second):
        if part is not None:
            out |= _names(part, scope, inside, seen)
    return out


def _domain_nodes(decl: Declaration) -> list[ast.Node]:
    dom = decl.domain
    if isinstance(dom, FiniteSet):
        return list(dom.values)
    if isinstance(dom, IntRange):
        return [dom.lo, dom.hi]
    if isinstance(dom, Vector | Simplex):
        return [dom.size]
    if isinstance(dom, Matrix):
        return [dom.rows, dom.cols]
    if isinstance(dom, DiscreteVector):
        return [*_domain_nodes(Declaration(decl.name, dom.values, decl.source)), dom.size]
    if isinstance(dom, Map):
        parts = [Declaration(decl.name, d, decl.source) for d in (*dom.domain, dom.codomain)]
        return [node for part in parts for node in _domain_nodes(part)]
    if isinstance(dom, Counts):
        return [dom.size, dom.total]
    return []


def _domain_names(decl: Declaration, scope: Scope) -> set[str]:
    out: set[str] = set()
    for node in _domain_nodes(decl):
        out |= _names(node, scope, frozenset(), set())
    return out


def uses(definition: Definition, scope: Scope) -> set[str]:
    """Every declared name a definition's checks depend on: its arguments and its body's names."""
    bound = frozenset(definition.params) | frozenset(definition.indices)
    return set(definition.params) | _names(definition.body, scope, bound, set())


def used_definitions(nodes: Iterable[ast.Node], scope: Scope) -> set[str]:
    """The definitions ``nodes`` use, directly or through other definitions (by name)."""
    found: set[str] = set()
    frontier = list(nodes)
    while frontier:
        for sub in ast.walk(frontier.pop()):
            name = None
            if isinstance(sub, ast.Call | ast.Sym) and sub.name in scope.definitions:
                name = sub.name
            elif isinstance(sub, ast.Expect) and scope.distribution_of(sub.var) is not None:
                name = scope.distribution_of(sub.var).name
            if name is not None and name not in found:
                found.add(name)
                frontier.append(scope.definitions[name].body)
    return found


def needed_names(nodes: Iterable[ast.Node], scope: Scope) -> list[str]:
    """Declared names the formula depends on (with those their domains depend on), in order."""
    names: set[str] = set()
    for node in nodes:
        names |= _names(node, scope, frozenset(), set())
    frontier = set(names)
    while frontier:
        name = frontier.pop()
        if name in scope.declarations:
            new = _domain_names(scope.declarations[name], scope) - names
            names |= new
            frontier |= new
    return _dependency_order([n for n in scope.declarations if n in names], scope)


def _dependency_order(names: list[str], scope: Scope) -> list[str]:
    """``names`` in declaration order, except that each comes after the names its domain uses.

    A page may re-declare K after j ∈ {1, …, K}, or re-declare l ∈ {1, …, D} after D: instances
    are enumerated in this order, so every domain's bounds have values when it is expanded.
    """
    wanted = set(names)
    ordered: list[str] = []

    def place(name: str, path: frozenset[str]) -> None:
        if name in ordered:
            return
        if name in path:
            raise ScopeError(f"the domain of {pretty(name)} depends on itself")
        uses = _domain_names(scope.declarations[name], scope) & wanted
        for dep in names:  # in declaration order
            if dep in uses:
                place(dep, path | {name})
        ordered.append(name)

    for name in names:
        place(name, frozenset())
    return ordered


def size_names(scope: Scope) -> set[str]:
    """Names that size other domains (K, n): code sees them as plain ints."""
    out: set[str] = set()
    for decl in scope.declarations.values():
        out |= _domain_names(decl, scope)
    return out


def instances(scope: Scope, names: list[str], seed: int = 0) -> list[dict[str, object]]:
    """Every assignment of the discrete ``names``, in declaration order (capped, seeded).

    A formula with no instance at all would pass without a single check, so that is an error
    naming the symbol whose domain came out empty.

    >>> from mathcheck.domains import parse_declarations
    >>> scope = Scope()
    >>> scope.declare(parse_declarations(r"K \\in \\{2, 3\\}; i \\in \\{K + 1, \\dots, K\\}"), "d")
    >>> instances(scope, ["K", "i"])
    Traceback (most recent call last):
    ...
    mathcheck.errors.ScopeError: no instance to check: i ∈ {K + 1, …, K} is empty for every K ...
    """
    discrete = [n for n in names if isinstance(scope.declarations[n].domain, ENUMERATED)]
    empty: list[str] = []  # symbols whose domain had no value for some instance of the others

    def expand(i: int, partial: dict[str, object]) -> Iterator[dict[str, object]]:
        if i == len(discrete):
            yield dict(partial)
            return
        name = discrete[i]
        translator = Translator(scope, partial)
        values = list(translator.support(name, {}))
        if not values and name not in empty:
            empty.append(name)
        for value in values:
            if isinstance(value, sympy.MatrixBase):  # a vector of discrete components
                if not all(v.is_Integer for v in value):
                    raise ScopeError(f"the values of {pretty(name)} must be whole numbers")
                partial[name] = tuple(int(v) for v in value)
            elif not value.is_number:
                raise ScopeError(f"the values of {pretty(name)} must be numbers")
            else:
                partial[name] = int(value) if value.is_Integer else value
            yield from expand(i + 1, partial)
        partial.pop(name, None)

    found = list(expand(0, {}))
    if not found:
        name = empty[0] if empty else discrete[0]
        decl = scope.declarations[name]
        others = [pretty(n) for n in discrete[: discrete.index(name)]]
        where = f" for every {', '.join(others)}" if others else ""
        raise ScopeError(
            f"no instance to check: {readable(decl.latex)} is empty{where}",
            hint=f"declare a domain with at least one value, e.g. {name} \\in \\{{1, \\dots, K\\}}",
        )
    if len(found) > MAX_INSTANCES:
        found = random.Random(seed).sample(found, MAX_INSTANCES)
    return found


# --- sample points ---------------------------------------------------------------------------


def _interval_sample(dom: Interval, rng: np.random.Generator, n: int) -> np.ndarray:
    """Random points of an interval.

    ℝ: normal around 0 (σ = 3). A half-line from 0 or beyond it, such as a rate or a scale in
    (0, ∞), spans orders of magnitude: log-uniform, lo + e^u with u in (−5, 5). A half-line
    from a negative bound, such as a logit in (−4, ∞), is a location: sampled as ℝ is, folded
    at the bound, so it stays where float64 still tells σ(θ) from 1. (Mirrored for (−∞, hi).)
    """
    lo, hi = dom.lo, dom.hi
    if dom.integer:
        return rng.integers(0, 30, n).astype(float)
    if math.isinf(lo) and math.isinf(hi):
        return rng.normal(0.0, 3.0, n)
    if math.isinf(hi):
        if lo < 0:
            return lo + np.abs(rng.normal(0.0, 3.0, n) - lo)
        return lo + np.exp(rng.uniform(-5.0, 5.0, n))
    if math.isinf(lo):
        if hi > 0:
            return hi - np.abs(hi - rng.normal(0.0, 3.0, n))
        return hi - np.exp(rng.uniform(-5.0, 5.0, n))
    return rng.uniform(lo, hi, n)


def _interval_edges(dom: Interval) -> list[float]:
    """Points at the ends of an interval: a closed end itself; an open end a hair inside
    (10⁻⁶ of the width, and never so close that float64 rounds it onto the excluded bound);
    an infinite end far out (±20 on ℝ and on a half-line from a negative bound, 10⁴ beyond a
    bound of 0 or more).

    >>> _interval_edges(Interval(0.0, 1.0)), _interval_edges(Interval(0.0, math.inf, True))
    ([1e-06, 0.999999], [0.0, 10000.0])
    >>> lo, _ = _interval_edges(Interval(1e17, math.inf))
    >>> lo > 1e17
    True
    """
    lo, hi = dom.lo, dom.hi
    if dom.integer:
        return [lo, lo + 200.0]
    if math.isinf(lo) and math.isinf(hi):
        return [-20.0, 20.0]
    width = hi - lo if math.isfinite(hi - lo) else 1.0
    if math.isinf(hi):
        far = max(20.0, lo + 20.0) if lo < 0 else lo + 1e4  # a location as on ℝ; a scale far
        return [_inside(lo, math.inf, dom.lo_closed, width), far]
    if math.isinf(lo):
        far = min(-20.0, hi - 20.0) if hi > 0 else hi - 1e4
        return [far, _inside(hi, -math.inf, dom.hi_closed, width)]
    return [_inside(lo, hi, dom.lo_closed, width), _inside(hi, lo, dom.hi_closed, width)]


def _inside(bound: float, toward: float, closed: bool, width: float) -> float:
    if closed:
        return bound
    step = 1e-6 * width * (1.0 if toward > bound else -1.0)
    point = bound + step
    if point == bound:  # float64 cannot tell the point from the bound: the next float inside
        point = float(np.nextafter(bound, toward))
    return point


class Sampler:
    """Random and edge points for every continuous symbol one translator created."""

    def __init__(self, scope: Scope, translator: Translator, n_random: int, seed: int):
        self.scope = scope
        self.translator = translator
        self.n_random = n_random
        self.rng = np.random.default_rng(seed)

    def columns(self, names: list[str]) -> dict[str, np.ndarray]:
        """name → array of shape (rows,) for scalars or (rows, size) for vectors."""
        blocks: dict[str, tuple[np.ndarray, list[np.ndarray]]] = {}
        for name in names:
            decl = self.scope.declarations[name]
            sampled = self._sample(decl)
            if sampled is not None:
                blocks[name] = sampled
        rows = self.n_random + sum(len(edges) for _, edges in blocks.values())
        columns: dict[str, np.ndarray] = {}
        for name, (draw, _) in blocks.items():
            reps = -(-rows // len(draw))
            columns[name] = np.concatenate([draw] * reps)[:rows]
        row = self.n_random
        for name, (_, edges) in blocks.items():
            for edge in edges:
                columns[name][row] = edge
                row += 1
        return columns

    def _sample(self, decl: Declaration):
        dom, n, rng = decl.domain, self.n_random, self.rng
        t = self.translator
        if decl.name in t.assignment:
            return None
        if isinstance(dom, Interval):
            return _interval_sample(dom, rng, n), [np.float64(e) for e in _interval_edges(dom)]
        if isinstance(dom, Vector | Matrix):
            size = (
                t.size(dom.size) if isinstance(dom, Vector) else t.size(dom.rows) * t.size(dom.cols)
            )
            return self._table(dom.element, size)
        if isinstance(dom, Map):
            size = t.map_size(dom)
            if not dom.tabled:  # the coefficients of a polynomial
                return rng.normal(0.0, 1.0, (n, size)), []
            element = dom.codomain if isinstance(dom.codomain, Interval) else dom.codomain.element
            return self._table(element, size)
        if isinstance(dom, Simplex):
            size = t.size(dom.size)
            draw = rng.dirichlet(np.ones(size), n)
            tiny = np.full(size, 1.0 / size)
            tiny[0] = 1e-9
            return draw, [tiny / tiny.sum()]
        if isinstance(dom, Counts):
            size, total = t.size(dom.size), t.index(dom.total, {})
            draw = rng.multinomial(total, np.ones(size) / size, n).astype(float)
            corner = np.zeros(size)
            corner[0] = total
            return draw, [corner]
        return None

    def _table(self, element: Interval, size: int):
        """``size`` components drawn from ``element``, and an edge row per edge of it."""
        draw = np.stack(
            [_interval_sample(element, self.rng, self.n_random) for _ in range(size)], axis=1
        )
        draw = draw.reshape(self.n_random, size)
        edges = []
        for edge in _interval_edges(element):
            row = draw[0].copy()
            if size:
                row[0] = edge
            edges.append(row)
        return draw, edges


def symbol_values(
    translator: Translator, columns: dict[str, np.ndarray]
) -> dict[sympy.Symbol, np.ndarray]:
    """Map the translator's sympy symbols (``p``, ``pi_2``, ``W_1_2``) to sample columns."""
    out = {}
    for symbol, (name, position) in translator.positions.items():
        if name not in columns:
            continue
        column = columns[name]
        out[symbol] = column if position is None else column[:, position]
    return out


def all_compositions(size: int, total: int) -> list[tuple[int, ...]]:
    return list(compositions(size, total))
