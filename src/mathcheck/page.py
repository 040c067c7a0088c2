r"""Check a page's formulas in reading order: the one core behind the CLI and the Sphinx build.

A page keeps only its scope (what has been declared and defined so far) and the order; each
formula goes one way through the verifier: read (:mod:`.reading`), instantiated and checked
(:mod:`.verdicts`, :mod:`.checks`), remembered (:mod:`.cache`).

>>> from mathcheck.records import Formula
>>> page = Page("docs/example.md")
>>> _ = page.check(Formula("definition", "eq-pmf", r"g(y; p) = p^{y} (1 - p)^{1 - y}",
...     "docs/example.md", 3, 6, symbols=r"y \in \{0, 1\}; p \in (0, 1)"))
>>> lhs = r"\frac{\partial \ln g(y; p)}{\partial p}"
>>> [r] = page.check(Formula("claim", "eq-e", lhs + r" = \frac{y - p}{p (1 - p)}",
...     "docs/example.md", 9, 10))
>>> r.ok, r.methods
(True, ['symbolic', 'numeric'])
>>> [r] = page.check(Formula("claim", "eq-bad", lhs + r" = \frac{p - y}{p (1 - p)}",
...     "docs/example.md", 12, 13))
>>> print(r.messages()[0])
docs/example.md:12: eq-bad: lhs − rhs ≠ 0 at y=0, p=0.637 (lhs −2.76, rhs 2.76)
"""

from __future__ import annotations

import time

from . import verdicts
from .cache import Cache, binding_roots, dependencies_digest
from .domains import parse_declarations
from .errors import FormulaError
from .reading import read_chains, read_definitions
from .records import Formula, Result
from .scope import Scope
from .uses import Statements, definitions_used


class Page:
    """The verifier's view of one page: its scope, and the results so far."""

    def __init__(self, source: str, *, cache: Cache | None = None, seed: int = 0):
        self.source = source
        self.scope = Scope()
        self.cache = cache
        self.seed = seed
        self.results: list[Result] = []
        self.roots: set[str] = set()  # packages the page's bindings name (torch, eligibility)
        self.statements = Statements()  # what each claim so far was about (see :mod:`.uses`)

    def check(self, formula: Formula) -> list[Result]:
        """Check one formula (and add what it declares or defines to the page's scope)."""
        start = time.perf_counter()
        key = None
        try:
            results, key = self._check(formula)
        except FormulaError as exc:
            results = [verdicts.result(formula, problems=[str(exc)])]
        elapsed = time.perf_counter() - start
        for result in results:
            if not result.cached and not result.elapsed:  # adopted results keep their own
                result.elapsed = elapsed / len(results)
        if key and all(r.ok and not r.cached for r in results):
            self.cache.put(key, results)  # after timing, so a result remembers what it cost
        self.results.extend(results)
        return results

    def dependencies(self) -> str:
        """A digest of everything outside the page its verdicts depend on (see :mod:`.cache`)."""
        return dependencies_digest(self.roots)

    def enter(self, formula: Formula) -> None:
        """Take in what ``formula`` declares or defines, without checking it.

        For a worker that checks only some of a page's formulas (the others are checked
        elsewhere) but needs the page's scope as the page builds it up.
        """
        try:
            self._declare(formula)
            if formula.kind == "definition":
                self._define(read_definitions(formula, self.scope))
        except FormulaError:
            pass  # whoever checks this formula reports it

    def _define(self, definitions: list) -> None:
        """The helpers first, so that the display's main definition is the page's latest."""
        for definition in [*definitions[1:], definitions[0]]:
            self.scope.define(definition)

    def _declare(self, formula: Formula) -> None:
        self.roots |= binding_roots(formula.torch) | binding_roots(formula.package)
        if formula.symbols:
            self.scope.declare(parse_declarations(formula.symbols), formula.symbols)

    def _check(self, formula: Formula) -> tuple[list[Result], str | None]:
        self._declare(formula)
        if formula.kind == "exempt":
            return verdicts.exempt(formula), None
        key = self.cache.key(formula, self.scope) if self.cache else None
        cached = self.cache.get(key) if key else None
        if formula.kind == "definition":
            main, *helpers = read_definitions(formula, self.scope)
            trial = self.scope.copy()  # the helpers the display names are in force for its check
            for helper in helpers:
                trial.define(helper)
            results = cached or verdicts.definition(formula, main, trial, self.seed)
            bodies = [d.body for d in (main, *helpers)]
            uses = definitions_used(bodies, self.scope, own=main.name)
            uses += self.statements.restated(bodies)
            if all(r.ok for r in results):
                self._define([main, *helpers])
                for definition in (main, *helpers):
                    self.statements.forget(definition.name)
        else:
            chains = read_chains(formula, self.scope)
            results = cached or verdicts.chains(formula, chains, self.scope, self.seed)
            sides = [side for chain in chains for side in chain.sides]
            uses = definitions_used(sides, self.scope) + self.statements.restated(sides)
            for chain in chains:
                self.statements.state(chain.sides[0], formula.label)
        for result in results:  # not part of the verdict: read afresh, even when remembered
            result.uses = list(uses)
        return results, key
