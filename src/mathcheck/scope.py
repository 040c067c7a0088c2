r"""What a page has declared so far: symbol domains and definitions, in reading order.

Pages are read top to bottom; a later declaration or definition of a name replaces the earlier
one from that point on (so a page can define ``g(y; p)`` for the mean parameter and later
``g(y; \theta)`` for the logit parameter). A declaration that would change the domain of a
symbol a definition uses is refused by the page (:mod:`.page`); a formula's ``:where:``
declarations hold for that formula alone (:meth:`Scope.narrowed`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .domains import Declaration
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
    density: bool = False
    package: str | None = None

    @property
    def is_function(self) -> bool:
        return bool(self.params)

    @property
    def outcome(self) -> str | None:
        """The random variable of a density: its first argument."""
        return self.params[0] if self.density else None


@dataclass
class Scope:
    declarations: dict[str, Declaration] = field(default_factory=dict)
    definitions: dict[str, Definition] = field(default_factory=dict)
    _history: list[str] = field(default_factory=list)

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
        return {name for name, d in self.definitions.items() if d.is_function}

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

    def narrowed(self, declarations: list[Declaration], source: str) -> Scope:
        """A copy of this scope with ``declarations`` added: for one formula's ``:where:``."""
        scope = Scope(dict(self.declarations), dict(self.definitions), list(self._history))
        scope.declare(declarations, f"where:{source}")
        return scope

    def fingerprint(self) -> str:
        """A digest of everything declared so far: a formula's result depends on it."""
        return hashlib.sha256(json.dumps(self._history).encode()).hexdigest()
