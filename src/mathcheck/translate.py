r"""Turn a syntax tree into a sympy expression at one *instance* of the discrete symbols.

An instance fixes every discrete symbol the formula needs (``K = 3``, ``j = 2``, ``y = 1``);
continuous symbols become sympy symbols (``p``, ``pi_2``), so derivatives are taken exactly.

>>> from mathcheck.domains import parse_declarations
>>> from mathcheck.latex import parse_equation
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> scope.declare(parse_declarations(r"K \in \{2, 3\}; \pi \in (0, \infty)^{K}"), "doc")
>>> [node] = parse_equation(r"\sum_{i=1}^{K} \pi_i", functions=set())
>>> Translator(scope, {"K": 3}).expr(node)
pi_1 + pi_2 + pi_3
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import sympy

from . import latex as ast
from .domains import (
    DISCRETE,
    Counts,
    Cube,
    FiniteSet,
    Interval,
    IntRange,
    Simplex,
    Vector,
)
from .errors import ScopeError
from .expectation import Bound, Support, expectation
from .scope import Definition, Scope

Value = sympy.Expr | list  # a scalar, or a vector's components

PRETTY = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "ell": "ℓ",
}


def pretty(name: str) -> str:
    """The reader's name of a symbol: ``pi_2`` → ``π_2``.

    >>> pretty("pi_2"), pretty("theta"), pretty("rbar")
    ('π_2', 'θ', 'r̄')
    """
    base, _, index = name.partition("_")
    if base.endswith("bar") and base != "bar":
        base = base[:-3] + "\u0304"
        return pretty(base[:-1]) + "\u0304" + (f"_{index}" if index else "")
    shown = PRETTY.get(base, base)
    return f"{shown}_{index}" if index else shown


class Translator:
    """Evaluates syntax trees at one instance (``assignment`` of discrete symbols)."""

    def __init__(self, scope: Scope, assignment: dict[str, object]):
        self.scope = scope
        self.assignment = assignment
        self._symbols: dict[str, sympy.Symbol] = {}
        self.constraints: dict[sympy.Symbol, sympy.Expr] = {}
        self.notes: list[tuple[str, str]] = []  # (method, how) per infinite expectation
        self.bounds: dict[sympy.Symbol, Interval] = {}  # each symbol's declared interval

    # --- symbols -------------------------------------------------------------------------
    def symbol(self, name: str, element: Interval | None) -> sympy.Symbol:
        if name not in self._symbols:
            assumptions = {"real": True}
            if element is not None and element.integer:
                assumptions = {"integer": True, "nonnegative": True}
            elif element is not None and element.lo == 0 and element.lo_closed:
                assumptions = {"nonnegative": True}  # 0 is in the domain: not positive
            elif element is not None and element.lo >= 0:
                assumptions = {"positive": True}
            self._symbols[name] = sympy.Symbol(name, **assumptions)
            if element is not None:
                self.bounds[self._symbols[name]] = element
        return self._symbols[name]

    def size(self, node: ast.Node) -> int:
        value = self.expr(node)
        if not (isinstance(value, sympy.Integer) and value >= 0):
            raise ScopeError(f"a size must be a whole number; got {value}")
        return int(value)

    def declared_vector(self, name: str) -> list[sympy.Expr]:
        decl = self.scope.declarations[name]
        dom = decl.domain
        if isinstance(dom, Vector | Simplex):
            size = self.size(dom.size)
            element = dom.element if isinstance(dom, Vector) else Interval(0.0, 1.0)
            comps = [self.symbol(f"{name}_{i}", element) for i in range(1, size + 1)]
            if isinstance(dom, Simplex):
                self.constraints[comps[-1]] = 1 - sum(comps[:-1])
            return comps
        if isinstance(dom, Counts):
            if name in self.assignment:
                return [sympy.Integer(v) for v in self.assignment[name]]
            size = self.size(dom.size)
            comps = [
                self.symbol(f"{name}_{i}", Interval(0.0, float("inf"))) for i in range(1, size + 1)
            ]
            self.constraints[comps[-1]] = self.expr(dom.total) - sum(comps[:-1])
            return comps
        if isinstance(dom, Cube):
            values = [float(self.expr(v)) for v in dom.values]
            element = Interval(min(values), max(values), lo_closed=True, hi_closed=True)
            return [self.symbol(f"{name}_{i}", element) for i in range(1, self.size(dom.size) + 1)]
        raise ScopeError(f"{pretty(name)} is a scalar; it takes no index")

    # --- evaluation ----------------------------------------------------------------------
    def expr(self, node: ast.Node, env: dict[str, Value] | None = None) -> sympy.Expr:
        env = env or {}
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node, env)

    def vector(self, node: ast.Node, env: dict[str, Value]) -> list[sympy.Expr] | None:
        """The components of ``node`` when it names a whole vector, else None."""
        if not isinstance(node, ast.Sym) or node.indices:
            return None
        if node.name in env:
            value = env[node.name]
            return value if isinstance(value, list) else None
        decl = self.scope.declarations.get(node.name)
        if decl is not None and isinstance(decl.domain, Vector | Simplex | Counts | Cube):
            return self.declared_vector(node.name)
        return None

    def _num(self, node: ast.Num, env) -> sympy.Expr:
        return sympy.Rational(node.value)

    def _sym(self, node: ast.Sym, env) -> sympy.Expr:
        name = node.name
        if node.indices:
            return self._indexed(node, env)
        if name in env:
            value = env[name]
            if isinstance(value, list):
                raise ScopeError(
                    f"{pretty(name)} is a vector: write it with an index", column=node.pos
                )
            return value
        definition = self.scope.definitions.get(name)
        if definition is not None and not definition.is_function:
            if definition.indices:
                raise ScopeError(f"{pretty(name)} was defined with an index", column=node.pos)
            # the body sees the bindings in force where it is used (e.g. k inside E_k[...])
            return self.expr(definition.body, env)
        if name in self.assignment:
            value = self.assignment[name]
            if isinstance(value, tuple):
                raise ScopeError(
                    f"{pretty(name)} is a vector: write it with an index", column=node.pos
                )
            return sympy.sympify(value)
        decl = self.scope.declarations.get(name)
        if decl is not None:
            if isinstance(decl.domain, Interval):
                return self.symbol(name, decl.domain)
            if isinstance(decl.domain, DISCRETE):
                raise ScopeError(f"{pretty(name)} has no value here", column=node.pos)
            raise ScopeError(f"{pretty(name)} is a vector: write it with an index", column=node.pos)
        if name == "pi":
            return sympy.pi
        if name == "e":
            return sympy.E  # Euler's number, unless the page declares a symbol e
        raise ScopeError(
            f"symbol {pretty(name)} is not declared",
            column=node.pos,
            hint=f"declare it in :symbols:, e.g. {name} \\in (0, 1)",
        )

    def _indexed(self, node: ast.Sym, env) -> sympy.Expr:
        indices = [self.index(i, env) for i in node.indices]
        definition = self.scope.definitions.get(node.name)
        if node.name not in env and definition is not None and not definition.is_function:
            if len(definition.indices) != len(indices):
                raise ScopeError(
                    f"{pretty(node.name)} was defined with {len(definition.indices)} index(es)",
                    column=node.pos,
                )
            bound = dict(zip(definition.indices, map(sympy.Integer, indices), strict=True))
            return self.expr(definition.body, {**env, **bound})
        comps = self.vector(ast.Sym(node.name, pos=node.pos), env)
        if comps is None:
            raise ScopeError(
                f"{pretty(node.name)} is not a declared vector",
                column=node.pos,
                hint=f"declare it, e.g. {node.name} \\in (0, \\infty)^{{K}}",
            )
        if len(indices) != 1:
            raise ScopeError(f"{pretty(node.name)} takes one index", column=node.pos)
        (i,) = indices
        if not 1 <= i <= len(comps):
            raise ScopeError(
                f"index {i} of {pretty(node.name)} is outside 1..{len(comps)}", column=node.pos
            )
        return comps[i - 1]

    def index(self, node: ast.Node, env) -> int:
        value = self.expr(node, env)
        if not isinstance(value, sympy.Integer):
            raise ScopeError(f"an index must be a whole number here; got {value}")
        return int(value)

    def _call(self, node: ast.Call, env) -> sympy.Expr:
        definition = self.scope.definitions[node.name]
        if len(node.args) != len(definition.params):
            raise ScopeError(
                f"{node.name} takes {len(definition.params)} argument(s); got {len(node.args)}",
                column=node.pos,
            )
        bound: dict[str, Value] = {}
        for param, arg in zip(definition.params, node.args, strict=True):
            comps = self.vector(arg, env)
            bound[param] = comps if comps is not None else self.expr(arg, env)
        return self.expr(definition.body, bound)

    def _func(self, node: ast.Func, env) -> sympy.Expr:
        arg = self.expr(node.arg, env)
        if node.name == "ln":
            return sympy.log(arg)
        if node.name == "exp":
            return sympy.exp(arg)
        if node.name == "sqrt":
            return sympy.sqrt(arg)
        if node.name == "sigma":
            return 1 / (1 + sympy.exp(-arg))
        if node.name == "logit":
            return sympy.log(arg / (1 - arg))
        if node.name == "abs":
            return sympy.Abs(arg)
        if node.name == "gamma":
            return sympy.gamma(arg)
        raise ScopeError(f"unknown function {node.name}")  # pragma: no cover - parser guards

    def _softmax(self, node: ast.Softmax, env) -> sympy.Expr:
        comps = self.vector(ast.Sym(node.vector, pos=node.pos), env)
        if comps is None:
            raise ScopeError(
                f"softmax needs a vector; {pretty(node.vector)} is not one", column=node.pos
            )
        k = self.index(node.index, env)
        if not 1 <= k <= len(comps):
            raise ScopeError(f"softmax index {k} is outside 1..{len(comps)}", column=node.pos)
        return sympy.exp(comps[k - 1]) / sum(sympy.exp(c) for c in comps)

    def _add(self, node: ast.Add, env) -> sympy.Expr:
        return sympy.Add(*(self.expr(t, env) for t in node.terms))

    def _mul(self, node: ast.Mul, env) -> sympy.Expr:
        return sympy.Mul(*(self.expr(f, env) for f in node.factors))

    def _neg(self, node: ast.Neg, env) -> sympy.Expr:
        return -self.expr(node.arg, env)

    def _div(self, node: ast.Div, env) -> sympy.Expr:
        return self.expr(node.num, env) / self.expr(node.den, env)

    def _pow(self, node: ast.Pow, env) -> sympy.Expr:
        return self.expr(node.base, env) ** self.expr(node.exp, env)

    def _factorial(self, node: ast.Factorial, env) -> sympy.Expr:
        return sympy.factorial(self.expr(node.arg, env))

    def _binom(self, node: ast.Binom, env) -> sympy.Expr:
        return sympy.binomial(self.expr(node.n, env), self.expr(node.k, env))

    def _derivative(self, node: ast.Derivative, env) -> sympy.Expr:
        result = self.expr(node.expr, env)
        for var, order in node.wrt:
            target = self.expr(var, env)
            if not isinstance(target, sympy.Symbol):
                raise ScopeError(
                    f"cannot differentiate by {pretty(var.name)}: it is not a continuous symbol",
                    column=var.pos,
                )
            result = sympy.diff(result, target, order)
        return result

    def _bigop(self, node: ast.BigOp, env) -> sympy.Expr:
        values = self._range(node, env)
        terms = [self.expr(node.body, {**env, node.var: sympy.Integer(v)}) for v in values]
        if node.op == "sum":
            return sympy.Add(*terms)
        return sympy.Mul(*terms)

    def _range(self, node: ast.BigOp, env) -> range:
        if node.lo is not None:
            return range(self.index(node.lo, env), self.index(node.hi, env) + 1)
        decl = self.scope.declarations.get(node.var)
        if decl is None or not isinstance(decl.domain, IntRange):
            raise ScopeError(
                f"\\{node.op}_{{{node.var}}} needs bounds",
                hint=f"write \\{node.op}_{{{node.var}=1}}^{{K}} or declare {node.var} as a range",
            )
        return range(self.index(decl.domain.lo, env), self.index(decl.domain.hi, env) + 1)

    def _delta(self, node: ast.Delta, env) -> sympy.Expr:
        return sympy.Integer(int(self.index(node.left, env) == self.index(node.right, env)))

    def _indicator(self, node: ast.Indicator, env) -> sympy.Expr:
        left, right = self.expr(node.left, env), self.expr(node.right, env)
        if not (left.is_number and right.is_number):
            raise ScopeError("an indicator compares discrete values only")
        return sympy.Integer(int(sympy.simplify(left - right) == 0))

    def _expect(self, node: ast.Expect, env) -> sympy.Expr:
        definition = self.scope.distribution_of(node.var)
        if definition is None:
            raise ScopeError(
                f"no distribution of {pretty(node.var)} is defined on this page",
                column=node.pos,
                hint=f"define one first, e.g. g({node.var}; p) = ...",
            )
        return self.expectation(
            node.var, definition, env, lambda bound: self.expr(node.body, bound)
        )

    def expectation(self, var: str, definition: Definition, env, body) -> sympy.Expr:
        """Σ (or ∫) over the support of ``var`` of the density × ``body(env with var)``."""

        def weighted(value: Value) -> sympy.Expr:
            weight_env: dict[str, Value] = {}
            for param in definition.params:
                if param == var:
                    weight_env[param] = value
                else:
                    comps = self.vector(ast.Sym(param), env)
                    weight_env[param] = (
                        comps if comps is not None else self.expr(ast.Sym(param), env)
                    )
            return self.expr(definition.body, weight_env) * body({**env, var: value})

        decl = self.scope.declarations.get(var)
        if decl is not None and isinstance(decl.domain, Interval):
            # an infinite support: the exact integral or series, else a numeric method
            dom = decl.domain
            symbol = self.symbol(var, dom)
            support = Support(dom.lo, dom.hi, integer=dom.integer)
            integrand = weighted(symbol)
            bounds = tuple(
                Bound(s, b.lo, b.hi, b.lo_closed, b.hi_closed)
                for s, b in self.bounds.items()
                if s != symbol and s in integrand.free_symbols
            )
            outcome = expectation(integrand, symbol, support, bounds)
            note = (outcome.kind(support), outcome.describe(pretty(var), support))
            if note not in self.notes:
                self.notes.append(note)
            return outcome.value
        return sympy.Add(*(weighted(value) for value in self.support(var, env)))

    def support(self, name: str, env) -> Iterator[Value]:
        """Every value of a discrete symbol (its support, for expectations)."""
        decl = self.scope.declarations.get(name)
        if decl is None:
            raise ScopeError(f"the support of {pretty(name)} is not declared")
        dom = decl.domain
        if isinstance(dom, FiniteSet):
            yield from (self.expr(v, env) for v in dom.values)
        elif isinstance(dom, IntRange):
            lo, hi = self.index(dom.lo, env), self.index(dom.hi, env)
            yield from (sympy.Integer(v) for v in range(lo, hi + 1))
        elif isinstance(dom, Counts):
            for counts in compositions(self.size(dom.size), self.index(dom.total, env)):
                yield [sympy.Integer(c) for c in counts]
        elif isinstance(dom, Cube):
            values = [self.expr(v, env) for v in dom.values]
            yield from (list(c) for c in itertools.product(values, repeat=self.size(dom.size)))
        else:
            raise ScopeError(
                f"an expectation over {pretty(name)} needs a discrete support; got {decl.source}"
            )


def compositions(parts: int, total: int) -> Iterator[tuple[int, ...]]:
    """Every vector of ``parts`` non-negative integers summing to ``total``.

    >>> list(compositions(2, 2))
    [(0, 2), (1, 1), (2, 0)]
    """
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        bounds = (-1, *cuts, total + parts - 1)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(parts))


def definition_env(definition: Definition) -> dict[str, Value]:
    """An empty environment: a definition's body sees only its parameters and the page."""
    return {}
