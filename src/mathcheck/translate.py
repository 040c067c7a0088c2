r"""Turn a syntax tree into sympy values at one *instance* of the discrete symbols.

An instance fixes every discrete symbol the formula needs (``K = 3``, ``j = 2``, ``y = 1``);
continuous symbols become sympy symbols (``p``, ``pi_2``), so derivatives are taken exactly.
A vector or a matrix becomes a ``sympy.ImmutableMatrix`` of such symbols (see
:mod:`mathcheck.values`), so a vector formula is the same formula component by component.

>>> from mathcheck.domains import parse_declarations
>>> from mathcheck.latex import parse_equation
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> scope.declare(parse_declarations(r"K \in \{2, 3\}; \pi \in (0, \infty)^{K}"), "doc")
>>> [node] = parse_equation(r"\sum_{i=1}^{K} \pi_i", functions=set())
>>> Translator(scope, {"K": 3}).expr(node)
pi_1 + pi_2 + pi_3
>>> [node] = parse_equation(r"\mathbf{1}^{\top} \pi", functions=set())
>>> Translator(scope, {"K": 2}).expr(node)
pi_1 + pi_2
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator

import sympy

from . import latex as ast
from . import special, values
from .distributions import (
    Distribution,
    bind_arguments,
    gradient_variables,
    index_declaration,
    resolve,
)
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
)
from .errors import ScopeError
from .expectation import Bound, Support, expectation
from .scope import Definition, Scope
from .values import ShapeError, Value

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
    return f"{shown}_{pretty(index) if index in PRETTY else index}" if index else shown


_RELATIONS = {
    "=": sympy.Eq,
    "≠": sympy.Ne,
    "<": sympy.Lt,
    "≤": sympy.Le,
    ">": sympy.Gt,
    "≥": sympy.Ge,
}


class Translator:
    """Evaluates syntax trees at one instance (``assignment`` of discrete symbols)."""

    def __init__(self, scope: Scope, assignment: dict[str, object]):
        self.scope = scope
        self.assignment = assignment
        self._symbols: dict[str, sympy.Symbol] = {}
        # each sympy symbol → (declared name, position in its flattened sample column or None)
        self.positions: dict[sympy.Symbol, tuple[str, int | None]] = {}
        self.constraints: dict[sympy.Symbol, sympy.Expr] = {}
        self.notes: list[tuple[str, str]] = []  # (method, how) per infinite expectation
        self._declared: dict[str, Value] = {}
        self._holding: dict[str, Value] = {}  # defined quantities a derivative holds as variables
        self.bounds: dict[sympy.Symbol, Interval] = {}  # each symbol's declared interval

    # --- symbols -------------------------------------------------------------------------
    def symbol(
        self, name: str, element: Interval | None, owner: tuple[str, int | None] | None = None
    ) -> sympy.Symbol:
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
        if owner is not None:
            self.positions.setdefault(self._symbols[name], owner)
        return self._symbols[name]

    def size(self, node: ast.Node) -> int:
        value = self.expr(node)
        if not (isinstance(value, sympy.Integer) and value >= 0):
            raise ScopeError(f"a size must be a whole number; got {value}")
        return int(value)

    def declared(self, name: str) -> Value:
        """The value of a declared symbol: its number here, or its sympy symbol(s)."""
        if name in self._declared:
            return self._declared[name]
        decl = self.scope.declarations[name]
        dom = decl.domain
        value: Value
        if name in self.assignment:
            given = self.assignment[name]
            if isinstance(given, tuple):
                value = values.Matrix([sympy.sympify(v) for v in given])
            else:
                value = sympy.sympify(given)
        elif isinstance(dom, Interval):
            value = self.symbol(name, dom, (name, None))
        elif isinstance(dom, Vector | Simplex):
            size = self.size(dom.size)
            element = dom.element if isinstance(dom, Vector) else Interval(0.0, 1.0)
            comps = [self.symbol(f"{name}_{i + 1}", element, (name, i)) for i in range(size)]
            if isinstance(dom, Simplex):
                self.constraints[comps[-1]] = 1 - sum(comps[:-1])
            value = values.Matrix(comps)
        elif isinstance(dom, Matrix):
            rows, cols = self.size(dom.rows), self.size(dom.cols)
            comps = [
                self.symbol(f"{name}_{i + 1}_{j + 1}", dom.element, (name, i * cols + j))
                for i in range(rows)
                for j in range(cols)
            ]
            value = values.Matrix(rows, cols, comps)
        elif isinstance(dom, Counts):
            size = self.size(dom.size)
            comps = [
                self.symbol(f"{name}_{i + 1}", Interval(0.0, math.inf), (name, i))
                for i in range(size)
            ]
            self.constraints[comps[-1]] = self.expr(dom.total) - sum(comps[:-1])
            value = values.Matrix(comps)
        elif isinstance(dom, Map):
            raise ScopeError(
                f"{pretty(name)} is a map: apply it", hint=f"write {name}(x) for its value at x"
            )
        else:
            raise ScopeError(f"{pretty(name)} has no value here")
        self._declared[name] = value
        return value

    # --- evaluation ----------------------------------------------------------------------
    def expr(self, node: ast.Node, env: dict[str, Value] | None = None) -> Value:
        env = env or {}
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            raise ScopeError(f"{type(node).__name__} cannot be evaluated here")
        try:
            return method(node, env)
        except ShapeError as exc:
            pos = getattr(node, "pos", -1)
            if exc.column is None and isinstance(pos, int) and pos >= 0:
                exc.column = pos
            raise

    def sides(self, nodes: list[ast.Node]) -> list[Value]:
        """The sides of one relation, translated and of one shape (see ``values.conform``)."""
        found = [self.expr(n) for n in nodes]
        names = ["lhs", "rhs"] if len(nodes) == 2 else [f"side {n + 1}" for n in range(len(nodes))]
        return values.conform(found, names)

    def scalar(self, node: ast.Node, env, what: str) -> sympy.Expr:
        value = self.expr(node, env)
        if not values.is_scalar(value):
            raise ShapeError(f"{what} must be a scalar; got {values.describe(value)}")
        return value

    def _num(self, node: ast.Num, env) -> sympy.Expr:
        return sympy.Rational(node.value)

    def _infinity(self, node: ast.Infinity, env) -> sympy.Expr:
        return sympy.oo

    def _blank(self, node: ast.Blank, env) -> sympy.Expr:
        raise ScopeError("\\cdot stands for the random variable only below an expectation")

    def _sym(self, node: ast.Sym, env) -> Value:
        name = node.name
        if node.indices:
            return self._indexed(node, env)
        if name in env:
            return env[name]
        if name in self._holding:
            return self._holding[name]
        definition = self.scope.definitions.get(name)
        if definition is not None and not definition.is_function:
            if definition.indices:
                return self._whole(definition, env, node)
            # the body sees the bindings in force where it is used (e.g. k inside E_k[...])
            return self.expr(definition.body, env)
        if name in self.scope.declarations or name in self.assignment:
            if name not in self.scope.declarations:
                return sympy.sympify(self.assignment[name])
            try:
                return self.declared(name)
            except ScopeError as exc:
                exc.column = node.pos if exc.column is None and node.pos >= 0 else exc.column
                raise
        if name == "pi":
            return sympy.pi
        if name == "e":
            return sympy.E  # Euler's number, unless the page declares a symbol e
        raise ScopeError(
            f"symbol {pretty(name)} is not declared",
            column=node.pos if node.pos >= 0 else None,
            hint=f"declare it in :symbols:, e.g. {name} \\in (0, 1)",
        )

    def _whole(self, definition: Definition, env, node: ast.Sym) -> Value:
        """An abbreviation defined by its components (π_k = …) used as a whole vector: its
        components over the declared range of each index."""
        ranges = []
        for index in definition.indices:
            decl = self.scope.declarations.get(index)
            if decl is None or not isinstance(decl.domain, IntRange):
                raise ScopeError(
                    f"{pretty(node.name)} was defined with an index",
                    column=node.pos if node.pos >= 0 else None,
                    hint=f"write {node.name}_{index}, or declare {index} as a range",
                )
            ranges.append(list(self.support(index, env)))
        if len(ranges) > 2:
            raise ScopeError(f"{pretty(node.name)} has more than two indices")

        def at(*where: Value) -> sympy.Expr:
            bound = dict(zip(definition.indices, where, strict=True))
            return self.scalar(definition.body, {**env, **bound}, pretty(node.name))

        if len(ranges) == 1:
            return values.Matrix([at(u) for u in ranges[0]])
        return values.Matrix([[at(u, v) for v in ranges[1]] for u in ranges[0]])

    def _indexed(self, node: ast.Sym, env) -> Value:
        indices = [self.index(i, env) for i in node.indices]
        definition = self.scope.definitions.get(node.name)
        held = node.name in env or node.name in self._holding
        if not held and definition is not None and definition.indices:
            if len(definition.indices) != len(indices):
                raise ScopeError(
                    f"{pretty(node.name)} was defined with {len(definition.indices)} index(es)",
                    column=node.pos,
                )
            bound = dict(zip(definition.indices, map(sympy.Integer, indices), strict=True))
            return self.expr(definition.body, {**env, **bound})
        if not held and definition is None and node.name not in self.scope.declarations:
            raise ScopeError(
                f"{pretty(node.name)} is not a declared vector",
                column=node.pos,
                hint=f"declare it, e.g. {node.name} \\in (0, \\infty)^{{K}}",
            )
        whole = self._sym(ast.Sym(node.name, pos=node.pos), env)
        try:
            return values.component(whole, indices, pretty(node.name))
        except ShapeError as exc:
            exc.column = node.pos
            raise

    def index(self, node: ast.Node, env) -> int:
        value = self.expr(node, env)
        if not isinstance(value, sympy.Integer):
            raise ScopeError(f"an index must be a whole number here; got {value}")
        return int(value)

    def _call(self, node: ast.Call, env) -> Value:
        decl = self.scope.declarations.get(node.name)
        if node.name not in self.scope.definitions and decl is not None:
            return self.map_value(node, env)
        definition = self.scope.definitions[node.name]
        written = bind_arguments(node, definition)
        bound: dict[str, Value] = {}
        for param in definition.params:
            arg = written.get(param)
            if isinstance(arg, ast.Blank):
                raise ScopeError(
                    f"{node.name}(\\cdot …) stands for a density only below an expectation"
                )
            if arg is None:
                bound[param] = self.expr(ast.Sym(param), env)
            else:
                bound[param] = definition.receive(param, self.expr(arg, env))
        if not node.primes:
            return self.expr(definition.body, bound)
        return self._primed(node, definition, bound)

    def _primed(self, node: ast.Call, definition: Definition, bound: dict[str, Value]) -> Value:
        """``A'(x)``: the derivative of a one-argument function, at x."""
        if len(definition.params) != 1:
            raise ScopeError(
                f"a prime on {node.name}, a function of {len(definition.params)} arguments, is "
                "ambiguous",
                column=node.pos,
                hint="write \\frac{\\partial}{\\partial x} for the argument you mean",
            )
        (param,) = definition.params
        point = bound[param]
        if not values.is_scalar(point):
            raise ShapeError(f"{node.name}' takes a scalar; got {values.describe(point)}")
        dummy = sympy.Dummy(param, real=True)
        body = self.expr(definition.body, {param: dummy})
        derivative = values.apply(lambda e: sympy.diff(e, dummy, node.primes), body)
        return values.apply(lambda e: e.subs(dummy, point), derivative)

    def map_value(self, node: ast.Call, env) -> Value:
        """A declared map at its arguments: the table entry (one symbol per entry) or, over an
        interval, a polynomial with free coefficients."""
        dom: Map = self.scope.declarations[node.name].domain
        if not isinstance(dom, Map):
            raise ScopeError(f"{pretty(node.name)} is not a map", column=node.pos)
        if node.subs or node.primes:
            raise ScopeError(f"a map takes neither subscripts nor primes: {node.name}")
        if len(node.args) != len(dom.domain):
            raise ScopeError(
                f"{node.name} takes {len(dom.domain)} argument(s); got {len(node.args)}",
                column=node.pos,
            )
        args = [self.scalar(a, env, f"an argument of {node.name}") for a in node.args]
        if not dom.tabled:  # a polynomial in the arguments with free coefficients
            terms = []
            for k, exponents in enumerate(dom.monomials()):
                coefficient = self.symbol(f"{node.name}_{k + 1}", None, (node.name, k))
                terms.append(
                    coefficient * sympy.Mul(*(a**e for a, e in zip(args, exponents, strict=True)))
                )
            return sympy.Add(*terms)
        flat = 0
        for part, arg in zip(dom.domain, args, strict=True):
            support = list(self._domain_values(part, env))
            matches = [k for k, v in enumerate(support) if sympy.simplify(v - arg) == 0]
            if not matches:
                raise ScopeError(
                    f"{node.name} is not declared at {arg}",
                    column=node.pos,
                    hint=f"its declaration covers {', '.join(str(v) for v in support)}",
                )
            flat = flat * len(support) + matches[0]
        codomain = dom.codomain
        shape = (1, 1)
        if isinstance(codomain, Vector):
            shape = (self.size(codomain.size), 1)
        elif isinstance(codomain, Matrix):
            shape = (self.size(codomain.rows), self.size(codomain.cols))
        element = codomain if isinstance(codomain, Interval) else codomain.element
        width = shape[0] * shape[1]
        cells = [
            self.symbol(
                f"{node.name}_{flat * width + c + 1}", element, (node.name, flat * width + c)
            )
            for c in range(width)
        ]
        if shape == (1, 1) and isinstance(codomain, Interval):
            return cells[0]
        return values.Matrix(shape[0], shape[1], cells)

    def map_size(self, dom: Map) -> int:
        """How many sample columns a map has: its table's entries, or its coefficients."""
        if not dom.tabled:
            return len(dom.monomials())
        entries = math.prod(len(list(self._domain_values(d, {}))) for d in dom.domain)
        codomain = dom.codomain
        if isinstance(codomain, Vector):
            return entries * self.size(codomain.size)
        if isinstance(codomain, Matrix):
            return entries * self.size(codomain.rows) * self.size(codomain.cols)
        return entries

    def _func(self, node: ast.Func, env) -> Value:
        arg = self.expr(node.arg, env)
        if node.name == "softmax":
            return values.softmax(arg)
        if node.name == "diag":
            return values.diag(arg)
        if node.name == "tr":
            return values.trace(arg)
        if node.name == "det":
            return values.determinant(arg)
        if node.name == "norm":
            v = values.column(arg, "a norm")
            return sympy.sqrt(sympy.Add(*(c**2 for c in v)))
        return values.apply(_SCALAR_FUNCTIONS[node.name], arg)

    def _special(self, node: ast.Special, env) -> Value:
        fn = special.SYMPY[node.name]
        if special.ARITY[node.name] == 1:
            return values.apply(fn, self.expr(node.args[0], env))
        args = [
            self.scalar(a, env, f"an argument of {special.SHOWN[node.name]}") for a in node.args
        ]
        return fn(*args)

    def _component(self, node: ast.Component, env) -> Value:
        base = self.expr(node.base, env)
        indices = [self.index(i, env) for i in node.indices]
        return values.component(base, indices, "this vector")

    def _const(self, node: ast.Const, env) -> Value:
        constant = {"ones": values.ONES, "zeros": values.ZEROS, "identity": values.IDENTITY}[
            node.kind
        ]
        return constant if node.size is None else constant.at(self.size(node.size))

    def _basis(self, node: ast.Basis, env) -> Value:
        constant = values.basis(self.index(node.index, env))
        return constant if node.size is None else constant.at(self.size(node.size))

    def _matrixlit(self, node: ast.MatrixLit, env) -> Value:
        cells = [[self.expr(c, env) for c in row] for row in node.rows]
        if all(values.is_scalar(c) for row in cells for c in row):
            return values.Matrix(cells)
        if all(len(row) == 1 for row in cells):  # a column of blocks: stack them
            blocks = [values.column(row[0], "a stacked vector") for row in cells]
            return values.Matrix(sympy.Matrix.vstack(*blocks))
        raise ShapeError("a matrix's cells must be scalars (or a column of vectors to stack)")

    def _stack(self, node: ast.Stack, env) -> Value:
        lo, hi = self.index(node.lo, env), self.index(node.hi, env)
        return values.Matrix(
            [
                [
                    self.scalar(node.body, {**env, node.var: sympy.Integer(v)}, "a component")
                    for v in range(lo, hi + 1)
                ]
            ]
        )

    def _add(self, node: ast.Add, env) -> Value:
        return values.total(self.expr(t, env) for t in node.terms)

    def _mul(self, node: ast.Mul, env) -> Value:
        factors = [self.expr(f, env) for f in node.factors]
        if all(values.is_scalar(f) for f in factors):
            return sympy.Mul(*factors)
        result = factors[0]
        for factor in factors[1:]:
            result = values.mul(result, factor)
        return result

    def _dot(self, node: ast.Dot, env) -> Value:
        result = self.expr(node.factors[0], env)
        for factor in node.factors[1:]:
            result = values.dot(result, self.expr(factor, env))
        return result

    def _hadamard(self, node: ast.Hadamard, env) -> Value:
        return values.hadamard(self.expr(node.left, env), self.expr(node.right, env))

    def _neg(self, node: ast.Neg, env) -> Value:
        return values.neg(self.expr(node.arg, env))

    def _div(self, node: ast.Div, env) -> Value:
        return values.div(self.expr(node.num, env), self.expr(node.den, env))

    def _pow(self, node: ast.Pow, env) -> Value:
        base = self.expr(node.base, env)
        if isinstance(node.exp, ast.Sym) and node.exp.name == "T" and not values.is_scalar(base):
            return values.transpose(base)  # v^T with T not declared: the transpose
        return values.power(base, self.expr(node.exp, env))

    def _transpose(self, node: ast.Transpose, env) -> Value:
        return values.transpose(self.expr(node.arg, env))

    def _factorial(self, node: ast.Factorial, env) -> Value:
        return values.apply(sympy.factorial, self.expr(node.arg, env))

    def _binom(self, node: ast.Binom, env) -> Value:
        n = self.scalar(node.n, env, "the top of a binomial coefficient")
        k = self.expr(node.k, env)
        if values.is_matrix(k):  # \binom{n}{x_1, \dots, x_K}: the multinomial coefficient
            return special.multinomial(n, list(k))
        return sympy.binomial(n, k)

    # --- calculus ----------------------------------------------------------------------------
    def _derivative(self, node: ast.Derivative, env) -> Value:
        held = self._held(node.wrt, env)
        outer = self._holding
        self._holding = {**outer, **{name: free for name, (free, _) in held.items()}}
        try:
            result = self.expr(node.expr, env)
            for var, order in node.wrt:
                target = self.expr(var, env)
                result = self.differentiate(result, target, order, var)
        finally:
            self._holding = outer
        for free, value in held.values():  # put the defined quantities' values back
            pairs = zip(free, value, strict=True) if values.is_matrix(free) else [(free, value)]
            result = values.apply(lambda e, pairs=list(pairs): e.subs(pairs), result)
        return result

    def _held(self, wrt, env) -> dict[str, tuple[Value, Value]]:
        """Quantities the page defined (p_i = σ(s_i)) that a derivative is taken by, as Williams
        writes ∂ ln g_i/∂p_i: name → (free symbols standing for it, its value)."""
        held: dict[str, tuple[Value, Value]] = {}
        for var, _ in wrt:
            definition = self.scope.definitions.get(var.name)
            if var.name in env or definition is None or definition.is_function:
                continue
            if var.name in held:
                continue
            value = self._sym(ast.Sym(var.name, pos=var.pos), env)
            cells = list(value) if values.is_matrix(value) else [value]
            if all(isinstance(c, sympy.Symbol) for c in cells):
                continue  # an alias of declared symbols (W_{ml} = v_k): differentiate by them
            if values.is_matrix(value):
                rows, cols = value.shape
                free = values.Matrix(
                    rows,
                    cols,
                    [sympy.Dummy(f"{var.name}_{n + 1}", real=True) for n in range(rows * cols)],
                )
            elif values.is_scalar(value):
                free = sympy.Dummy(var.name, real=True)
            else:
                raise ShapeError(
                    f"cannot differentiate by {pretty(var.name)}: its size is not known"
                )
            held[var.name] = (free, value)
        return held

    def differentiate(self, f: Value, target: Value, order: int, var: ast.Node) -> Value:
        """∂ᵒf/∂targetᵒ: by a scalar symbol, component-wise; by a vector or a matrix of
        symbols, the gradient (shaped like the target) or, of a vector, the Jacobian."""
        name = pretty(var.name) if isinstance(var, ast.Sym) else "this"
        column = var.pos if isinstance(var, ast.Sym) and var.pos >= 0 else None
        components = list(target) if values.is_matrix(target) else [target]
        if not all(isinstance(c, sympy.Symbol) for c in components):
            raise ScopeError(
                f"cannot differentiate by {name}: it is not a continuous symbol", column=column
            )
        if values.is_scalar(target):
            return values.apply(lambda e: sympy.diff(e, target, order), f)
        for _ in range(order):
            f = _gradient(f, target, name)
        return f

    def _gradient(self, node: ast.Gradient, env) -> Value:
        wrt = gradient_variables(node, self.scope)
        targets = [self.expr(v, env) for v in wrt]
        if len(targets) == 1:
            target = targets[0]
        else:  # ∇ by several parameters: by all of them, stacked in order
            stacked = [c for t in targets for c in (list(t) if values.is_matrix(t) else [t])]
            target = values.Matrix(stacked)
        result = self.expr(node.expr, env)
        if values.is_scalar(target):  # ∇_p f for a scalar p is ∂f/∂p
            return self.differentiate(result, target, node.order, wrt[0])
        if values.is_scalar(result) or values.is_matrix(result):
            return self.differentiate(result, target, node.order, wrt[0])
        raise ShapeError(f"cannot differentiate {values.describe(result)}")

    def _evalat(self, node: ast.EvalAt, env) -> Value:
        if node.upper is not None:
            ((var, at),) = node.bindings
            high = ast.EvalAt(node.body, ((var, node.upper),))
            low = ast.EvalAt(node.body, ((var, at),))
            return values.add(self.expr(high, env), values.neg(self.expr(low, env)))
        body = self.expr(node.body, env)
        replacements: dict[sympy.Symbol, sympy.Expr] = {}
        for var, at in node.bindings:
            target = self.expr(var, env)
            point = self.expr(at, env)
            if values.is_matrix(target) and not values.is_scalar(point):
                target, point = values.conform([target, point], [pretty(var.name), "its value"])
                if target.shape != point.shape:
                    raise ShapeError(
                        f"cannot evaluate {pretty(var.name)}, {values.describe(target)}, at "
                        f"{values.describe(point)}"
                    )
                replacements.update(zip(target, point, strict=True))
            elif isinstance(target, sympy.Symbol) and values.is_scalar(point):
                replacements[target] = point
            else:  # a discrete symbol: evaluate the body again with its value
                return self.expr(ast.EvalAt(node.body, ()), {**env, var.name: point})
        if not replacements:
            return body
        return values.apply(lambda e: e.subs(replacements), body)

    # --- sums, products, integrals -----------------------------------------------------------
    def _bigop(self, node: ast.BigOp, env) -> Value:
        if node.hi is not None and isinstance(node.hi, ast.Infinity):
            return self._series(node, env)
        terms = [self.expr(node.body, {**env, node.var: v}) for v in self._range(node, env)]
        if node.op == "sum":
            return values.total(terms)
        if not all(values.is_scalar(t) for t in terms):
            raise ShapeError("a product over an index takes scalars")
        return sympy.Mul(*terms)

    def _range(self, node: ast.BigOp, env) -> Iterator[Value]:
        if node.lo is not None:
            return (
                sympy.Integer(v)
                for v in range(self.index(node.lo, env), self.index(node.hi, env) + 1)
            )
        decl = index_declaration(node.var, node.body, self.scope)
        if decl is None or not isinstance(
            decl.domain, FiniteSet | IntRange | DiscreteVector | Counts
        ):
            raise ScopeError(
                f"\\{node.op}_{{{node.var}}} needs bounds",
                hint=f"write \\{node.op}_{{{node.var}=1}}^{{K}} or declare {node.var} as a range",
            )
        return self.support(decl.name, env)

    def _series(self, node: ast.BigOp, env) -> Value:
        """Σ_{y=a}^{∞}: the exact series (or its numeric sum), as an expectation over ℕ is."""
        if node.op != "sum":
            raise ScopeError("an infinite product is not read")
        lo = self.index(node.lo, env)
        element = Interval(float(lo), math.inf, lo_closed=True, integer=True)
        symbol = self.symbol(node.var, element, (node.var, None))
        body = self.expr(node.body, {**env, node.var: symbol})
        return self._integrate(body, symbol, Support(lo, math.inf, integer=True), node.var)

    def _integral(self, node: ast.Integral, env) -> Value:
        decl = self.scope.declarations.get(node.var)
        if node.lo is not None:
            lo, hi = self.expr(node.lo, env), self.expr(node.hi, env)
            if not (lo.is_number and hi.is_number):
                raise ScopeError(
                    "an integral's bounds must be numbers or ±∞",
                    column=node.pos,
                    hint="integrate over the variable's declared domain: \\int f(x) \\, dx",
                )
            support = Support(float(lo), float(hi))
        elif decl is not None and isinstance(decl.domain, Interval):
            dom = decl.domain
            support = Support(dom.lo, dom.hi, integer=dom.integer)
        elif decl is not None:  # a discrete variable: the integral is the sum over its support
            return values.total(
                self.expr(node.body, {**env, node.var: v}) for v in self.support(node.var, env)
            )
        else:
            raise ScopeError(
                f"the domain of {pretty(node.var)} is not declared",
                column=node.pos,
                hint=f"declare {node.var} in :symbols: or write the bounds: \\int_{{0}}^{{1}}",
            )
        element = Interval(support.lo, support.hi, integer=support.integer)
        symbol = self.symbol(node.var, element) if decl is None else self.declared(node.var)
        if not isinstance(symbol, sympy.Symbol):
            raise ScopeError(f"integrate over a scalar variable; {pretty(node.var)} is not one")
        body = self.expr(node.body, {**env, node.var: symbol})
        return self._integrate(body, symbol, support, node.var)

    def _note(self, note: tuple[str, str]) -> None:
        """Remember how an expectation was decided, once (the ledger says which method)."""
        if note not in self.notes:
            self.notes.append(note)

    def _integrate(self, body: Value, symbol: sympy.Symbol, support: Support, var: str) -> Value:
        def one(integrand: sympy.Expr) -> sympy.Expr:
            bounds = tuple(  # the other symbols' declared intervals decide a Piecewise result
                Bound(s, b.lo, b.hi, b.lo_closed, b.hi_closed)
                for s, b in self.bounds.items()
                if s != symbol and s in integrand.free_symbols
            )
            outcome = expectation(integrand, symbol, support, bounds)
            note = (outcome.kind(support), outcome.describe(pretty(var), support))
            self._note(note)
            return outcome.value

        return values.apply(one, body)

    # --- conditions ------------------------------------------------------------------------------
    def _delta(self, node: ast.Delta, env) -> sympy.Expr:
        return sympy.Integer(int(self.index(node.left, env) == self.index(node.right, env)))

    def condition(self, compare: ast.Compare, env) -> sympy.Basic:
        left = self.scalar(compare.left, env, "a condition's side")
        right = self.scalar(compare.right, env, "a condition's side")
        truth = _RELATIONS[compare.relation](left, right)
        if truth not in (sympy.true, sympy.false) and left.is_number and right.is_number:
            truth = sympy.true if sympy.simplify(left - right) == 0 else truth
        return truth

    def _indicator(self, node: ast.Indicator, env) -> sympy.Expr:
        truth = self.condition(ast.Compare(node.relation, node.left, node.right), env)
        if truth is sympy.true:
            return sympy.Integer(1)
        if truth is sympy.false:
            return sympy.Integer(0)
        return sympy.Piecewise((1, truth), (0, True))

    def _cases(self, node: ast.Cases, env) -> Value:
        truths = [
            sympy.And(*(self.condition(c, env) for c in conds)) if conds else sympy.true
            for _, conds in node.branches
        ]
        decided = all(t in (sympy.true, sympy.false) for t in truths)
        if decided:
            chosen = [n for n, t in enumerate(truths) if t is sympy.true]
            stated = [n for n in chosen if node.branches[n][1]]
            if len(stated) > 1:
                raise ScopeError(
                    f"cases {stated[0] + 1} and {stated[1] + 1} both hold here "
                    f"({self._describe_instance(env)})",
                    column=node.pos,
                    hint="the conditions of a definition by cases must exclude each other",
                )
            if not chosen:
                raise ScopeError(
                    f"no case holds here ({self._describe_instance(env)})",
                    column=node.pos,
                    hint="cover every value, or add a last case \\text{otherwise}",
                )
            return self.expr(node.branches[chosen[0]][0], env)
        pieces = [
            (self.scalar(value, env, "a case's value"), truth)
            for (value, _), truth in zip(node.branches, truths, strict=True)
        ]
        return sympy.Piecewise(*pieces)

    def _describe_instance(self, env) -> str:
        shown = {**self.assignment, **{k: v for k, v in env.items() if values.is_scalar(v)}}
        return ", ".join(f"{pretty(k)}={v}" for k, v in shown.items()) or "at every point"

    # --- expectations ----------------------------------------------------------------------------
    def _expect(self, node: ast.Expect, env) -> Value:
        dist = resolve(node, self.scope)

        def mean(body: ast.Node) -> Value:
            return self.average(dist, env, lambda bound: self.expr(body, bound))

        if node.op == "E":
            return mean(node.body)
        first = node.body
        second = node.second if node.op == "Cov" else node.body
        m1 = mean(first)
        m2 = m1 if second is first else mean(second)

        def centred(bound):
            a = values.add(self.expr(first, bound), values.neg(m1))
            b = a if second is first else values.add(self.expr(second, bound), values.neg(m2))
            return _outer(a, b)

        return self.average(dist, env, centred)

    def average(self, dist: Distribution, env, body: Callable[[dict], Value]) -> Value:
        """Σ (or ∫) over the support of the distribution's variable of density × ``body``."""
        return self.expectation(
            dist.var,
            dist.definition,
            env,
            body,
            args=dist.args,
            position=dist.position,
            support=dist.support,
            names=dist.names,
        )

    def expectation(
        self,
        var: str,
        definition: Definition,
        env,
        body: Callable[[dict], Value],
        *,
        args: dict[str, ast.Node] | None = None,
        position: int = 0,
        support: str | None = None,
        names: tuple[str, ...] | None = None,
    ) -> Value:
        """Σ (or ∫) over the support of ``var`` of the density × ``body(env with var)``.

        The density is ``definition`` with ``var`` in argument ``position``, the parameters in
        ``args`` as written there (in the caller's ``env``) and the others its own.
        """
        args = args or {}
        names = names or (var,)
        params = definition.params
        fixed = {
            p: definition.receive(p, self.expr(args[p], env))
            if p in args
            else self.expr(ast.Sym(p), env)
            for n, p in enumerate(params)
            if n != position
        }

        def weighted(value: Value) -> Value:
            density = self.expr(definition.body, {**fixed, params[position]: value})
            if not values.is_scalar(density):
                raise ShapeError(f"a density is a scalar; {definition.name} is not")
            bound = {**env, **dict.fromkeys(names, value)}
            return values.mul(density, body(bound))

        decl = self.scope.declarations.get(support or var)
        if decl is not None and isinstance(decl.domain, Simplex):
            return self._over_simplex(self.size(decl.domain.size), weighted, var)
        if (
            decl is not None
            and isinstance(decl.domain, Vector)
            and isinstance(decl.domain.element, Interval)
            and not decl.domain.element.integer
        ):
            dom = decl.domain
            return self._over_box(self.size(dom.size), dom.element, weighted, var)
        if decl is not None and isinstance(decl.domain, Interval):
            # an infinite support: the exact integral or series, else a numeric method
            dom = decl.domain
            symbol = self.symbol(var, dom, (var, None))
            return self._integrate(
                weighted(symbol), symbol, Support(dom.lo, dom.hi, integer=dom.integer), var
            )
        return values.total(weighted(value) for value in self.support(support or var, env))

    def _over_box(
        self, size: int, element: Interval, weighted: Callable[[Value], Value], var: str
    ) -> Value:
        """∫ over a box element^K (ℝ^K for a diagonal Gaussian), one coordinate at a time,
        each exactly (Gaussian moments, Euler integrals, sympy); a step that is not exact is
        refused, as over the simplex."""
        coords = [self.symbol(f"{var}_c{i + 1}", element) for i in range(size)]
        support = Support(element.lo, element.hi)

        def one(integrand: sympy.Expr) -> sympy.Expr:
            value = integrand
            for c in reversed(coords):
                outcome = expectation(value, c, support)
                if not outcome.exact:
                    raise ScopeError(
                        f"the integral over {pretty(var)} is not exact one coordinate at a "
                        f"time ({outcome.method})",
                        hint="an expectation over a vector of reals is read for integrands "
                        "that factor over its components, such as a diagonal Gaussian",
                    )
                value = outcome.value
            note = ("integral", f"E over {pretty(var)} exact, one coordinate at a time")
            self._note(note)
            return value

        return values.apply(one, weighted(values.Matrix(coords)))

    def _over_simplex(self, size: int, weighted: Callable[[Value], Value], var: str) -> Value:
        """∫ over the simplex Δ^{K−1} (Lebesgue measure on its K − 1 free coordinates), exactly.

        In stick-breaking coordinates s ∈ (0, 1)^{K−1}, x_i = s_i Π_{j<i} (1 − s_j) and
        x_K = Π_{j<K} (1 − s_j), with Jacobian Π_i (1 − s_i)^{K−1−i}: a Dirichlet kernel
        Π x_i^{ν_i − 1} becomes a product of Beta kernels, and each s_i, innermost first, is an
        integral over (0, 1) that Euler's integral (or sympy) decides exactly. A step that is not
        exact is refused: a quadrature of a quadrature would be neither exact nor fast.
        """
        free = [sympy.Symbol(f"{var}_s{i + 1}", positive=True) for i in range(size - 1)]
        room, coords = sympy.Integer(1), []
        for s in free:
            coords.append(room * s)
            room *= 1 - s
        coords.append(room)
        jacobian = sympy.Mul(*((1 - s) ** (size - 2 - i) for i, s in enumerate(free)))

        def one(integrand: sympy.Expr) -> sympy.Expr:
            value = sympy.expand_power_base(integrand * jacobian, force=True)
            for s in reversed(free):
                outcome = expectation(sympy.powdenest(value, force=True), s, Support(0.0, 1.0))
                if not outcome.exact:
                    raise ScopeError(
                        f"the integral over the simplex of {pretty(var)} is not exact in "
                        f"stick-breaking coordinates ({outcome.method})",
                        hint="an expectation over a simplex is read for Dirichlet-type "
                        "integrands, products of powers of the components",
                    )
                value = sympy.expand_power_base(outcome.value, force=True)
            note = (
                "integral",
                f"E over {pretty(var)} on the simplex exact by Euler integrals in "
                "stick-breaking coordinates",
            )
            self._note(note)
            return sympy.simplify(value)

        return values.apply(one, weighted(values.Matrix(coords)))

    def support(self, name: str, env) -> Iterator[Value]:
        """Every value of a discrete symbol (its support, for expectations)."""
        decl = self.scope.declarations.get(name)
        if decl is None:
            raise ScopeError(f"the support of {pretty(name)} is not declared")
        dom = decl.domain
        if isinstance(dom, FiniteSet | IntRange):
            yield from self._domain_values(dom, env)
        elif isinstance(dom, DiscreteVector):
            each = list(self._domain_values(dom.values, env))
            for combination in itertools.product(each, repeat=self.size(dom.size)):
                yield values.Matrix(list(combination))
        elif isinstance(dom, Counts):
            for counts in compositions(self.size(dom.size), self.index(dom.total, env)):
                yield values.Matrix([sympy.Integer(c) for c in counts])
        else:
            raise ScopeError(
                f"an expectation over {pretty(name)} needs a discrete support; got {decl.source}"
            )

    def _domain_values(self, dom, env) -> Iterator[sympy.Expr]:
        if isinstance(dom, FiniteSet):
            yield from (self.scalar(v, env, "a value of a finite set") for v in dom.values)
        elif isinstance(dom, IntRange):
            lo, hi = self.index(dom.lo, env), self.index(dom.hi, env)
            yield from (sympy.Integer(v) for v in range(lo, hi + 1))
        else:  # pragma: no cover - domains.Map guards
            raise ScopeError("a map's table needs finite sets")


_SCALAR_FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "ln": sympy.log,
    "exp": sympy.exp,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "atan": sympy.atan,
    "atanh": sympy.atanh,
    "sigma": lambda x: 1 / (1 + sympy.exp(-x)),
    "logit": lambda x: sympy.log(x / (1 - x)),
}


def _gradient(f: Value, target: values.Matrix, name: str) -> Value:
    """The gradient of a scalar (shaped like ``target``) or the Jacobian of a vector."""
    if values.is_scalar(f):
        return values.Matrix(target.shape[0], target.shape[1], [sympy.diff(f, v) for v in target])
    if values.is_matrix(f) and f.shape[1] == 1 and target.shape[1] == 1:
        return values.Matrix([[sympy.diff(fi, v) for v in target] for fi in f])
    raise ShapeError(
        f"cannot differentiate {values.describe(f)} by {name}, {values.describe(target)}",
        hint="a gradient is of a scalar; a Jacobian of a vector by a vector",
    )


def _outer(a: Value, b: Value) -> Value:
    """(a − E a)(b − E b): a product of scalars, the outer product of vectors."""
    if values.is_scalar(a) and values.is_scalar(b):
        return a * b
    if values.is_scalar(a) or values.is_scalar(b):
        raise ShapeError(
            f"a covariance takes two scalars or two vectors; got {values.describe(a)} and "
            f"{values.describe(b)}"
        )
    return values.mul(a, values.transpose(b))


def compositions(parts: int, total: int) -> Iterator[tuple[int, ...]]:
    """Every vector of ``parts`` non-negative integers summing to ``total``.

    >>> list(compositions(2, 2))
    [(0, 2), (1, 1), (2, 0)]
    """
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        bounds = (-1, *cuts, total + parts - 1)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(parts))
