r"""Check a page's formulas in reading order: the one core behind the CLI and the Sphinx build.

A page keeps only its scope (what has been declared and defined so far) and the order; each
formula goes one way through the verifier: read (:mod:`.reading`), instantiated and checked
(:mod:`.verdicts`, :mod:`.checks`), remembered (:mod:`.cache`).

Two rules belong to the page, because they are about order:

* a definition was checked on the domains its symbols had then; once a later ``:symbols:``
  changes one of them (narrows it, or gives the name a new meaning in a new section), a
  formula that uses the definition is refused, since it would be checked on a domain the
  definition never was, without its caption saying so. Define it again after the new
  declaration; or, to check one formula on a narrower domain, give it ``:where:``, which holds
  for that formula alone and shows in its caption;
* after a declaration or definition fails, a formula that uses what it declared or defined is
  not checked (it would only fail for a reason that is not its own): it is reported as not
  checked, naming the failed formula.

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
docs/example.md:12: eq-bad: lhs − rhs ≠ 0 at y=0, p=0.637 (lhs −2.75, rhs 2.75; they differ ...
"""

from __future__ import annotations

import time

from . import hints, verdicts
from . import latex as ast
from .cache import Cache, binding_roots, dependencies_digest
from .domains import Declaration, parse_declarations, readable, split_entries
from .errors import FormulaError, ScopeError
from .exemptions import AllowList
from .instances import used_definitions, uses
from .reading import (
    defined_name,
    defined_outcome,
    expected,
    mentions,
    read_chains,
    read_definitions,
)
from .records import Formula, Result
from .scope import Definition, Scope
from .translate import pretty
from .uses import Statements, definitions_used


class Page:
    """The verifier's view of one page: its scope, and the results so far.

    ``exemptions`` are the reviewed exemption reasons; by default the list nearest to
    ``source`` (see :mod:`.exemptions`).
    """

    def __init__(
        self,
        source: str,
        *,
        cache: Cache | None = None,
        seed: int = 0,
        exemptions: AllowList | None = None,
    ):
        self.source = source
        self.scope = Scope()
        self.cache = cache
        self.seed = seed
        self.exemptions = exemptions if exemptions is not None else AllowList.find(source)
        self.results: list[Result] = []
        self.roots: set[str] = set()  # packages the page's bindings name (torch, eligibility)
        self.statements = Statements()  # what each claim so far was about (see :mod:`.uses`)
        self.failed: dict[str, str] = {}  # name → the failed formula that declared or defined it
        self.failed_outcomes: dict[str, str] = {}  # y → the failed density of y
        self.checked_on: dict[str, dict[str, Declaration]] = {}  # definition → its domains

    def check(self, formula: Formula) -> list[Result]:
        """Check one formula (and add what it declares or defines to the page's scope)."""
        start = time.perf_counter()
        key = None
        try:
            self._declare(formula)
            blocked = self._blocked(formula)
            if blocked:
                results = [verdicts.result(formula, problems=[blocked])]
            else:
                results, key = self._check(formula)
        except FormulaError as exc:
            results = [verdicts.result(formula, problems=[str(hints.improve(exc, formula.latex))])]
        if formula.kind == "definition" and not all(r.ok for r in results):
            self._failed(defined_name(formula.latex), formula, "definition")
            outcome = defined_outcome(formula.latex)
            if outcome:
                self.failed_outcomes[outcome] = f"density {formula.label} (line {formula.line})"
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
            if formula.kind == "definition" and not self._blocked(formula):
                self._define(read_definitions(formula, self.scope))
        except FormulaError:
            pass  # whoever checks this formula reports it

    def _declare(self, formula: Formula) -> None:
        """Take in ``:symbols:``: each entry on its own, so one bad entry spoils only its names."""
        self.roots |= binding_roots(formula.torch) | binding_roots(formula.package)
        if not formula.symbols:
            return
        first_error: FormulaError | None = None
        good: list[Declaration] = []
        for entry in split_entries(formula.symbols):
            try:
                good += parse_declarations(entry)
            except FormulaError as exc:
                first_error = first_error or exc
                for name in _names_of(entry):
                    self._failed(name, formula, "declaration")
        self.scope.declare(good, formula.symbols)
        for declaration in good:
            self.failed.pop(declaration.name, None)
        if first_error is not None:
            raise first_error

    def _stale(self, nodes: list[ast.Node], own: str | None = None) -> None:
        """Refuse a formula that uses a definition whose domains have changed since its check."""
        scope = self.scope
        if own in scope.definitions:  # a redefinition does not rest on what it replaces
            scope = scope.copy()
            del scope.definitions[own]
        for name in used_definitions(nodes, scope):
            for symbol, then in self.checked_on.get(name, {}).items():
                now = self.scope.declarations.get(symbol)
                if now is None or now.domain == then.domain:
                    continue
                definition = self.scope.definitions[name]
                raise ScopeError(
                    f"it uses {pretty(name)} ({definition.label}), which was checked for "
                    f"{readable(then.latex)}; {pretty(symbol)} has since been declared "
                    f"{readable(now.latex)}, a domain {pretty(name)} was never checked on",
                    hint=f"define {pretty(name)} again after that declaration; or keep the "
                    f"declaration as it was and give this formula alone the domain with "
                    f":where: {now.latex} (its caption shows it)",
                )

    def _define(self, definitions: list[Definition]) -> None:
        """The helpers first, so that the display's main definition is the page's latest; each
        remembers the domains it was checked on (see :meth:`_stale`)."""
        for definition in [*definitions[1:], definitions[0]]:
            self.scope.define(definition)
            self.failed.pop(definition.name, None)
            self.checked_on[definition.name] = {
                n: self.scope.declarations[n]
                for n in uses(definition, self.scope)
                if n in self.scope.declarations
            }

    def _failed(self, name: str | None, formula: Formula, what: str) -> None:
        if name:
            self.failed[name] = f"{what} {formula.label} (line {formula.line})"

    def _blocked(self, formula: Formula) -> str | None:
        """Why ``formula`` is not checked: it uses a name whose declaration or definition failed."""
        if not (self.failed or self.failed_outcomes):
            return None
        own = defined_name(formula.latex) if formula.kind == "definition" else None
        for name in mentions(formula.latex) - {own}:
            if name in self.failed:
                return (
                    f"not checked: it uses {pretty(name)}, whose {self.failed[name]} failed; "
                    "fix that formula first"
                )
        for var in expected(formula.latex):
            if var in self.failed_outcomes and self.scope.distribution_of(var) is None:
                return (
                    f"not checked: it takes an expectation over {pretty(var)}, whose "
                    f"{self.failed_outcomes[var]} failed; fix that formula first"
                )
        return None

    def _check(self, formula: Formula) -> tuple[list[Result], str | None]:
        if formula.kind == "exempt":
            return verdicts.exempt(formula, self.exemptions), None
        scope = self.scope
        if formula.where:
            if formula.kind == "definition":
                raise FormulaError(
                    "a definition holds for the rest of the page, so its domains cannot be "
                    "limited to itself",
                    hint="declare its symbols with :symbols:",
                )
            scope = scope.narrowed(parse_declarations(formula.where), formula.label)
        key = self.cache.key(formula, scope) if self.cache else None
        cached = self.cache.get(key) if key else None
        if formula.kind == "definition":
            main, *helpers = read_definitions(formula, scope)
            bodies = [d.body for d in (main, *helpers)]
            self._stale(bodies, own=main.name)
            trial = scope.copy()  # the helpers the display names are in force for its check
            for helper in helpers:
                trial.define(helper)
            results = cached or verdicts.definition(formula, main, trial, self.seed)
            uses = definitions_used(bodies, self.scope, own=main.name)
            uses += self.statements.restated(bodies)
            if all(r.ok for r in results):
                self._define([main, *helpers])
                for definition in (main, *helpers):
                    self.statements.forget(definition.name)
        else:
            chains = read_chains(formula, scope)
            sides = [side for chain in chains for side in chain.sides]
            self._stale(sides)
            results = cached or verdicts.chains(formula, chains, scope, self.seed)
            uses = definitions_used(sides, self.scope) + self.statements.restated(sides)
            for chain in chains:
                self.statements.state(chain.sides[0], formula.label)
        for result in results:  # not part of the verdict: read afresh, even when remembered
            result.uses = list(uses)
        return results, key


def _names_of(entry: str) -> list[str]:
    """The names an entry declares, read from the text before ``\\in`` (for a broken entry).

    >>> _names_of(r"\\mu, s \\in (0 1)")
    ['mu', 's']
    """
    head = entry.split("\\in", 1)[0]
    names = (name.strip().lstrip("\\") for name in head.split(","))
    return [name for name in names if name]
