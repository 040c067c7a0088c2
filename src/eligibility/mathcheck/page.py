r"""Check a page's formulas in reading order: the one core behind the CLI and the Sphinx build.

>>> from eligibility.mathcheck.records import Formula
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
from dataclasses import dataclass

import numpy as np
import sympy

from . import bindings, prove
from . import latex as ast
from .cache import Cache
from .domains import Counts, FiniteSet, Interval, IntRange, parse_declarations
from .errors import FormulaError
from .instances import Sampler, instances, needed_names, size_names, symbol_values
from .records import Evidence, Formula, Result
from .scope import Definition, Scope
from .translate import Translator, pretty

N_RANDOM = 50  # random points per instance, besides the edge points of every domain


@dataclass
class _Sides:
    """Per-instance evaluations of the expressions of one formula."""

    assignment: dict
    columns: dict[str, np.ndarray]
    values: list[np.ndarray]
    exprs: list[sympy.Expr]
    constraints: dict
    rows: int
    symbol_values: dict
    notes: list[tuple[str, str]]  # (method, how) for each infinite expectation

    def precise(self, which: int, rows: np.ndarray) -> np.ndarray:
        """Expression ``which`` at ``rows``, re-evaluated with 50 significant digits."""
        out = self.values[which].copy()
        for row in rows:
            out[row] = prove.evaluate_precise(self.exprs[which], self.symbol_values, int(row))
        return out


class Page:
    """The verifier's view of one page: its scope, and the results so far."""

    def __init__(self, source: str, *, cache: Cache | None = None, seed: int = 0):
        self.source = source
        self.scope = Scope()
        self.cache = cache
        self.seed = seed
        self.results: list[Result] = []
        self._to_cache: str | None = None

    # --- entry point ---------------------------------------------------------------------
    def check(self, formula: Formula) -> list[Result]:
        """Check one formula (and add what it declares or defines to the page's scope)."""
        start = time.perf_counter()
        self._to_cache = None
        try:
            results = self._check(formula)
        except FormulaError as exc:
            results = [self._result(formula, problems=[str(exc)])]
        elapsed = time.perf_counter() - start
        for result in results:
            if not result.cached and not result.elapsed:  # adopted results keep their own
                result.elapsed = elapsed / len(results)
        if self._to_cache:  # after timing, so a result remembers what it cost
            self.cache.put(self._to_cache, results)
        self.results.extend(results)
        return results

    def enter(self, formula: Formula) -> None:
        """Take in what ``formula`` declares or defines, without checking it.

        For a worker that checks only some of a page's formulas (the others are checked
        elsewhere) but needs the page's scope as the page builds it up.
        """
        try:
            if formula.symbols:
                self.scope.declare(parse_declarations(formula.symbols), formula.symbols)
            if formula.kind == "definition":
                self.scope.define(self._read_definition(formula))
        except FormulaError:
            pass  # whoever checks this formula reports it

    def _check(self, formula: Formula) -> list[Result]:
        if formula.symbols:
            self.scope.declare(parse_declarations(formula.symbols), formula.symbols)
        if formula.kind == "exempt":
            problems = [] if formula.reason.strip() else ["an exemption needs a :reason:"]
            evidence = [Evidence("exempt", ok=not problems, detail=formula.reason)]
            return [self._result(formula, evidence=evidence, problems=problems)]
        key = self.cache.key(formula, self.scope.fingerprint()) if self.cache else None
        cached = self.cache.get(key) if key else None
        if formula.kind == "definition":
            definition = self._read_definition(formula)
            results = cached or self._check_definition(formula, definition)
            if all(r.ok for r in results):
                self.scope.define(definition)
        else:
            results = cached or self._check_chain(formula)
        if key and not cached and all(r.ok for r in results):
            self._to_cache = key
        return results

    def _result(self, formula: Formula, step: int | None = None, **kw) -> Result:
        return Result(
            label=formula.label,
            kind=formula.kind,
            source=formula.source,
            line=formula.line,
            latex=formula.latex,
            step=step,
            reason=formula.reason,
            **kw,
        )

    def _parse(self, latex: str) -> tuple[list[ast.Node], list[int]]:
        parser = ast.Parser(latex, functions=self.scope.functions, symbols=self.scope.symbols)
        sides = parser.equation()
        return sides, parser.side_starts

    # --- definitions ---------------------------------------------------------------------
    def _read_definition(self, formula: Formula) -> Definition:
        head, body_text = ast.split_top_level(formula.latex)
        parser = ast.Parser(head, functions=set())
        name_node = parser.symbol_or_call(allow_call=False)
        indices = tuple(_index_name(i) for i in name_node.indices)
        params: tuple[str, ...] = ()
        if parser.at("("):
            parser.take()
            params = (_param_name(parser),)
            while parser.at(",") or parser.at(";"):
                parser.take()
                params += (_param_name(parser),)
            parser.expect(")")
        if parser.tok.kind != "end":
            raise FormulaError(
                f"cannot read the defined name '{head.strip()}'",
                hint="a definition reads g(y; p) = ... or \\pi_k = ...",
            )
        offset = len(head) + 1
        body_parser = ast.Parser(
            " " * offset + body_text,
            functions=self.scope.functions - {name_node.name},
            symbols=self.scope.symbols | set(params) | set(indices),
        )
        [body] = _single(body_parser.equation(), "a definition has exactly one '='")
        return Definition(
            name=name_node.name,
            params=params,
            indices=indices,
            body=body,
            latex=formula.latex,
            label=formula.label,
            torch=formula.torch or None,
        )

    def _check_definition(self, formula: Formula, definition: Definition) -> list[Result]:
        result = self._result(
            formula,
            evidence=[Evidence("parse", ok=True, detail="defines " + _signature(definition))],
        )
        body = definition.body
        names = needed_names([body], self.scope)
        for param in (*definition.params, *definition.indices):
            if param not in self.scope.declarations:
                raise FormulaError(
                    f"the argument {pretty(param)} has no declared domain",
                    hint=f"add {param} \\in ... to :symbols:",
                )
            if param not in names:
                names.append(param)
        names = [n for n in self.scope.declarations if n in set(names)]
        if definition.is_function and formula.torch:
            result.evidence.append(
                self._compare_binding(
                    formula,
                    names,
                    lambda t: sympy.log(t.expr(body)),
                    formula.torch,
                    "torch",
                    "ln of the definition",
                )
            )
        elif formula.torch:
            result.evidence.append(
                self._compare_binding(
                    formula, names, lambda t: t.expr(body), formula.torch, "torch", "the definition"
                )
            )
        if definition.is_function:
            first = self.scope.declarations[definition.params[0]]
            if isinstance(first.domain, FiniteSet | IntRange | Counts) or (
                # an infinite support: only a definition bound to torch is surely a density
                isinstance(first.domain, Interval) and formula.torch
            ):
                result.evidence.append(self._normalisation(definition, names))
        result.problems = [e.detail for e in result.evidence if not e.ok]
        return [result]

    def _normalisation(self, definition: Definition, names: list[str]) -> Evidence:
        """A mass function must sum to one over its support."""
        start = time.perf_counter()
        var = definition.params[0]
        outer = [n for n in names if n != var]

        def total(t: Translator) -> sympy.Expr:
            return t.expectation(var, definition, {}, lambda env: sympy.Integer(1))

        evidence = self._compare_exprs(outer, lambda t: [total(t), sympy.Integer(1)])
        evidence.method = "normalised"
        first = self.scope.declarations[var].domain
        op = "∫" if isinstance(first, Interval) and not first.integer else "Σ"
        if not evidence.ok:
            evidence.detail = (
                f"{definition.name} does not {'integrate' if op == '∫' else 'sum'} to 1 over "
                f"{pretty(var)}: " + evidence.detail.replace("side 1", op).replace("side 2", "1")
            )
        else:
            evidence.detail = f"{op} over {pretty(var)} = 1; " + evidence.detail
        evidence.seconds = time.perf_counter() - start
        return evidence

    # --- claims and derivations ------------------------------------------------------------
    def _check_chain(self, formula: Formula) -> list[Result]:
        sides, starts = self._parse(formula.latex)
        if len(sides) < 2:
            raise FormulaError(
                "nothing to check: a claim needs '='",
                hint="write lhs = rhs, or use math-exempt with a reason",
            )
        names = needed_names(sides, self.scope)
        evaluated = self._evaluate(names, lambda t: [t.expr(s) for s in sides])
        # an expectation over an infinite support: the ledger shows how it was decided
        expectations = [Evidence(method, ok=True, detail=how) for method, how in _notes(evaluated)]
        results = []
        for step in range(1, len(sides)):
            chain = len(sides) > 2
            shown = (f"expression {step}", f"expression {step + 1}") if chain else ("lhs", "rhs")
            evidence = self._step_evidence(evaluated, step, shown)
            # a failing step is reported where its new expression starts
            line = formula.content_line + formula.latex[: starts[step]].count("\n")
            if formula.kind == "derivation":
                result = self._result(formula, step=step, evidence=evidence)
                result.line = line
            elif results:
                result = results[-1]
                result.evidence.extend(evidence)
            else:
                result = self._result(formula, evidence=evidence)
            for e in evidence:
                if not e.ok and e.method == "numeric":
                    result.problems.append(
                        f"step {step}→{step + 1}: expression {step + 1} ≠ expression {step} "
                        f"{e.detail}"
                        if chain
                        else f"lhs − rhs ≠ 0 {e.detail}"
                    )
            if result not in results:
                results.append(result)
        last = results[-1]
        if last.ok:
            last.evidence.extend(expectations)
        derivative = _autograd_target(sides[0], self.scope)
        if derivative is not None:
            last.evidence.append(self._autograd(formula, names, sides[-1], *derivative))
        if formula.torch:
            last.evidence.append(
                self._compare_binding(
                    formula, names, lambda t: t.expr(sides[-1]), formula.torch, "torch", "rhs"
                )
            )
        if formula.package:
            last.evidence.append(
                self._compare_binding(
                    formula, names, lambda t: t.expr(sides[-1]), formula.package, "package", "rhs"
                )
            )
        for e in last.evidence:
            if not e.ok and e.method in ("torch", "package"):
                last.problems.append(e.detail)
        return results

    def _evaluate(self, names: list[str], build) -> list[_Sides]:
        out = []
        for n, assignment in enumerate(instances(self.scope, names, self.seed)):
            translator = Translator(self.scope, assignment)
            exprs = build(translator)
            sampler = Sampler(self.scope, translator, N_RANDOM, self.seed + n)
            columns = sampler.columns([m for m in names if m not in assignment])
            values = symbol_values(translator, columns)
            rows = max((len(c) for c in columns.values()), default=1)
            numeric = prove.evaluate(exprs, values, rows)
            out.append(
                _Sides(
                    assignment,
                    columns,
                    numeric,
                    exprs,
                    translator.constraints,
                    rows,
                    values,
                    translator.notes,
                )
            )
        return out

    def _step_evidence(
        self, evaluated: list[_Sides], step: int, names: tuple[str, str]
    ) -> list[Evidence]:
        start = time.perf_counter()
        numeric = _numeric(evaluated, step - 1, step, names)
        numeric.seconds = time.perf_counter() - start
        if not numeric.ok:
            return [numeric]
        start = time.perf_counter()
        proven = 0
        for item in evaluated:
            difference = item.exprs[step - 1] - item.exprs[step]
            if item.constraints:
                difference = difference.subs(item.constraints)
            if prove.prove_zero(difference):
                proven += 1
        symbolic = Evidence(
            "symbolic",
            ok=proven == len(evaluated),
            points=len(evaluated),
            seconds=time.perf_counter() - start,
            detail=f"difference simplifies to 0 in {proven} of {len(evaluated)} instance(s)",
        )
        return [symbolic, numeric]

    def _compare_exprs(self, names: list[str], build) -> Evidence:
        evaluated = self._evaluate(names, build)
        evidence = _numeric(evaluated, 0, 1)
        proven = sum(
            bool(prove.prove_zero((i.exprs[0] - i.exprs[1]).subs(i.constraints))) for i in evaluated
        )
        if evidence.ok and proven == len(evaluated):
            evidence.detail = "symbolic in every instance; " + evidence.detail
        evidence.detail += "".join(f"; {how}" for _, how in _notes(evaluated))
        return evidence

    def _compare_binding(self, formula, names, build, expression, method, what) -> Evidence:
        start = time.perf_counter()
        evaluated = self._evaluate(names, lambda t: [build(t)])
        sizes = size_names(self.scope)
        worst, points = 0.0, 0
        for item in evaluated:
            ns = bindings.namespace(self.scope, item.assignment, item.columns, sizes)
            theirs = bindings.evaluate(expression, ns, item.rows, what=f":{method}:")
            ours = item.values[0]
            suspect = np.flatnonzero(~prove.agree(ours, theirs))
            if suspect.size:
                ours = item.precise(0, suspect)
            err = prove.relative_error(ours, theirs)
            bad = ~prove.agree(ours, theirs)
            points += item.rows
            worst = max(worst, float(np.max(err, initial=0.0)))
            if bad.any():
                row = int(np.argmax(bad))
                return Evidence(
                    method,
                    ok=False,
                    points=points,
                    worst_error=worst,
                    seconds=time.perf_counter() - start,
                    detail=f":{method}: `{expression}` ≠ {what} at "
                    f"{_point(item, row)} ({what} {_fmt(ours[row])}, "
                    f"{method} {_fmt(theirs[row])})",
                )
        return Evidence(
            method,
            ok=True,
            points=points,
            worst_error=worst,
            seconds=time.perf_counter() - start,
            detail=f"`{expression}` agrees with {what}",
        )

    def _autograd(self, formula, names, rhs, call: ast.Call, var: ast.Sym) -> Evidence:
        """torch autograd of the definition's bound log_prob, against the claim's rhs."""
        start = time.perf_counter()
        definition = self.scope.definitions[call.name]
        sizes = size_names(self.scope)
        evaluated = self._evaluate(names, lambda t: [t.expr(rhs)])
        worst, points = 0.0, 0
        for item in evaluated:
            ns = bindings.namespace(self.scope, item.assignment, item.columns, sizes)
            py = bindings.python_name
            local = {
                py(p): ns[py(a.name)]
                for p, a in zip(definition.params, call.args, strict=True)
                if isinstance(a, ast.Sym) and py(a.name) in ns
            }
            target = next(
                py(p)
                for p, a in zip(definition.params, call.args, strict=True)
                if isinstance(a, ast.Sym) and a.name == var.name
            )
            grads = bindings.evaluate(
                definition.torch,
                {**ns, **local},
                item.rows,
                what="autograd of :torch:",
                grad_of=target,
            )
            if var.indices:
                index = Translator(self.scope, item.assignment)._index(var.indices[0], {})
                grads = grads[:, index - 1]
            ours = item.values[0]
            suspect = np.flatnonzero(~prove.agree(ours, grads))
            if suspect.size:
                ours = item.precise(0, suspect)
            err = prove.relative_error(ours, grads)
            bad = ~prove.agree(ours, grads)
            points += item.rows
            worst = max(worst, float(np.max(err, initial=0.0)))
            if bad.any():
                row = int(np.argmax(bad))
                return Evidence(
                    "torch",
                    ok=False,
                    points=points,
                    worst_error=worst,
                    seconds=time.perf_counter() - start,
                    detail=f"torch autograd of {definition.name}'s :torch: ≠ rhs at "
                    f"{_point(item, row)} (rhs {_fmt(ours[row])}, "
                    f"autograd {_fmt(grads[row])})",
                )
        return Evidence(
            "torch",
            ok=True,
            points=points,
            worst_error=worst,
            seconds=time.perf_counter() - start,
            detail=f"torch autograd of `{definition.torch}` agrees with rhs",
        )


# --- helpers ----------------------------------------------------------------------------------


def _numeric(
    evaluated: list[_Sides], a: int, b: int, names: tuple[str, str] = ("lhs", "rhs")
) -> Evidence:
    worst, points, valid = 0.0, 0, 0
    for item in evaluated:
        left, right = item.values[a], item.values[b]
        suspect = np.flatnonzero(~prove.agree(left, right))
        if suspect.size:  # rule out float64 cancellation before calling it a counter-example
            left, right = item.precise(a, suspect), item.precise(b, suspect)
        both_nan = np.isnan(left) & np.isnan(right)
        ok = prove.agree(left, right)
        err = np.where(both_nan, 0.0, prove.relative_error(left, right))
        points += item.rows
        valid += int((~both_nan).sum())
        worst = max(worst, float(np.max(err, initial=0.0)))
        if not ok.all() or (np.isnan(left) != np.isnan(right)).any():
            row = int(np.argmax(~ok))
            return Evidence(
                "numeric",
                ok=False,
                points=points,
                worst_error=worst,
                detail=f"at {_point(item, row)} ({names[0]} {_fmt(left[row])}, "
                f"{names[1]} {_fmt(right[row])})",
            )
    if valid < min(N_RANDOM, points):
        return Evidence(
            "numeric",
            ok=False,
            points=points,
            worst_error=worst,
            detail=f"only {valid} of {points} points could be evaluated",
        )
    return Evidence(
        "numeric",
        ok=True,
        points=points,
        worst_error=worst,
        detail=f"{points} points in {len(evaluated)} instance(s), float64, rtol {prove.RTOL:g}",
    )


def _notes(evaluated: list[_Sides]) -> list[tuple[str, str]]:
    """How each infinite expectation was decided: (method, 'E over y ∈ ℝ exact by …')."""
    notes: list[tuple[str, str]] = []
    for item in evaluated:
        for note in item.notes:
            if note not in notes:
                notes.append(note)
    return notes


def _point(item: _Sides, row: int) -> str:
    parts = [f"{pretty(k)}={_fmt(v)}" for k, v in item.assignment.items()]
    for name, column in item.columns.items():
        value = column[row]
        if np.ndim(value):
            parts.append(f"{pretty(name)}=({', '.join(_fmt(v) for v in value)})")
        else:
            parts.append(f"{pretty(name)}={_fmt(value)}")
    return ", ".join(parts)


def _fmt(value) -> str:
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    text = f"{float(value):.3g}"
    return text.replace("-", "−")


def _autograd_target(lhs: ast.Node, scope: Scope):
    """(call, variable) when the lhs reads ∂ ln g(...)/∂v and g is bound to torch."""
    if not (isinstance(lhs, ast.Derivative) and len(lhs.wrt) == 1 and lhs.wrt[0][1] == 1):
        return None
    inner = lhs.expr
    if not (isinstance(inner, ast.Func) and inner.name == "ln" and isinstance(inner.arg, ast.Call)):
        return None
    call, var = inner.arg, lhs.wrt[0][0]
    definition = scope.definitions.get(call.name)
    if definition is None or not definition.torch:
        return None
    if not any(isinstance(a, ast.Sym) and a.name == var.name for a in call.args):
        return None
    return call, var


def _index_name(node: ast.Node) -> str:
    if isinstance(node, ast.Sym) and not node.indices:
        return node.name
    raise FormulaError("a defined name's subscript must be index letters, as in \\pi_{k}")


def _param_name(parser: ast.Parser) -> str:
    node = parser.symbol_or_call(allow_call=False)
    if not isinstance(node, ast.Sym) or node.indices:
        raise parser.error("a definition's arguments are plain symbols, as in g(y; p)")
    return node.name


def _single(sides: list, message: str) -> list:
    if len(sides) != 1:
        raise FormulaError(message)
    return sides


def _signature(definition: Definition) -> str:
    if definition.params:
        return f"{definition.name}({', '.join(pretty(p) for p in definition.params)})"
    if definition.indices:
        return f"{pretty(definition.name)}_{''.join(definition.indices)}"
    return pretty(definition.name)
