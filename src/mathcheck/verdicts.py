r"""Turn a read formula into verdicts: which checks it gets, and the results they make.

A definition gets its bindings (value and gradient) and, if it is a density, its
normalisation, or is notation; a claim or derivation gets, for each ``=``, numeric and symbolic
evidence, then the autograd, torch and package evidence of its last side. Each kind of
evidence is decided in its own module of :mod:`mathcheck.checks`; this module only decides
which apply and where a failure is reported.
"""

from __future__ import annotations

import dataclasses

import sympy

from . import latex as ast
from . import prove
from .checks import (
    autograd,
    binding,
    expectations,
    gradient,
    inequality,
    normalisation,
    numeric,
    proportional,
    symbolic,
)
from .domains import ENUMERATED, Counts, Interval, Simplex, Vector, readable
from .errors import FormulaError
from .evaluation import Subject, notes
from .exemptions import AllowList
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


def exempt(formula: Formula, allowed: AllowList) -> list[Result]:
    """Not checked: the reason is the evidence, and it must be one the project reviewed."""
    problems = allowed.problems(formula.reason)
    evidence = [Evidence("exempt", ok=not problems, detail=formula.reason)]
    return [result(formula, evidence=evidence, problems=problems)]


def domains(scope: Scope, names: list[str]) -> list[str]:
    """The declarations a check used, as its caption shows them (LaTeX, one per symbol)."""
    return [scope.declarations[n].latex for n in names if n in scope.declarations]


def definition(formula: Formula, read: Definition, scope: Scope, seed: int) -> list[Result]:
    """A definition's bindings agree with it in value and gradient, and a density normalises.

    A definition with neither is notation: it names something and proves nothing, and its
    verdict says so (evidence ``notation``), never "verified".
    """
    verdict = result(formula)
    for param in (*read.params, *read.indices):
        if param not in scope.declarations:
            raise FormulaError(
                f"the argument {pretty(param)} has no declared domain",
                hint=f"add {param} \\in ... to :symbols:",
            )
    # in dependency order: a symbol re-declared later (s ∈ {1, …, S}) comes after what it uses
    arguments = [ast.Sym(p) for p in (*read.params, *read.indices)]
    subject = Subject(scope, needed_names([read.body, *arguments], scope), seed)
    verdict.domains = domains(scope, subject.names)
    body = read.body
    if read.density:  # compared through its logarithm: torch and the package give log_prob

        def value(t):
            return sympy.log(t.expr(body))

        what, atol = f"ln {read.name}", prove.RTOL  # ε in ln g is a relative ε in g
    else:

        def value(t):
            return t.expr(body)

        what, atol = signature(read), prove.ATOL
    for method, expression in (("torch", formula.torch), ("package", formula.package)):
        if expression:
            agrees = binding.compare(subject, value, expression, method, what, atol)
            verdict.evidence.append(agrees)
            if agrees.ok:  # a gradient says nothing more about a definition unequal in value
                verdict.evidence.append(gradient.compare(subject, value, expression, method, what))
    if read.density:
        _require_support(read, scope)
        verdict.evidence.append(normalisation.check(subject, read))
    if not verdict.evidence:
        detail = f"defines {signature(read)}: notation, with nothing to check it against"
        verdict.evidence.append(Evidence("notation", ok=True, detail=detail))
    verdict.problems = [e.detail for e in verdict.evidence if not e.ok]
    if read.continued is not None:  # the relations after the body, checked as a claim's
        sides, starts, relations = read.continued
        chain = Chain(list(sides), list(starts), list(relations))
        plain = dataclasses.replace(formula, torch="", package="")
        for continued in _chain(plain, chain, scope, seed, 0, several=False):
            verdict.evidence.extend(continued.evidence)
            verdict.problems.extend(continued.problems)
    return [verdict]


def _require_support(read: Definition, scope: Scope) -> None:
    """A density's outcome must range over something it can be summed or integrated over."""
    domain = scope.declarations[read.outcome].domain
    if isinstance(domain, (*ENUMERATED, Counts, Interval, Simplex)):
        return
    if isinstance(domain, Vector) and isinstance(domain.element, Interval):
        return  # a vector of reals: integrated one coordinate at a time
    raise FormulaError(
        f"{read.name} is a density of {pretty(read.outcome)}, which ranges over "
        f"{readable(scope.declarations[read.outcome].latex)}: the verifier cannot sum or "
        "integrate over that, so it cannot check that the density normalises",
        hint=f"declare the outcome's support: a finite set, \\{{0, 1\\}}^{{M}}, counts "
        f"\\{{x \\in \\mathbb{{N}}^{{K}} : \\sum_{{i=1}}^{{K}} x_i = n\\}}, \\mathbb{{N}}, an "
        f"interval or a simplex \\Delta^{{K-1}}; or, if {read.name} is not a density, write its "
        f"arguments with commas, {read.name}({', '.join(read.params)})",
    )


def chains(formula: Formula, read: list[Chain], scope: Scope, seed: int) -> list[Result]:
    """Every statement of a claim or derivation; each ``=`` of each, then the bindings.

    A derivation gets one verdict per step (numbered through all its statements); a claim one
    verdict, or one per statement when its display states several. A claim must be tied to
    the page (a definition, an expectation or a binding) or say that it is an identity.
    """
    if len(read) > 1 and (formula.torch or formula.package):
        raise FormulaError(
            f"a :torch: or :package: binding needs one statement; this display has {len(read)}",
            hint="split the display into one directive per statement",
        )
    _require_tie(formula, [side for chain in read for side in chain.sides], scope)
    results: list[Result] = []
    for chain in read:
        offset = len(results) if formula.kind == "derivation" else 0
        results += _chain(formula, chain, scope, seed, offset, several=len(read) > 1)
    return results


def _why_not_a_number(detail: str, evaluated) -> str:
    """Where a side is NaN because an expectation could not be computed there, say so."""
    if "not a number" not in detail and "could be evaluated" not in detail:
        return ""
    numeric = [how for method, how in notes(evaluated) if method in ("quadrature", "truncated sum")]
    if not numeric:
        return ""
    return (
        f"; {numeric[0]} (hint: the numeric method could not reach its tolerance there; an "
        "equivalent integrand sympy can integrate, e.g. written with fewer nested "
        "exponentials, is decided exactly)"
    )


def _require_tie(formula: Formula, sides: list[ast.Node], scope: Scope) -> None:
    """Plain algebra passes whatever object it is about: it must say so with ``:algebra:``."""
    tie = touches(sides, scope)
    bound = bool(formula.torch or formula.package)
    if formula.algebra and (tie or bound):
        raise FormulaError(
            f"marked :algebra:, but it uses {tie or 'a binding'}: it is tied to the page",
            hint="remove :algebra: (it is for identities that use none of the page's "
            "definitions, expectations or bindings)",
        )
    if not (formula.algebra or tie or bound):
        raise FormulaError(
            "this formula uses none of the page's definitions, no expectation and no binding, "
            "so it is checked as plain algebra, which a true statement about the wrong object "
            "passes too",
            hint="state it through the page's definitions (g(y; p), e_j, \\mathbb{E}_{y}[...]), "
            "bind it with :package:, or mark it :algebra: to show it as an identity",
        )


def touches(nodes: list[ast.Node], scope: Scope) -> str | None:
    """What of the page ``nodes`` use: a defined name or an expectation (None: nothing)."""
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call | ast.Sym) and sub.name in scope.definitions:
                return f"the definition of {pretty(sub.name)}"
            if isinstance(sub, ast.Expect):
                over = f" over {pretty(sub.var)}" if sub.var else " over the page's density"
                return f"the {'expectation' if sub.op == 'E' else sub.op}{over}"
            if isinstance(sub, ast.Gradient) and sub.wrt is None:  # a bare ∇: the page's density
                return "the page's density (a bare ∇ differentiates by its parameters)"
    return None


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
            detail = value.detail + _why_not_a_number(value.detail, evaluated)
            if not detail.startswith("at "):  # too few points: nothing was compared
                verdict.problems.append(f"{where}cannot be checked: {detail}")
            else:
                verdict.problems.append(f"{where}{_failure(relation, step, long)} {detail}")
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
    used = domains(scope, subject.names)
    for verdict in results:
        verdict.algebra = formula.algebra
        verdict.domains += [d for d in used if d not in verdict.domains]
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
