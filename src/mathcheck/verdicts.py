r"""Turn a read formula into verdicts: which checks it gets, and the results they make.

A definition gets its bindings and, if it is a density, its normalisation; a claim or
derivation gets, for each ``=``, numeric and symbolic evidence, then the autograd, torch and
package evidence of its last side. Each kind of evidence is decided in its own module of
:mod:`mathcheck.checks`; this module only decides which apply and where a failure is reported.
"""

from __future__ import annotations

import dataclasses

import sympy

from . import latex as ast
from .checks import (
    autograd,
    binding,
    expectations,
    inequality,
    normalisation,
    numeric,
    proportional,
    symbolic,
)
from .domains import ENUMERATED, Counts, Interval
from .errors import FormulaError
from .evaluation import Subject
from .instances import needed_names
from .reading import Chain, signature
from .records import Evidence, Formula, Result
from .scope import Definition, Scope
from .translate import pretty


def result(formula: Formula, step: int | None = None, **kw) -> Result:
    """An empty verdict on ``formula`` (or on one step of it)."""
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


def exempt(formula: Formula) -> list[Result]:
    """Not checked: the reason is the evidence, and an exemption without one fails."""
    problems = [] if formula.reason.strip() else ["an exemption needs a :reason:"]
    evidence = [Evidence("exempt", ok=not problems, detail=formula.reason)]
    return [result(formula, evidence=evidence, problems=problems)]


def definition(formula: Formula, read: Definition, scope: Scope, seed: int) -> list[Result]:
    """A definition's bindings agree with it, and a density normalises."""
    verdict = result(
        formula, evidence=[Evidence("parse", ok=True, detail="defines " + signature(read))]
    )
    for param in (*read.params, *read.indices):
        if param not in scope.declarations:
            raise FormulaError(
                f"the argument {pretty(param)} has no declared domain",
                hint=f"add {param} \\in ... to :symbols:",
            )
    # in dependency order: a symbol re-declared later (s ∈ {1, …, S}) comes after what it uses
    arguments = [ast.Sym(p) for p in (*read.params, *read.indices)]
    subject = Subject(scope, needed_names([read.body, *arguments], scope), seed)
    body = read.body
    if read.is_function and formula.torch:
        verdict.evidence.append(
            binding.compare(
                subject,
                lambda t: sympy.log(t.expr(body)),
                formula.torch,
                "torch",
                "ln of the definition",
            )
        )
    elif formula.torch:
        verdict.evidence.append(
            binding.compare(
                subject, lambda t: t.expr(body), formula.torch, "torch", "the definition"
            )
        )
    if read.is_function and _is_density(read, scope, bool(formula.torch)):
        verdict.evidence.append(normalisation.check(subject, read))
    verdict.problems = [e.detail for e in verdict.evidence if not e.ok]
    if read.continued is not None:  # the relations after the body, checked as a claim's
        sides, starts, relations = read.continued
        chain = Chain(list(sides), list(starts), list(relations))
        plain = dataclasses.replace(formula, torch="", package="")
        for continued in _chain(plain, chain, scope, seed, 0, several=False):
            verdict.evidence.extend(continued.evidence)
            verdict.problems.extend(continued.problems)
    return [verdict]


def _is_density(read: Definition, scope: Scope, bound: bool) -> bool:
    if not read.reads_as_density:  # h(s, a, θ) is a function; g(y; p), π(a | s, θ) densities
        return False
    first = scope.declarations[read.params[0]].domain
    if isinstance(first, (*ENUMERATED, Counts)):
        return True
    # an infinite support: only a definition bound to torch is surely a density
    return isinstance(first, Interval) and bound


def chains(formula: Formula, read: list[Chain], scope: Scope, seed: int) -> list[Result]:
    """Every statement of a claim or derivation; each ``=`` of each, then the bindings.

    A derivation gets one verdict per step (numbered through all its statements); a claim one
    verdict, or one per statement when its display states several.
    """
    if len(read) > 1 and (formula.torch or formula.package):
        raise FormulaError(
            f"a :torch: or :package: binding needs one statement; this display has {len(read)}",
            hint="split the display into one directive per statement",
        )
    results: list[Result] = []
    for chain in read:
        offset = len(results) if formula.kind == "derivation" else 0
        results += _chain(formula, chain, scope, seed, offset, several=len(read) > 1)
    return results


def _chain(
    formula: Formula, read: Chain, scope: Scope, seed: int, offset: int, several: bool
) -> list[Result]:
    sides, starts = read.sides, read.starts
    subject = Subject(scope, needed_names(sides, scope), seed)
    evaluated = subject.evaluate(lambda t: t.sides(sides))
    long = len(sides) > 2
    lines = [formula.content_line + formula.latex[:start].count("\n") for start in starts]
    results: list[Result] = []
    for step in range(1, len(sides)):
        shown = (f"expression {step}", f"expression {step + 1}") if long else ("lhs", "rhs")
        relation = read.relations[step - 1]
        evidence = _evidence(evaluated, step, relation, shown, sides, scope, seed)
        value = evidence[-1]
        if formula.kind == "derivation":
            verdict = result(formula, step=offset + step, evidence=evidence)
            verdict.line = lines[step]  # a failing step is reported where its new side starts
            results.append(verdict)
        elif results:
            verdict = results[-1]
            verdict.evidence.extend(evidence)
        else:
            verdict = result(formula, step=read.number if several else None, evidence=evidence)
            if several:
                verdict.line = lines[0]
            results.append(verdict)
        if not value.ok:
            where = f"statement {read.number}: " if several and formula.kind != "derivation" else ""
            verdict.problems.append(f"{where}{_failure(relation, step, long)} {value.detail}")
    last = results[-1]
    if last.ok:
        last.evidence.extend(expectations.evidence(evaluated))
    rhs = sides[-1]
    equalities = set(read.relations) == {"="}
    derivative = autograd.target(sides[0], scope) if equalities else None
    if derivative is not None:
        last.evidence.append(autograd.compare(subject, rhs, *derivative))
    for method, expression in (("torch", formula.torch), ("package", formula.package)):
        if expression:
            last.evidence.append(
                binding.compare(subject, lambda t: t.expr(rhs), expression, method, "rhs")
            )
    last.problems.extend(
        e.detail for e in last.evidence if not e.ok and e.method in ("torch", "package")
    )
    return results


def _evidence(evaluated, step, relation, shown, sides, scope, seed) -> list[Evidence]:
    """The evidence for one relation of a chain; the last item decides it (numeric)."""
    a, b = step - 1, step
    if relation == "=":
        value = numeric.compare(evaluated, a, b, shown)
        return [symbolic.compare(evaluated, a, b), value] if value.ok else [value]
    if relation == "∝":
        return proportional.check(scope, sides[a], sides[b], seed)
    value = inequality.compare(evaluated, a, b, relation, shown)
    if not value.ok or relation == "≠":
        return [value]
    return [inequality.symbolic(evaluated, a, b, relation), value]


def _failure(relation: str, step: int, long: bool) -> str:
    """How a failed relation is reported: ``lhs − rhs ≠ 0``, ``lhs ≤ rhs fails``, …"""
    if relation == "=":
        if long:
            return f"step {step}→{step + 1}: expression {step + 1} ≠ expression {step}"
        return "lhs − rhs ≠ 0"
    colon = ":" if relation in ("∝", "≠") else ""  # their details are sentences
    if long:
        sides = f"expression {step} {relation} expression {step + 1}"
        return f"step {step}→{step + 1}: {sides} fails{colon}"
    return f"lhs {relation} rhs fails{colon}"
