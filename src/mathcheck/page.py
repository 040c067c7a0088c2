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
  checked, naming the failed formula;
* an inline relation (``$…$`` in the text) is checked against the scope at its place on the
  page: what the displays above it declared and defined, whatever order it is handed in (the
  Sphinx build meets inline math only after reading every display of the page);
* a theorem's statement (kind ``statement``) must hold a verified relation on its lines,
  inline or displayed, or be exempted with a reviewed reason.

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
from contextlib import contextmanager
from dataclasses import dataclass

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
    states_relation,
)
from .records import Evidence, Formula, Result
from .scope import Definition, Scope
from .translate import pretty
from .uses import Statements, definitions_used


@dataclass
class _State:
    """What a formula is checked against: the page's scope and what has failed so far."""

    scope: Scope
    failed: dict[str, str]
    failed_outcomes: dict[str, str]
    checked_on: dict[str, dict[str, Declaration]]


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
        self.before: list[tuple[int, _State]] = []  # (line of a display, the state before it)

    def check(self, formula: Formula) -> list[Result]:
        """Check one formula (and add what it declares or defines to the page's scope).

        An inline formula that states no relation has nothing to check: no result.
        """
        if formula.kind == "statement":
            results = [self._statement(formula)]
            self.results.extend(results)
            return results
        if formula.kind == "inline":
            if not (formula.notation or states_relation(formula.latex)):
                return []
            with self._at(formula.line):
                return self._timed(formula)
        self.before.append((formula.line, self._state()))
        return self._timed(formula)

    def _state(self) -> _State:
        return _State(
            self.scope.copy(),
            dict(self.failed),
            dict(self.failed_outcomes),
            dict(self.checked_on),
        )

    @contextmanager
    def _at(self, line: int):
        """The page as it stood at ``line``: before the first display checked below it."""
        below = [(at, state) for at, state in self.before if at > line]
        if not below:  # no display below it has been checked: the page as it stands
            yield
            return
        now = self._state()
        state = min(below, key=lambda item: item[0])[1]
        self.scope, self.failed = state.scope, state.failed
        self.failed_outcomes, self.checked_on = state.failed_outcomes, state.checked_on
        try:
            yield
        finally:
            self.scope, self.failed = now.scope, now.failed
            self.failed_outcomes, self.checked_on = now.failed_outcomes, now.checked_on

    def _timed(self, formula: Formula) -> list[Result]:
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
            exc = hints.improve(exc, formula.latex)
            if formula.kind == "inline":  # no options in the text: the roles instead
                hint = (
                    hints.INLINE
                    if ":algebra:" in (exc.hint or "")
                    else f"{exc.hint}; {hints.INLINE}"
                )
                exc = FormulaError(exc.message, column=exc.column, hint=hint)
            results = [verdicts.result(formula, problems=[str(exc)])]
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

    def _statement(self, formula: Formula) -> Result:
        """A theorem's statement: verified through the relations on its lines (inline or
        displayed) that were verified; exempt with a reviewed reason; failing otherwise."""
        inside = [
            r
            for r in self.results
            if formula.line <= r.line <= formula.end_line and r.kind != "statement"
        ]
        verified = [r for r in inside if r.ok and r.status == "verified"]
        failing = [r for r in inside if not r.ok and r.kind != "exempt"]
        labels = list(dict.fromkeys(r.label for r in verified))
        verdict = verdicts.result(formula)
        verdict.uses = labels
        if formula.reason:
            verdict.evidence = [Evidence("exempt", ok=True, detail=formula.reason)]
            verdict.problems = self.exemptions.problems(formula.reason)
            if verified:
                verdict.problems.append(
                    f"exempted, but its statement holds the verified relation {labels[0]}: "
                    "remove the exemption"
                )
            return verdict
        if failing:
            verdict.problems.append(
                f"its statement is not verified: {failing[0].label} (line {failing[0].line}) failed"
            )
        elif not verified:
            marked = [r for r in inside if r.status == "notation"]
            why = " (only notation)" if marked else ""
            verdict.problems.append(
                str(
                    FormulaError(
                        f"its statement holds no checked relation{why}: what the theorem "
                        "states is prose the verifier cannot read",
                        hint=hints.STATEMENT,
                    )
                )
            )
        detail = "states " + ", ".join(labels) if labels else ""
        verdict.evidence = [Evidence("statement", ok=not verdict.problems, detail=detail)]
        return verdict

    def _inline(self, formula: Formula) -> list[Result]:
        """A relation the author marked as notation names something; it proves nothing."""
        verdict = verdicts.result(formula)
        if not states_relation(formula.latex):
            verdict.problems.append(
                str(
                    FormulaError(
                        "marked as notation, but it states no relation",
                        hint="write it as plain inline math ($...$); {notation} marks a "
                        "relation that defines a name, as in {notation}`x = (x_1, \\dots, x_K)`",
                    )
                )
            )
        detail = "marked as notation: defines a name, nothing to check it against"
        verdict.evidence = [Evidence("notation", ok=not verdict.problems, detail=detail)]
        return [verdict]

    def _check(self, formula: Formula) -> tuple[list[Result], str | None]:
        if formula.kind == "exempt":
            return verdicts.exempt(formula, self.exemptions), None
        if formula.kind == "inline" and formula.notation:
            return self._inline(formula), None
        if formula.kind == "inline" and formula.reason:  # in a block exempted as a whole
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
            if formula.kind != "inline":  # an aside in the text is no claim later ones restate
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
