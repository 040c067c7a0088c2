r"""What a page has declared so far: symbol domains and definitions, in reading order.

Pages are read top to bottom; a later declaration or definition of a name replaces the earlier
one from that point on (so a page can define ``g(y; p)`` for the mean parameter and later
``g(y; \theta)`` for the logit parameter).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .domains import Declaration
from .latex import Node


@dataclass(frozen=True)
class Definition:
    """``name(params) = body`` (a function) or ``name_{indices} = body`` (an abbreviation)."""

    name: str
    params: tuple[str, ...]
    indices: tuple[str, ...]
    body: Node
    latex: str
    label: str
    torch: str | None = None

    @property
    def is_function(self) -> bool:
        return bool(self.params)


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
        self._history.append(f"def:{definition.label}:{definition.latex}:{definition.torch}")

    @property
    def functions(self) -> set[str]:
        return {name for name, d in self.definitions.items() if d.is_function}

    @property
    def symbols(self) -> set[str]:
        return set(self.declarations) | {
            n for n, d in self.definitions.items() if not d.is_function
        }

    def bindings(self) -> list[str]:
        """The ``:torch:`` code of the definitions so far (a claim may be checked against it)."""
        return [d.torch for d in self.definitions.values() if d.torch]

    def distribution_of(self, variable: str) -> Definition | None:
        """The latest function definition whose first argument is ``variable``."""
        for definition in reversed(list(self.definitions.values())):
            if definition.is_function and definition.params[0] == variable:
                return definition
        return None

    def fingerprint(self) -> str:
        """A digest of everything declared so far: a formula's result depends on it."""
        return hashlib.sha256(json.dumps(self._history).encode()).hexdigest()
