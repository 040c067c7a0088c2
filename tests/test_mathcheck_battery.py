# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""The verifier's two batteries: true formulas written many ways must pass (no false alarms),
wrong ones must fail (the kill rate is 100%).

The reference for "true" is independent of the verifier: each entry is a textbook identity,
and the wrong ones are each a single, typical author's slip applied to a true one.
"""

from __future__ import annotations

import pytest
from mathcheck_contexts import check

E_BERNOULLI = r"\frac{\partial \ln g(y; p)}{\partial p}"
E_LOGIT = r"\frac{\partial \ln g(y; \theta)}{\partial \theta}"
E_CAT = r"\frac{\partial \ln g(k; \pi)}{\partial \pi_j}"
E_SIMPLEX = r"\frac{\partial \ln g(k; q)}{\partial q_j}"
E_CAT_LOGIT = r"\frac{\partial \ln g(k; \theta)}{\partial \theta_j}"
E_MULTI = r"\frac{\partial \ln g(x; \pi)}{\partial \pi_j}"
SUM_PI = r"\sum_{i=1}^{K} \pi_i"
E_MU = r"\frac{\partial \ln g(y; \mu, \sigma)}{\partial \mu}"
E_SIGMA = r"\frac{\partial \ln g(y; \mu, \sigma)}{\partial \sigma}"
E_RATE = r"\frac{\partial \ln g(y; \lambda)}{\partial \lambda}"


def expect(body: str) -> str:
    return rf"\mathbb{{E}}_{{y}}\left[ {body} \right]"


def squared(score: str) -> str:
    return rf"\left({score}\right)^{{2}}"


TRUE = [
    # Bernoulli, mean parameter: factored, expanded, reordered, \log for \ln
    ("bernoulli", rf"{E_BERNOULLI} = \frac{{y - p}}{{p (1 - p)}}"),
    ("bernoulli", rf"{E_BERNOULLI} = \frac{{y}}{{p}} - \frac{{1 - y}}{{1 - p}}"),
    ("bernoulli", rf"{E_BERNOULLI} = \frac{{y - 1}}{{1 - p}} + \frac{{y}}{{p}}"),
    ("bernoulli", rf"{E_BERNOULLI} = \frac{{y - p}}{{p - p^{{2}}}}"),
    ("bernoulli", r"\frac{\partial \log g(y; p)}{\partial p} = (y - p) \cdot \frac{1}{p(1-p)}"),
    ("bernoulli", rf"\mathbb{{E}}_{{y}}\left[ {E_BERNOULLI} \right] = 0"),
    (
        "bernoulli",
        rf"\mathbb{{E}}_{{y}}\left[ \left({E_BERNOULLI}\right)^{{2}} \right] = \frac{{1}}{{p(1 - p)}}",
    ),
    (
        "bernoulli",
        r"-\mathbb{E}_{y}\left[ \frac{\partial^{2} \ln g(y; p)}{\partial p^{2}} \right] = \frac{1}{p (1 - p)}",
    ),
    # Bernoulli, logit: the logistic written three ways
    ("bernoulli-logits", rf"{E_LOGIT} = y - \sigma(\theta)"),
    ("bernoulli-logits", rf"{E_LOGIT} = y - \frac{{1}}{{1 + \exp(-\theta)}}"),
    ("bernoulli-logits", rf"{E_LOGIT} = y - \frac{{\exp(\theta)}}{{1 + \exp(\theta)}}"),
    (
        "bernoulli-logits",
        r"-\frac{\partial^{2} \ln g(y; \theta)}{\partial \theta^{2}} = \sigma(\theta) (1 - \sigma(\theta))",
    ),
    # Categorical with torch's unnormalised probs
    ("categorical", rf"{E_CAT} = \frac{{\delta_{{jk}}}}{{\pi_k}} - \frac{{1}}{{{SUM_PI}}}"),
    ("categorical", rf"{E_CAT} = \frac{{\mathbb{{1}}[j = k]}}{{\pi_j}} - \frac{{1}}{{{SUM_PI}}}"),
    ("categorical", rf"{E_CAT} = \frac{{\delta_{{jk}} {SUM_PI} - \pi_k}}{{\pi_k {SUM_PI}}}"),
    ("categorical", rf"\sum_{{j=1}}^{{K}} \pi_j {E_CAT} = 0"),
    ("categorical", rf"\mathbb{{E}}_{{k}}\left[ {E_CAT} \right] = 0"),
    # Categorical on the simplex: the same derivative minus 1, because Σq = 1
    ("simplex", rf"{E_SIMPLEX} = \frac{{\delta_{{jk}}}}{{q_k}} - 1"),
    # Categorical logits: index form and softmax form
    ("categorical-logits", rf"{E_CAT_LOGIT} = \delta_{{jk}} - \operatorname{{softmax}}(\theta)_j"),
    (
        "categorical-logits",
        rf"{E_CAT_LOGIT} = \mathbb{{1}}[k = j] - \frac{{\exp(\theta_j)}}{{\sum_{{i=1}}^{{K}} \exp(\theta_i)}}",
    ),
    (
        "categorical-logits",
        rf"\mathbb{{E}}_{{k}}\left[ {E_CAT_LOGIT} \frac{{\partial \ln g(k; \theta)}}{{\partial \theta_i}} \right] = \delta_{{ij}} \operatorname{{softmax}}(\theta)_i - \operatorname{{softmax}}(\theta)_i \operatorname{{softmax}}(\theta)_j",
    ),
    # Multinomial: the coefficient drops out
    ("multinomial", rf"{E_MULTI} = \frac{{x_j}}{{\pi_j}} - \frac{{n}}{{{SUM_PI}}}"),
    ("multinomial", rf"{E_MULTI} = \frac{{x_j {SUM_PI} - n \pi_j}}{{\pi_j {SUM_PI}}}"),
    ("multinomial", rf"\mathbb{{E}}_{{x}}\left[ {E_MULTI} \right] = 0"),
    # Gaussian (σ declared, so it is the scale, not the logistic function); \pi is the constant
    (
        "gaussian",
        r"\frac{\partial \ln g(y; \mu, \sigma)}{\partial \mu} = \frac{y - \mu}{\sigma^{2}}",
    ),
    (
        "gaussian",
        r"\frac{\partial \ln g(y; \mu, \sigma)}{\partial \sigma} = \frac{(y - \mu)^{2} - \sigma^{2}}{\sigma^{3}}",
    ),
    (
        "gaussian",
        r"\frac{\partial \ln g(y; \mu, \exp(s))}{\partial s} = \frac{(y - \mu)^{2}}{\exp(2 s)} - 1",
    ),
    # Poisson with Euler's e
    ("poisson", r"\frac{\partial \ln g(y; \lambda)}{\partial \lambda} = \frac{y}{\lambda} - 1"),
    # expectations over infinite supports: the Gaussian over ℝ (exact integrals) ...
    ("gaussian", rf"{expect(E_MU)} = 0"),
    ("gaussian", rf"{expect(E_SIGMA)} = 0"),
    ("gaussian", rf"{expect(squared(E_MU))} = \frac{{1}}{{\sigma^{{2}}}}"),
    ("gaussian", rf"{expect(squared(E_SIGMA))} = \frac{{2}}{{\sigma^{{2}}}}"),
    ("gaussian", rf"{expect(E_MU + ' ' + E_SIGMA)} = 0"),
    (
        "gaussian",
        r"-\mathbb{E}_{y}\left[ \frac{\partial^{2} \ln g(y; \mu, \sigma)}{\partial \sigma^{2}} \right] = \frac{2}{\sigma^{2}}",
    ),
    ("gaussian", r"\mathbb{E}_{y}\left[ (y - \mu)^{4} \right] = 3 \sigma^{4}"),
    # ... and the Poisson over ℕ (exact series)
    ("poisson", rf"{expect(E_RATE)} = 0"),
    ("poisson", rf"{expect(squared(E_RATE))} = \frac{{1}}{{\lambda}}"),
    ("poisson", r"\mathbb{E}_{y}\left[ y \right] = \lambda"),
    # an abbreviation used inside an expectation sees the expectation's k
    ("score-abbreviation", r"\mathbb{E}_{k}\left[ e_j \right] = 0"),
    (
        "score-abbreviation",
        r"\mathbb{E}_{k}\left[ e_i e_j \right] = \delta_{ij} \operatorname{softmax}(\theta)_i - \operatorname{softmax}(\theta)_i \operatorname{softmax}(\theta)_j",
    ),
]

WRONG = [
    # flipped signs
    ("flipped sign", "bernoulli", rf"{E_BERNOULLI} = \frac{{p - y}}{{p (1 - p)}}"),
    ("flipped sign", "bernoulli-logits", rf"{E_LOGIT} = \sigma(\theta) - y"),
    ("flipped sign", "bernoulli-logits", rf"{E_LOGIT} = y - \sigma(-\theta)"),
    (
        "flipped sign",
        "categorical",
        rf"{E_CAT} = \frac{{1}}{{{SUM_PI}}} - \frac{{\delta_{{jk}}}}{{\pi_k}}",
    ),
    (
        "flipped sign",
        "bernoulli",
        r"\mathbb{E}_{y}\left[ \frac{\partial^{2} \ln g(y; p)}{\partial p^{2}} \right] = \frac{1}{p (1 - p)}",
    ),
    # missing normaliser
    ("missing normaliser", "categorical", rf"{E_CAT} = \frac{{\delta_{{jk}}}}{{\pi_k}}"),
    ("missing normaliser", "multinomial", rf"{E_MULTI} = \frac{{x_j}}{{\pi_j}}"),
    (
        "missing normaliser",
        "categorical-logits",
        rf"{E_CAT_LOGIT} = \delta_{{jk}} - \exp(\theta_j)",
    ),
    # swapped indices
    (
        "swapped index",
        "categorical-logits",
        rf"{E_CAT_LOGIT} = \delta_{{jk}} - \operatorname{{softmax}}(\theta)_k",
    ),
    (
        "swapped index",
        "categorical",
        rf"{E_CAT} = \frac{{\delta_{{jk}}}}{{\pi_k}} - \frac{{\pi_j}}{{\pi_k {SUM_PI}}}",
    ),
    (
        "swapped index",
        "categorical-logits",
        rf"\mathbb{{E}}_{{k}}\left[ {E_CAT_LOGIT} \frac{{\partial \ln g(k; \theta)}}{{\partial \theta_i}} \right] = \delta_{{ij}} \operatorname{{softmax}}(\theta)_i - \operatorname{{softmax}}(\theta)_i \operatorname{{softmax}}(\theta)_i",
    ),
    # wrong power or factor
    ("wrong power", "bernoulli", rf"{E_BERNOULLI} = \frac{{y - p}}{{p^{{2}} (1 - p)}}"),
    (
        "wrong power",
        "gaussian",
        r"\frac{\partial \ln g(y; \mu, \sigma)}{\partial \sigma} = \frac{(y - \mu)^{2} - \sigma^{2}}{\sigma^{2}}",
    ),
    (
        "wrong power",
        "poisson",
        r"\frac{\partial \ln g(y; \lambda)}{\partial \lambda} = \frac{y}{\lambda^{2}} - 1",
    ),
    (
        "wrong power",
        "bernoulli",
        rf"\mathbb{{E}}_{{y}}\left[ \left({E_BERNOULLI}\right)^{{2}} \right] = \frac{{1}}{{p^{{2}} (1 - p)^{{2}}}}",
    ),
    ("wrong factor", "bernoulli", rf"{E_BERNOULLI} = \frac{{2 (y - p)}}{{p (1 - p)}}"),
    (
        "wrong factor",
        "bernoulli-logits",
        r"-\frac{\partial^{2} \ln g(y; \theta)}{\partial \theta^{2}} = \sigma(\theta) (1 - \sigma(\theta))^{2}",
    ),
    (
        "wrong factor",
        "multinomial",
        rf"{E_MULTI} = \frac{{n x_j}}{{\pi_j}} - \frac{{n}}{{{SUM_PI}}}",
    ),
    # off-by-one in n
    (
        "off-by-one n",
        "multinomial",
        rf"{E_MULTI} = \frac{{x_j}}{{\pi_j}} - \frac{{n - 1}}{{{SUM_PI}}}",
    ),
    (
        "off-by-one n",
        "multinomial",
        rf"{E_MULTI} = \frac{{x_j}}{{\pi_j}} - \frac{{n + 1}}{{{SUM_PI}}}",
    ),
    # wrong domain: true only on the simplex, stated for torch's unnormalised probs
    ("wrong domain", "categorical", rf"{E_CAT} = \frac{{\delta_{{jk}}}}{{\pi_k}} - 1"),
    ("wrong domain", "categorical", rf"\sum_{{j=1}}^{{K}} {E_CAT} = \frac{{1}}{{\pi_k}} - K"),
    # expectations over infinite supports
    (
        "flipped sign",
        "gaussian",
        r"\mathbb{E}_{y}\left[ \frac{\partial^{2} \ln g(y; \mu, \sigma)}{\partial \mu^{2}} \right] = \frac{1}{\sigma^{2}}",
    ),
    ("wrong power", "gaussian", rf"{expect(squared(E_MU))} = \frac{{1}}{{\sigma}}"),
    ("wrong factor", "gaussian", rf"{expect(squared(E_SIGMA))} = \frac{{1}}{{\sigma^{{2}}}}"),
    ("wrong factor", "gaussian", rf"{expect(E_MU + ' ' + E_SIGMA)} = \frac{{1}}{{\sigma^{{3}}}}"),
    ("flipped sign", "poisson", rf"-{expect(squared(E_RATE))} = \frac{{1}}{{\lambda}}"),
    ("wrong power", "poisson", rf"{expect(squared(E_RATE))} = \frac{{1}}{{\lambda^{{2}}}}"),
    ("off-by-one", "poisson", r"\mathbb{E}_{y}\left[ y \right] = \lambda + 1"),
]


@pytest.mark.parametrize(("context", "latex"), TRUE)
def test_true_formulas_pass(context, latex):
    results = check(context, latex)
    assert all(r.ok for r in results), [m for r in results for m in r.messages()]


@pytest.mark.parametrize(("slip", "context", "latex"), WRONG)
def test_wrong_formulas_fail_with_a_counterexample(slip, context, latex):
    results = check(context, latex)
    problems = [m for r in results for m in r.messages()]
    assert problems, f"{slip} was not caught: {latex}"
    assert problems[0].startswith("tests/"), problems[0]
    assert "eq-under-test" in problems[0]
    assert " at " in problems[0]  # names the counter-example point


def test_kill_rate_is_total():
    caught = sum(bool([m for r in check(c, latex) for m in r.messages()]) for _, c, latex in WRONG)
    assert caught == len(WRONG)


# --- infinite supports: how the expectation was decided, and the numeric fallback ----------

INFINITE = [
    ("gaussian", rf"{expect(squared(E_MU))} = \frac{{1}}{{\sigma^{{2}}}}", "ℝ", "Gaussian moments"),
    ("poisson", rf"{expect(squared(E_RATE))} = \frac{{1}}{{\lambda}}", "ℕ", "sympy.summation"),
]


@pytest.mark.parametrize(("context", "latex", "support", "method"), INFINITE)
def test_an_exact_expectation_names_its_method(context, latex, support, method):
    [result] = check(context, latex)
    kind = "series" if support == "ℕ" else "integral"
    assert result.methods == ["symbolic", "numeric", kind]
    assert result.evidence[-1].detail == f"E over y ∈ {support} exact by {method}"


@pytest.mark.parametrize(
    ("context", "latex", "method"),
    [
        ("gaussian", rf"{expect(squared(E_MU))} = \frac{{1}}{{\sigma^{{2}}}}", "mpmath.quad"),
        ("poisson", rf"{expect(squared(E_RATE))} = \frac{{1}}{{\lambda}}", "truncated sum"),
    ],
)
def test_numeric_fallback_decides_and_says_so(monkeypatch, context, latex, method):
    from mathcheck import expectation

    monkeypatch.setattr(expectation, "SYMBOLIC_SECONDS", 0)  # as if sympy could not decide
    [result] = check(context, latex)
    assert result.ok, result.problems
    kind = "truncated sum" if method == "truncated sum" else "quadrature"
    assert result.methods == ["numeric", kind]
    [how] = [e for e in result.evidence if e.method == kind]
    assert f"by {method}" in how.detail and "sympy did not decide" in how.detail


@pytest.mark.parametrize(
    ("context", "latex"),
    [
        ("gaussian", rf"{expect(squared(E_MU))} = \frac{{1}}{{\sigma}}"),
        ("poisson", rf"{expect(squared(E_RATE))} = \frac{{1}}{{\lambda^{{2}}}}"),
    ],
)
def test_numeric_fallback_still_catches_slips(monkeypatch, context, latex):
    from mathcheck import expectation

    monkeypatch.setattr(expectation, "SYMBOLIC_SECONDS", 0)
    problems = [m for r in check(context, latex) for m in r.messages()]
    assert problems and " at " in problems[0]


def test_a_density_must_integrate_to_one():
    from mathcheck import Formula, Page

    page = Page("tests/unnormalised.md")
    [result] = page.check(
        Formula(
            "definition",
            "eq-def",
            r"g(y; \mu, \sigma) = \frac{1}{\sigma} \exp\left( -\frac{(y - \mu)^{2}}{2 \sigma^{2}} \right)",
            page.source,
            1,
            2,
            symbols=r"y, \mu \in \mathbb{R}; \sigma \in (0, \infty)",
            torch="torch.distributions.Normal(mu, sigma).log_prob(y) + math.log(math.sqrt(2 * math.pi))",
        )
    )
    assert not result.ok
    assert any("does not integrate to 1 over y" in p for p in result.problems), result.problems


# --- several statements in one display: each row (or \quad-part) is checked on its own --------

ROWS_TRUE = [
    # a true two-row claim: zero mean, then the Fisher information
    rf"{expect(E_BERNOULLI)} &= 0 \\ {expect(squared(E_BERNOULLI))} &= \frac{{1}}{{p (1 - p)}}",
    rf"{expect(E_BERNOULLI)} = 0 \quad {expect(squared(E_BERNOULLI))} = \frac{{1}}{{p (1 - p)}}",
    rf"{expect(E_BERNOULLI)} = 0, \qquad \mathbb{{E}}_{{y}}\left[ y \right] = p",
    # a row continued by an operator, and a row left open after one
    rf"{E_BERNOULLI} &= \frac{{y}}{{p}} \\ &\quad - \frac{{1 - y}}{{1 - p}}",
    rf"{E_BERNOULLI} &= \frac{{y}}{{p}} - \\ &\qquad \frac{{1 - y}}{{1 - p}}",
]
ROWS_WRONG = [
    # a row ending in 0 must not make the next row a factor of it (the product 0 · B = 0)
    rf"{expect(E_BERNOULLI)} &= 0 \\ {expect(squared(E_BERNOULLI))} &= 0",
    rf"{expect(E_BERNOULLI)} &= 0 \\ \frac{{1}}{{p^{{2}}}} &= 0",
    rf"{expect(E_BERNOULLI)} = 0 \quad {E_BERNOULLI} = 0",
    rf"{expect(E_BERNOULLI)} = 0 \qquad {expect(squared(E_BERNOULLI))} = p (1 - p)",
]


@pytest.mark.parametrize("latex", ROWS_TRUE)
def test_each_statement_of_a_true_display_passes(latex):
    results = check("bernoulli", latex)
    assert all(r.ok for r in results), [r.problems for r in results]


@pytest.mark.parametrize("latex", ROWS_WRONG)
def test_a_false_row_fails_whatever_the_row_before(latex):
    results = check("bernoulli", latex)
    assert len(results) == 2 and results[0].ok and not results[1].ok
    assert results[1].step == 2 and "statement 2" in results[1].problems[0]


def test_a_derivation_still_chains_its_rows():
    latex = rf"{E_BERNOULLI} &= \frac{{y}}{{p}} - \frac{{1 - y}}{{1 - p}} \\ &= \frac{{y - p}}{{p (1 - p)}}"
    results = check("bernoulli", latex, kind="derivation")
    assert [r.step for r in results] == [1, 2] and all(r.ok for r in results)
