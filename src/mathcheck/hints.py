r"""The supported way to write what the verifier refused.

Every refusal carries a hint naming a form the verifier reads. Most hints are written where
the error is raised; the ones here depend on the formula around the error (``\frac{d}{dp}``
makes ``d`` an undeclared symbol, ``I(p)`` an undeclared ``I`` times ``p``), or fill in a hint
where the error was raised without one. :func:`improve` is applied to every refusal a page
reports.

>>> from mathcheck.errors import ScopeError
>>> error = improve(ScopeError("symbol d is not declared", column=6), r"\frac{d}{dp} f = 0")
>>> print(error.hint)
write derivatives with ∂: \frac{\partial f}{\partial p} or \frac{\partial}{\partial p} f (a d ...
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import FormulaError

FISHER = r"\mathbb{E}_{y}\left[ \left( \frac{\partial \ln g(y; p)}{\partial p} \right)^{2} \right]"
VARIANCE = r"\mathbb{E}_{y}\left[ y^{2} \right] - \mathbb{E}_{y}\left[ y \right]^{2}"
INLINE = (
    "an inline relation is checked against the displays above it: state it through the "
    "page's definitions; if it only names something, mark it {notation}`...`; if it is an "
    "identity of declared symbols, mark it {algebra}`...`"
)
STATEMENT = (
    "state the theorem's relation in inline math ($...$) through the page's definitions, "
    "where it is checked, or put a math-claim display inside the theorem; a statement with no "
    "relation to check is exempted with {math-exempt}`reason`, a reason listed in "
    "mathcheck-exemptions.txt"
)
NOTATION = "the notation the verifier reads is tabled in docs/verification.md"


def _after(latex: str, column: int | None) -> str:
    """The text right after the error's name (the name itself skipped)."""
    if column is None:
        return ""
    rest = latex[column:]
    match = re.match(r"\\?[A-Za-z]+\s*", rest)
    return rest[match.end() :] if match else rest


def _before(latex: str, column: int | None) -> str:
    return latex[:column] if column is not None else ""


def _undeclared(match: re.Match, latex: str, column: int | None) -> str:
    name = match[1]
    if name == "d" and re.search(r"\\frac\s*\{\s*d\b|\\mathrm\{d\}|\bd\s*[a-z]\s*\}", latex):
        return (
            "write derivatives with ∂: \\frac{\\partial f}{\\partial p} or "
            "\\frac{\\partial}{\\partial p} f (a d is read as a symbol)"
        )
    if name == "Gamma":
        return "the gamma function reads \\Gamma(x), with its argument in parentheses"
    if _after(latex, column).startswith("("):
        return (
            f"{name}(…) is read as {name} times (…): define {name} first with math-def "
            f"(a density g(y; p) = …, or a function {name}(p) = …), or write what it stands "
            f"for; the Fisher information, for instance, reads {FISHER}"
        )
    return (
        f"declare it in :symbols: with its domain, e.g. {name} \\in (0, 1), "
        f"{name} \\in \\mathbb{{R}}, {name} \\in \\mathbb{{N}} or {name} \\in \\{{1, \\dots, K\\}}"
    )


def _operator(match: re.Match, latex: str, column: int | None) -> str:
    name = match[1]
    if name in ("Var", "var", "Variance"):
        return f"write the variance as expectations: {VARIANCE}"
    if name in ("Cov", "cov"):
        return (
            "write the covariance as expectations: \\mathbb{E}_{k}\\left[ e_i e_j \\right] - "
            "\\mathbb{E}_{k}\\left[ e_i \\right] \\mathbb{E}_{k}\\left[ e_j \\right]"
        )
    if name in ("E", "Pr", "P"):
        return (
            "write an expectation as \\mathbb{E}_{y}\\left[ … \\right] and a probability as "
            "the page's mass function, g(y; p)"
        )
    return (
        "the verifier reads \\operatorname{softmax}(\\theta)_k, \\operatorname{logit}(p), "
        "\\operatorname{sigmoid}(x) and \\operatorname{B}(a, b); write anything else out in "
        f"those terms, or define it with math-def; {NOTATION}"
    )


def _command(match: re.Match, latex: str, column: int | None) -> str:
    name = match[1]
    if name in ("mathcal", "mathscr", "mathfrak"):
        return (
            "name the quantity with a plain letter and define it with math-def (I(p) = …), or "
            f"write what it stands for, e.g. {FISHER}"
        )
    if name == "infty":
        return (
            "∞ is read in domains only: a sum over 0, 1, 2, … is an expectation "
            "\\mathbb{E}_{y}\\left[ … \\right] over y \\in \\mathbb{N} (declared in :symbols:), "
            "an integral over the real line one over y \\in \\mathbb{R}"
        )
    if name == "{":
        return "\\{ \\} are read in :symbols: domains only; group with ( ) or { }"
    if name in ("Pr", "Var", "Cov", "E"):
        return _operator(match, latex, column)
    return f"write it with the commands the verifier reads; {NOTATION}"


RELATION_TOKENS = ("=", "\\neq", "\\ne", "<", ">", "\\le", "\\leq", "\\ge", "\\geq", "\\approx")


def _relation_inside(match: re.Match, latex: str, column: int | None) -> str:
    """A relation inside brackets: a probability P(Y = y) or a condition."""
    if re.search(r"(?:\\Pr|\bP|\bp)\s*\(\s*[A-Za-z]\s*$", _before(latex, column)):
        return "a probability is the page's mass function at the outcome: write g(y; p)"
    return (
        "a relation joins the two sides of the formula at its top level only, never inside "
        "brackets; state a condition with :where:"
    )


def _bracket(match: re.Match, latex: str, column: int | None) -> str:
    found = match[2]
    if found in RELATION_TOKENS:
        return _relation_inside(match, latex, column)
    if found == ";":
        return (
            "g(y; p) is read as a call only once g is defined with math-def on this page (or its "
            "definition failed: see the first problem reported on this page)"
        )
    return (
        f"a bracket is missing or extra: each ( needs its ), each {{ its }} (expected "
        f"'{match[1]}' here)"
    )


Rule = tuple[re.Pattern, Callable[[re.Match, str, int | None], str] | str, bool]

# (message pattern, hint or how to make it, whether it replaces a hint already there)
RULES: list[Rule] = [
    (re.compile(r"^symbol (\S+) is not declared"), _undeclared, True),
    (re.compile(r"^unknown operator (\S+)"), _operator, True),
    (re.compile(r"^unknown command \\(\S+)"), _command, False),
    (re.compile(r"^expected '(.+)' but found '(.+)'$"), _bracket, False),
    (
        re.compile(r"^(=|\\neq|\\ne|<|>|\\leq?|\\geq?|\\approx) is not read by the verifier"),
        _relation_inside,
        True,
    ),
    (
        re.compile(r"^\\text is not read|^\\(?:textrm|mbox) is not read"),
        "move prose to the text around the formula; state a condition as the formula's domain "
        "with :where: (e.g. :where: y \\in \\{1\\})",
        True,
    ),
    (
        re.compile(r"^unsupported environment"),
        lambda m, latex, column: (
            "cases are not read: write one directive per case, each with its condition as "
            ":where: (e.g. :where: y \\in \\{1\\})"
            if "{cases}" in latex[column or 0 :]
            else "matrices and arrays are not read: write the formula component-wise (index j, "
            "k); rows of a derivation go in aligned"
        ),
        True,
    ),
    (
        re.compile(r"^\\int is not read"),
        "an integral against the page's density is an expectation, \\mathbb{E}_{y}\\left[ … "
        "\\right] over the declared support of y; state any other result as a claim, or exempt "
        "it with a reviewed reason",
        True,
    ),
    (
        re.compile(r"^cannot differentiate by (\S+): it is not a continuous symbol"),
        "differentiate by a continuous symbol (declared as an interval, \\mathbb{R} or a vector "
        "of them), as in \\frac{\\partial \\ln g(y; p)}{\\partial p}; a discrete one has no "
        "derivative",
        False,
    ),
    (
        re.compile(r"^a derivative order must be a whole number"),
        "write \\frac{\\partial^{2} f}{\\partial x^{2}}",
        False,
    ),
    (re.compile(r"^'(.+)' needs a factor before it"), "write a \\cdot b", False),
    (re.compile(r"^'/' needs a numerator"), "write a / b or \\frac{a}{b}", False),
    (
        re.compile(r"^decorate a single symbol"),
        "write \\hat{p}, \\bar{r} or \\tilde{x}: one letter under the accent",
        False,
    ),
    (
        re.compile(r"^a defined function takes no subscript"),
        "write a function's arguments in parentheses, g(y; p); an index belongs to a vector, "
        "\\pi_k",
        False,
    ),
    (
        re.compile(r"^(\S+) takes (\d+) argument\(s\); got \d+"),
        lambda m, *_: f"call {m[1]} with its {m[2]} arguments, as it was defined",
        False,
    ),
    (
        re.compile(r"^(\S+) has no value here"),
        lambda m, latex, _: (
            f"{m[1]} is discrete: it has a value inside a sum or an expectation over it, or as "
            "an argument of the formula (declare it where the formula uses it)"
            + (
                f"; an integral is over a continuous variable: over {m[1]} write "
                f"\\mathbb{{E}}_{{{m[1]}}}\\left[ … \\right]"
                if "\\int" in latex
                else ""
            )
        ),
        False,
    ),
    (
        re.compile(r"^(\S+) is a vector: write it with an index"),
        lambda m, *_: f"write a component, {m[1]}_k, or sum over them, \\sum_{{k=1}}^{{K}}",
        False,
    ),
    (
        re.compile(r"^(\S+) was defined with (?:an index|\d+ index)"),
        lambda m, *_: f"write {m[1]} with the indices it was defined with, as in e_j",
        False,
    ),
    (
        re.compile(r"^(\S+) is not a declared vector"),
        lambda m, *_: f"declare it as a vector in :symbols:, e.g. {m[1]} \\in \\mathbb{{R}}^{{K}}",
        False,
    ),
    (
        re.compile(r"^(\S+) takes one index"),
        lambda m, *_: f"write one index, {m[1]}_k",
        False,
    ),
    (
        re.compile(r"^an index must be a whole number"),
        "index with a discrete symbol declared as a range, k \\in \\{1, \\dots, K\\}",
        False,
    ),
    (
        re.compile(r"index .* is outside|softmax index .* is outside"),
        "index within the vector's size: declare the index as k \\in \\{1, \\dots, K\\} for a "
        "vector in \\mathbb{R}^{K}",
        False,
    ),
    (
        re.compile(r"^an indicator compares discrete values only"),
        "compare discrete symbols, as in \\mathbb{1}[j = k]",
        False,
    ),
    (
        re.compile(r"^a size must be a whole number"),
        "declare a size as a finite set of whole numbers, K \\in \\{2, 3, 4\\}",
        False,
    ),
    (
        re.compile(r"^(\S+) is a scalar; it takes no index"),
        lambda m, *_: (
            f"declare {m[1]} as a vector to index it, e.g. {m[1]} \\in \\mathbb{{R}}^{{K}}"
        ),
        False,
    ),
    (
        re.compile(r"^the domain of (\S+) depends on itself"),
        "bound a domain by symbols declared before it, as in K \\in \\{2, 3\\}; k \\in \\{1, "
        "\\dots, K\\}",
        False,
    ),
    (
        re.compile(r"^the values of (\S+) must be numbers|^the support of (\S+) is not declared"),
        "declare it in :symbols: with numbers or sizes: k \\in \\{1, \\dots, K\\}, "
        "y \\in \\{0, 1\\}",
        False,
    ),
    (
        re.compile(r"^(?:unexpected|expected a term|cannot read|a bare)"),
        f"write the formula in the notation the verifier reads; {NOTATION}",
        False,
    ),
]


def improve(error: FormulaError, latex: str) -> FormulaError:
    """``error`` with the hint that names the supported way to write what it refused."""
    for pattern, hint, replaces in RULES:
        match = pattern.search(error.message)
        if match and (replaces or not error.hint):
            error.hint = hint if isinstance(hint, str) else hint(match, latex, error.column)
            break
    if not error.hint:
        error.hint = f"{NOTATION} (How this book checks itself)"
    error.args = (str(error),)
    return error
