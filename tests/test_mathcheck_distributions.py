# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""The distributions a contributor would add next, each declared with its true domain and bound
to ``torch.distributions``: every textbook formula passes, every typical slip fails with a
message that shows both values, told apart, and the tolerance (issue #17).

The references are independent of the verifier: the closed forms are the textbook ones
(mean, score, Fisher information), and the definitions are held to torch's ``log_prob`` in
value and gradient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from mathcheck import Formula, Page


@dataclass
class Distribution:
    name: str
    symbols: str
    density: str
    torch: str
    true: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    wrong_densities: list[str] = field(default_factory=list)


def score(g: str, by: str) -> str:
    return rf"\frac{{\partial \ln {g}}}{{\partial {by}}}"


def mean(var: str, body: str) -> str:
    return rf"\mathbb{{E}}_{{{var}}}\left[ {body} \right]"


def fisher(var: str, g: str, by: str) -> str:
    return mean(var, rf"\left( {score(g, by)} \right)^{{2}}")


THETA, LAMBDA, BETA_, MU = r"\theta", r"\lambda", r"\beta", r"\mu"
GEO = "g(k; p)"
GEO_LOGIT = r"g(k; \theta)"
NB = "g(k; r, p)"
EXP = r"g(y; \lambda)"
GAMMA = r"g(y; \alpha, \beta)"
BETA = r"g(y; \alpha, \beta)"
BIN = "g(k; p)"
LAP = r"g(y; \mu, b)"

DISTRIBUTIONS = [
    Distribution(
        "geometric",
        r"k \in \mathbb{N}; p \in (0, 1)",
        r"g(k; p) = p (1 - p)^{k}",
        "torch.distributions.Geometric(probs=p).log_prob(k)",
        true=[
            rf"{score(GEO, 'p')} = \frac{{1}}{{p}} - \frac{{k}}{{1 - p}}",
            rf"{mean('k', score(GEO, 'p'))} = 0",
            rf"{mean('k', 'k')} = \frac{{1 - p}}{{p}}",
            rf"{fisher('k', GEO, 'p')} = \frac{{1}}{{p^{{2}} (1 - p)}}",
        ],
        wrong=[
            rf"{score(GEO, 'p')} = \frac{{1}}{{p}} + \frac{{k}}{{1 - p}}",
            rf"{mean('k', 'k')} = \frac{{p}}{{1 - p}}",
            rf"{fisher('k', GEO, 'p')} = \frac{{1}}{{p (1 - p)}}",
            rf"{fisher('k', GEO, 'p')} = \frac{{1}}{{p^{{2}} (1 - p)^{{2}}}}",
        ],
        wrong_densities=[r"g(k; p) = (1 - p)^{k}", r"g(k; p) = p (1 - p)^{k + 1}"],
    ),
    Distribution(
        "geometric-logits",
        r"k \in \mathbb{N}; \theta \in \mathbb{R}",
        r"g(k; \theta) = \sigma(\theta) \bigl( 1 - \sigma(\theta) \bigr)^{k}",
        "torch.distributions.Geometric(logits=theta).log_prob(k)",
        true=[
            rf"{score(GEO_LOGIT, THETA)} = 1 - \sigma(\theta) - k \sigma(\theta)",
            rf"{mean('k', score(GEO_LOGIT, THETA))} = 0",
            rf"{fisher('k', GEO_LOGIT, THETA)} = 1 - \sigma(\theta)",
        ],
        wrong=[
            rf"{score(GEO_LOGIT, THETA)} = 1 - \sigma(\theta) - k",
            rf"{fisher('k', GEO_LOGIT, THETA)} = \sigma(\theta) \bigl( 1 - \sigma(\theta) \bigr)",
        ],
    ),
    Distribution(
        "negative-binomial",
        r"k \in \mathbb{N}; p \in (0, 1); r \in (0, \infty)",
        r"g(k; r, p) = \frac{\Gamma(k + r)}{k! \, \Gamma(r)} p^{k} (1 - p)^{r}",
        "torch.distributions.NegativeBinomial(total_count=r, probs=p).log_prob(k)",
        true=[
            rf"{score(NB, 'p')} = \frac{{k}}{{p}} - \frac{{r}}{{1 - p}}",
            rf"{mean('k', 'k')} = \frac{{r p}}{{1 - p}}",
            rf"{fisher('k', NB, 'p')} = \frac{{r}}{{p (1 - p)^{{2}}}}",
        ],
        wrong=[
            rf"{score(NB, 'p')} = \frac{{k}}{{p}} + \frac{{r}}{{1 - p}}",
            rf"{mean('k', 'k')} = \frac{{r (1 - p)}}{{p}}",
            rf"{fisher('k', NB, 'p')} = \frac{{r}}{{p^{{2}} (1 - p)}}",
        ],
        wrong_densities=[r"g(k; r, p) = \frac{\Gamma(k + r)}{k! \, \Gamma(r)} p^{r} (1 - p)^{k}"],
    ),
    Distribution(
        "exponential",
        r"y \in [0, \infty); \lambda \in (0, \infty)",
        r"g(y; \lambda) = \lambda e^{-\lambda y}",
        "torch.distributions.Exponential(rate=lambda_).log_prob(y)",
        true=[
            rf"{score(EXP, LAMBDA)} = \frac{{1}}{{\lambda}} - y",
            rf"{mean('y', 'y')} = \frac{{1}}{{\lambda}}",
            rf"{fisher('y', EXP, LAMBDA)} = \frac{{1}}{{\lambda^{{2}}}}",
        ],
        wrong=[
            rf"{score(EXP, LAMBDA)} = \lambda - y",
            rf"{mean('y', 'y')} = \lambda",
            rf"{fisher('y', EXP, LAMBDA)} = \frac{{1}}{{\lambda}}",
        ],
        wrong_densities=[r"g(y; \lambda) = e^{-\lambda y}"],
    ),
    Distribution(
        "gamma",
        r"y \in (0, \infty); \alpha, \beta \in (0, \infty)",
        r"g(y; \alpha, \beta) = \frac{\beta^{\alpha}}{\Gamma(\alpha)} y^{\alpha - 1} e^{-\beta y}",
        "torch.distributions.Gamma(alpha, beta).log_prob(y)",
        true=[
            rf"{score(GAMMA, BETA_)} = \frac{{\alpha}}{{\beta}} - y",
            rf"{mean('y', 'y')} = \frac{{\alpha}}{{\beta}}",
            rf"{fisher('y', GAMMA, BETA_)} = \frac{{\alpha}}{{\beta^{{2}}}}",
        ],
        wrong=[
            rf"{score(GAMMA, BETA_)} = \frac{{\alpha}}{{\beta}} + y",
            rf"{mean('y', 'y')} = \frac{{\beta}}{{\alpha}}",
            rf"{fisher('y', GAMMA, BETA_)} = \frac{{\alpha}}{{\beta}}",
        ],
        wrong_densities=[
            r"g(y; \alpha, \beta) = \frac{\beta^{\alpha}}{\Gamma(\alpha)} y^{\alpha} e^{-\beta y}"
        ],
    ),
    Distribution(
        "beta",
        r"y \in (0, 1); \alpha, \beta \in (0, \infty)",
        r"g(y; \alpha, \beta) = \frac{y^{\alpha - 1} (1 - y)^{\beta - 1}}{\operatorname{B}(\alpha, \beta)}",
        "torch.distributions.Beta(alpha, beta).log_prob(y)",
        true=[
            rf"{mean('y', 'y')} = \frac{{\alpha}}{{\alpha + \beta}}",
            rf"{mean('y', 'y (1 - y)')} = \frac{{\alpha \beta}}{{(\alpha + \beta) (\alpha + \beta + 1)}}",
        ],
        wrong=[
            rf"{mean('y', 'y')} = \frac{{\beta}}{{\alpha + \beta}}",
            rf"{mean('y', 'y (1 - y)')} = \frac{{\alpha \beta}}{{(\alpha + \beta)^{{2}}}}",
        ],
        wrong_densities=[r"g(y; \alpha, \beta) = y^{\alpha - 1} (1 - y)^{\beta - 1}"],
    ),
    Distribution(
        "binomial",
        r"n \in \{1, \dots, 8\}; k \in \{0, \dots, n\}; p \in (0, 1)",
        r"g(k; p) = \binom{n}{k} p^{k} (1 - p)^{n - k}",
        "torch.distributions.Binomial(total_count=n, probs=p).log_prob(k)",
        true=[
            rf"{score(BIN, 'p')} = \frac{{k}}{{p}} - \frac{{n - k}}{{1 - p}}",
            rf"{mean('k', 'k')} = n p",
            rf"{fisher('k', BIN, 'p')} = \frac{{n}}{{p (1 - p)}}",
        ],
        wrong=[
            rf"{score(BIN, 'p')} = \frac{{k}}{{p}} - \frac{{n}}{{1 - p}}",
            rf"{mean('k', 'k')} = (n - 1) p",
            rf"{fisher('k', BIN, 'p')} = \frac{{1}}{{p (1 - p)}}",
        ],
        wrong_densities=[r"g(k; p) = p^{k} (1 - p)^{n - k}"],
    ),
    Distribution(
        "laplace",
        r"y, \mu \in \mathbb{R}; b \in (0, \infty)",
        r"g(y; \mu, b) = \frac{1}{2 b} \exp\left( -\frac{|y - \mu|}{b} \right)",
        "torch.distributions.Laplace(mu, b).log_prob(y)",
        true=[
            rf"{score(LAP, 'b')} = \frac{{|y - \mu|}}{{b^{{2}}}} - \frac{{1}}{{b}}",
            rf"{score(LAP, MU)} = \frac{{y - \mu}}{{b |y - \mu|}}",
            rf"{mean('y', score(LAP, 'b'))} = 0",
            rf"{fisher('y', LAP, 'b')} = \frac{{1}}{{b^{{2}}}}",
            rf"{fisher('y', LAP, MU)} = \frac{{1}}{{b^{{2}}}}",
        ],
        wrong=[
            rf"{score(LAP, 'b')} = \frac{{|y - \mu|}}{{b}} - \frac{{1}}{{b}}",
            rf"{score(LAP, MU)} = \frac{{\mu - y}}{{b |y - \mu|}}",
            rf"{fisher('y', LAP, 'b')} = \frac{{2}}{{b^{{2}}}}",
        ],
        wrong_densities=[r"g(y; \mu, b) = \frac{1}{b} \exp\left( -\frac{|y - \mu|}{b} \right)"],
    ),
]
BY_NAME = {d.name: d for d in DISTRIBUTIONS}


def page_of(distribution: Distribution, density: str | None = None) -> tuple[Page, list]:
    page = Page(f"tests/{distribution.name}.md")
    results = page.check(
        Formula(
            "definition",
            f"eq-{distribution.name}-pmf",
            density or distribution.density,
            page.source,
            1,
            2,
            symbols=distribution.symbols,
            torch=distribution.torch,
        )
    )
    return page, results


def claim(page: Page, latex: str) -> list:
    return page.check(Formula("claim", "eq-under-test", latex, page.source, 10, 11))


CASES_TRUE = [(d.name, latex) for d in DISTRIBUTIONS for latex in d.true]
CASES_WRONG = [(d.name, latex) for d in DISTRIBUTIONS for latex in d.wrong]
CASES_WRONG_DENSITY = [(d.name, latex) for d in DISTRIBUTIONS for latex in d.wrong_densities]


def assert_told_apart(message: str) -> None:
    """Both values are printed with enough digits to differ, and the tolerance with them."""
    assert "beyond the tolerance of 1e-08 relative" in message, message
    number = r"([−\d.e+-]+|nan|inf)"
    pair = re.search(rf"\(([^,;()]+?) {number}, ([^,;()]+?) {number}; they differ by", message)
    assert pair and pair[2] != pair[4], message


@pytest.mark.parametrize("name", list(BY_NAME))
def test_the_true_density_is_checked_on_its_true_domain(name):
    _, [result] = page_of(BY_NAME[name])
    assert result.ok, result.problems
    assert {"torch", "torch gradient", "normalised"} <= set(result.methods)


@pytest.mark.parametrize(("name", "latex"), CASES_TRUE)
def test_every_textbook_formula_passes(name, latex):
    page, _ = page_of(BY_NAME[name])
    results = claim(page, latex)
    assert all(r.ok for r in results), [r.problems for r in results]


@pytest.mark.parametrize(("name", "latex"), CASES_WRONG)
def test_every_slip_fails_and_shows_both_values_told_apart(name, latex):
    page, _ = page_of(BY_NAME[name])
    [result] = claim(page, latex)
    assert not result.ok, latex
    assert_told_apart(result.problems[0])


@pytest.mark.parametrize(("name", "latex"), CASES_WRONG_DENSITY)
def test_every_wrong_density_fails_against_torch_and_its_normalisation(name, latex):
    _, [result] = page_of(BY_NAME[name], latex)
    assert not result.ok
    failed = {e.method for e in result.evidence if not e.ok}
    assert "torch" in failed, result.problems
    assert_told_apart(next(p for p in result.problems if p.startswith(":torch:")))


def test_the_counts_of_the_battery():
    """Every distribution has true and wrong cases (the figures the issue asks for)."""
    assert len(DISTRIBUTIONS) == 8  # seven families, the geometric in two parameterisations
    assert all(d.true and d.wrong for d in DISTRIBUTIONS)


@pytest.mark.parametrize(("domain", "left_out"), [(r"(-4, \infty)", False), (r"(0, \infty)", True)])
def test_a_logit_on_a_half_line_is_checked_where_float64_can_and_says_where_not(domain, left_out):
    """A logit on (−4, ∞) is sampled as a location, where σ(θ) stays below 1 in float64. On
    (0, ∞) it is sampled as a scale, up to θ ≈ 150 and at 10⁴, where σ(θ) rounds to 1 and
    torch's log_prob of the geometric is −∞: those points are left out, and counted."""
    logits = BY_NAME["geometric-logits"]
    half_line = Distribution(
        "geometric-half-line",
        rf"k \in \mathbb{{N}}; \theta \in {domain}",
        logits.density,
        logits.torch,
    )
    page, [definition] = page_of(half_line)
    assert definition.ok, definition.problems
    [result] = claim(page, logits.true[0])  # the eligibility: checked against torch autograd
    assert result.ok, result.problems
    details = [e.detail for e in [*definition.evidence, *result.evidence] if e.method == "torch"]
    said = any(
        "points left out: there the reference is not finite in float64" in d for d in details
    )
    assert said == left_out, details
