r"""What a page has declared so far: symbol domains and definitions, in reading order.

Pages are read top to bottom; a later declaration or definition of a name replaces the earlier
one from that point on (so a page can define ``g(y; p)`` for the mean parameter and later
``g(y; \theta)`` for the logit parameter).

The page's *latest density* is what the field's shorthand refers to: a bare ``\nabla``
differentiates by its parameters, ``\mathbb{E}[\dots]`` without a subscript averages over its
random variable. It is the latest function definition that reads as a density (its arguments
split by ``;`` or ``\mid``, parameters written as subscripts, or a ``:torch:`` binding), else
the latest function definition.

A declaration that would change the domain of a symbol a definition uses is refused by the page
(:mod:`.page`); a formula's ``:where:`` declarations hold for that formula alone
(:meth:`Scope.narrowed`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import sympy

from .domains import Declaration, Interval, Map, Matrix, Simplex, Vector
from .latex import Node


@dataclass(frozen=True)
class Definition:
    """``name(params) = body`` (a function) or ``name_{indices} = body`` (an abbreviation).

    A function whose outcome stands before a semicolon, ``g(y; p)``, is a *density* (or mass
    function) of that outcome: it must normalise, and expectations over the outcome use it.
    """

    name: str
    params: tuple[str, ...]
    indices: tuple[str, ...]
    body: Node
    latex: str
    label: str
    torch: str | None = None
    given: int | None = None  # arguments before the first ';' or '\\mid' (None: no separator)
    bar: bool = False  # the separator was '\\mid' (a conditional density, π(a | s, θ))
    subs: int = 0  # the last ``subs`` parameters were written as subscripts (π_θ(a | s))
    powers: tuple[tuple[str, int], ...] = ()  # parameters written as powers: 𝒩(x | μ, σ²)
    # I(p) = E[…] = 1/(p(1 − p)): the relations that continue the body (sides, starts, relations)
    continued: tuple[tuple[Node, ...], tuple[int, ...], tuple[str, ...]] | None = None

    def receive(self, param: str, value):
        """The value of ``param`` when the argument written for it is ``value``: the root of
        it for a parameter written as a power (𝒩(x | μ, v) has σ = √v)."""
        power = dict(self.powers).get(param)
        if power is None:
            return value
        return value ** sympy.Rational(1, power)

    density: bool = False
    package: str | None = None

    @property
    def is_function(self) -> bool:
        return bool(self.params)

    @property
    def reads_as_density(self) -> bool:
        return self.is_function and (self.given is not None or bool(self.subs) or bool(self.torch))

    def parameters(self, scope: Scope) -> tuple[str, ...]:
        """What a bare ∇ differentiates by: the arguments after ';', else the continuous ones
        after '\\mid' (π(a | s, θ) → θ), else the subscripts, else the continuous arguments
        after the first."""
        if self.given is not None and not self.bar:
            return self.params[self.given :]
        if self.given is not None:
            rest = self.params[self.given :]
        elif self.subs:
            return self.params[len(self.params) - self.subs :]
        else:
            rest = self.params[1:]
        return tuple(p for p in rest if scope.is_continuous(p))

    @property
    def outcome(self) -> str | None:
        """The random variable of a density: its first argument."""
        return self.params[0] if self.density else None


@dataclass
class Scope:
    declarations: dict[str, Declaration] = field(default_factory=dict)
    definitions: dict[str, Definition] = field(default_factory=dict)
    _history: list[str] = field(default_factory=list)

    def copy(self) -> Scope:
        """A scope to extend without changing this one (a check's extra symbols)."""
        return Scope(dict(self.declarations), dict(self.definitions), list(self._history))

    def declare(self, declarations: list[Declaration], source: str) -> None:
        for decl in declarations:
            self.declarations[decl.name] = decl
        if declarations:
            self._history.append(f"symbols:{source}")

    def define(self, definition: Definition) -> None:
        self.definitions.pop(definition.name, None)  # re-insert: order is reading order
        self.definitions[definition.name] = definition
        self._history.append(
            f"def:{definition.label}:{definition.latex}:{definition.torch}:{definition.package}"
        )

    @property
    def functions(self) -> set[str]:
        """Names written as f(x): functions defined on the page and declared maps."""
        defined = {name for name, d in self.definitions.items() if d.is_function}
        return defined | {n for n, d in self.declarations.items() if isinstance(d.domain, Map)}

    def is_continuous(self, name: str) -> bool:
        """A declared real scalar, vector or matrix (what a gradient can be taken by)."""
        decl = self.declarations.get(name)
        if decl is None:
            return False
        dom = decl.domain
        if isinstance(dom, Interval):
            return not dom.integer
        return isinstance(dom, Vector | Matrix | Simplex)

    @property
    def symbols(self) -> set[str]:
        return set(self.declarations) | {
            n for n, d in self.definitions.items() if not d.is_function
        }

    def bindings(self) -> list[str]:
        """The bindings of the definitions so far (a claim may be checked against them)."""
        return [b for d in self.definitions.values() for b in (d.torch, d.package) if b]

    def distribution_of(self, variable: str) -> Definition | None:
        """The latest density whose outcome is ``variable``."""
        for definition in reversed(list(self.definitions.values())):
            if definition.outcome == variable:
                return definition
        return None

    def latest_density(self) -> Definition | None:
        """The page's latest density (see the module's docstring), None before any."""
        functions = [d for d in reversed(list(self.definitions.values())) if d.is_function]
        return next((d for d in functions if d.reads_as_density), None) or next(
            iter(functions), None
        )

    def density_with_parameter(self, name: str) -> Definition | None:
        """The latest density among whose parameters (not its first argument) is ``name``."""
        for definition in reversed(list(self.definitions.values())):
            if definition.is_function and name in definition.params[1:]:
                return definition
        return None

    def narrowed(self, declarations: list[Declaration], source: str) -> Scope:
        """A copy of this scope with ``declarations`` added: for one formula's ``:where:``."""
        scope = self.copy()
        scope.declare(declarations, f"where:{source}")
        return scope

    def fingerprint(self) -> str:
        """A digest of everything declared so far: a formula's result depends on it."""
        return hashlib.sha256(json.dumps(self._history).encode()).hexdigest()
