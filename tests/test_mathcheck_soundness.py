# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""The soundness battery: each hole an adversarial review found around the equality check, as
failing cases, each with a true control in the same construct (a false alarm there would be as
bad as a miss). Holes are numbered as in issue #10; rows (1) are at the end of
test_mathcheck_battery.py, the command line (5) in test_mathcheck_myst.py.
"""

from __future__ import annotations

import importlib
import sys

import pytest
from mathcheck_contexts import check, page_with

from mathcheck import Cache, Formula, Page
from mathcheck import cache as cache_module
from mathcheck.reading import split_statements

E_BERNOULLI = r"\frac{\partial \ln g(y; p)}{\partial p}"
FISHER = rf"\mathbb{{E}}_{{y}}\left[ \left({E_BERNOULLI}\right)^{{2}} \right]"
GAUSSIAN = r"\frac{1}{\sigma \sqrt{2 \pi}} \exp\left( -\frac{(y - \mu)^{2}}{2 \sigma^{2}} \right)"
GAUSSIAN_SYMBOLS = r"y, \mu \in \mathbb{R}; \sigma \in (0, \infty)"


def problems(results) -> list[str]:
    return [p for r in results for p in r.problems]


def on_page(*formulas: Formula) -> list:
    """Check ``formulas`` in order on one fresh page; the results of the last one."""
    page = Page("tests/soundness.md")
    results = []
    for formula in formulas:
        results = page.check(formula)
    return results


def formula(kind: str, latex: str, **options) -> Formula:
    return Formula(kind, f"eq-{kind}", latex, "tests/soundness.md", 1, 2, **options)


# --- 1. rows: a \text row, cases and \left\{ … \right. ---------------------------------------


def test_rows_of_cases_and_of_a_one_sided_bracket_stay_one_statement():
    text = r"f = \begin{cases} 1 \\ 0 \end{cases} \\ g = \left\{ a \\ b \right. \quad h = 1"
    assert [s.text.strip() for s in split_statements(text)] == [
        r"f = \begin{cases} 1 \\ 0 \end{cases}",
        r"g = \left\{ a \\ b \right.",
        "h = 1",
    ]


def test_a_row_of_prose_is_refused_with_the_supported_way():
    results = check("bernoulli", rf"{E_BERNOULLI} = \frac{{1}}{{p}} \\ \text{{for }} y = 1")
    [message] = problems(results)
    assert "a row of prose" in message and ":where: y \\in \\{1\\}" in message
    # the control: the condition as the formula's domain
    assert not problems(
        check("bernoulli", rf"{E_BERNOULLI} = \frac{{1}}{{p}}", where=r"y \in \{1\}")
    )


# --- 2. vacuous domains ------------------------------------------------------------------------

RANGE = r"K \in \{2, 3\}; \pi \in (0, \infty)^{K}"


@pytest.mark.parametrize(
    ("domain", "fails"),
    [
        (
            r"i \in \{K + 1, \dots, K\}",
            "no instance to check: i ∈ {K + 1, …, K} is empty for every K",
        ),
        (r"i \in \{3, \dots, 1\}", "an empty integer range"),
        (r"i \in \{1, \dots, K\}", None),  # the control
    ],
)
def test_an_empty_range_fails_instead_of_passing_with_no_points(domain, fails):
    results = on_page(
        formula("claim", r"\pi_i = 2 \pi_i", symbols=f"{RANGE}; {domain}", algebra=True)
    )
    if fails:
        assert fails in problems(results)[0]
    else:  # the same wrong claim, now checked at every index: caught
        assert "lhs − rhs ≠ 0 at K=2, i=1" in problems(results)[0]


@pytest.mark.parametrize(
    ("domain", "fails"),
    [
        (r"p \in (0.499999999, 0.500000001)", "a degenerate interval"),
        (r"p \in (0.4999, 0.5001)", "a degenerate interval"),
        (r"p \in (0.4, 0.6)", "lhs − rhs ≠ 0 at p="),  # the control: wide enough to tell
    ],
)
def test_an_approximation_cannot_hide_in_a_narrow_interval(domain, fails):
    results = on_page(formula("claim", r"p (1 - p) = \frac{1}{4}", symbols=domain, algebra=True))
    assert fails in problems(results)[0]


def test_a_true_formula_on_a_narrow_but_wide_enough_interval_passes():
    results = on_page(
        formula("claim", r"p (1 - p) = p - p^{2}", symbols=r"p \in (0.4, 0.6)", algebra=True)
    )
    assert not problems(results)


def test_a_redeclaration_that_narrows_a_definitions_domain_fails_unless_scoped():
    page = page_with("bernoulli")
    claim = r"g(y; p) = p"  # true only for y = 1
    [narrowed] = page.check(formula("claim", claim, symbols=r"y \in \{1\}"))
    assert (
        "which was checked for y ∈ {0, 1}; y has since been declared y ∈ {1}"
        in narrowed.problems[0]
    )
    assert ":where: y \\in \\{1\\}" in narrowed.problems[0]
    # every later formula that uses g is refused too, not silently checked at y = 1 only
    [later] = page.check(formula("claim", rf"{E_BERNOULLI} = \frac{{1}}{{p}}"))
    assert "has since been declared y ∈ {1}" in later.problems[0]
    # the control: the narrower domain for this formula alone, shown in its caption
    [scoped] = page_with("bernoulli").check(formula("claim", claim, where=r"y \in \{1\}"))
    assert scoped.ok and r"y \in \{1\}" in scoped.domains


def test_a_new_section_may_redeclare_a_symbol_when_it_defines_again():
    page = page_with("bernoulli")
    page.check(
        formula(
            "definition",
            r"g(y; \lambda) = \frac{\lambda^{y} e^{-\lambda}}{y!}",
            symbols=r"y \in \mathbb{N}; \lambda \in (0, \infty)",
        )
    )
    [result] = page.check(formula("claim", r"\mathbb{E}_{y}\left[ y \right] = \lambda"))
    assert result.ok, result.problems


def test_captions_show_every_domain_the_check_used():
    [result] = check(
        "categorical",
        r"\frac{\partial \ln g(k; \pi)}{\partial \pi_j} = \frac{\delta_{jk}}{\pi_k} - \frac{1}{\sum_{i=1}^{K} \pi_i}",
    )
    assert result.domains == [
        r"K \in \{2, 3, 4\}",
        r"j \in \{1, \dots, K\}",
        r"k \in \{1, \dots, K\}",
        r"\pi \in (0, \infty)^{K}",
    ]


@pytest.mark.parametrize(("side", "fails"), [(r"\ln(p - 2)", True), (r"\ln(2 - p)", False)])
def test_a_check_with_too_few_points_fails(side, fails):
    results = on_page(formula("claim", f"{side} = {side}", symbols=r"p \in (0, 1)", algebra=True))
    assert bool(problems(results)) == fails
    if fails:
        assert "only 0 of" in problems(results)[0]


# --- 3. definitions that escaped their checks --------------------------------------------------


@pytest.mark.parametrize(
    ("density", "fails"),
    [
        (r"\frac{1}{\sigma} \exp\left( -\frac{(y - \mu)^{2}}{2 \sigma^{2}} \right)", True),
        (GAUSSIAN, False),
    ],
)
def test_a_continuous_density_must_normalise_without_torch(density, fails):
    results = on_page(
        formula("definition", f"g(y; \\mu, \\sigma) = {density}", symbols=GAUSSIAN_SYMBOLS)
    )
    assert bool(problems(results)) == fails
    if fails:
        assert "g does not integrate to 1 over y" in problems(results)[0]
    else:
        assert results[0].methods == ["normalised"]


@pytest.mark.parametrize(
    ("package", "fails"),
    [
        ("eligibility.bernoulli.log_prob(1 - y, probs=p)", True),
        ("eligibility.bernoulli.log_prob(y, probs=p)", False),
    ],
)
def test_a_definitions_package_binding_is_checked(package, fails):
    results = on_page(
        formula(
            "definition",
            r"g(y; p) = p^{y} (1 - p)^{1 - y}",
            symbols=r"y \in \{0, 1\}; p \in (0, 1)",
            package=package,
        )
    )
    assert bool(problems(results)) == fails
    if fails:
        assert ":package:" in problems(results)[0]
    else:
        assert results[0].methods == ["package", "package gradient", "normalised"]


@pytest.mark.parametrize(
    ("body", "fails"), [(r"q_k", True), (r"\frac{q_k}{\sum_{i=1}^{K} q_i}", False)]
)
def test_a_definition_equal_to_torch_only_on_the_simplex_has_the_wrong_gradient(body, fails):
    results = on_page(
        formula(
            "definition",
            f"g(k; q) = {body}",
            symbols=r"K \in \{2, 3\}; k \in \{1, \dots, K\}; q \in \Delta^{K-1}",
            torch="torch.distributions.Categorical(probs=q).log_prob(k - 1)",
        )
    )
    assert bool(problems(results)) == fails
    if fails:
        assert "the gradient of ln g by q_1 ≠ torch autograd" in problems(results)[0]


def test_a_false_claim_written_as_a_definition_is_shown_as_notation_not_verified():
    [false] = check("bernoulli", rf"I = {FISHER} + 1", kind="definition")
    assert false.ok and false.status == "notation" and false.methods == ["notation"]
    [true] = check("bernoulli", r"g(y; p) = p^{y} (1 - p)^{1 - y}", kind="definition")
    assert true.status == "verified"  # the control: a density is checked (it normalises)


def test_a_density_of_an_outcome_it_cannot_sum_over_is_refused():
    results = on_page(
        formula(
            "definition",
            r"h(z; w) = \prod_{i=1}^{K} w_i^{z_i}",
            symbols=r"K \in \{2\}; z, w \in (0, 1)^{K}",
        )
    )
    # a box of reals is integrated one coordinate at a time, exactly or not at all
    assert "is not exact one coordinate at a time" in problems(results)[0]
    results = on_page(  # the control: the outcome's true support
        formula(
            "definition",
            r"h(z; w) = \prod_{i=1}^{K} w_i^{z_i} (1 - w_i)^{1 - z_i}",
            symbols=r"K \in \{2\}; z \in \{0, 1\}^{K}; w \in (0, 1)^{K}",
        )
    )
    assert not problems(results)


# --- 4. claims that touch nothing ---------------------------------------------------------------


def test_a_claim_that_uses_nothing_of_the_page_must_say_it_is_an_identity():
    consistent_but_unrelated = r"\frac{1}{p (1 - p)} = \frac{1}{p} + \frac{1}{1 - p}"
    [untied] = check("bernoulli", consistent_but_unrelated)
    assert "uses none of the page's definitions" in untied.problems[0]
    [identity] = check("bernoulli", consistent_but_unrelated, algebra=True)
    assert identity.ok and identity.status == "identity"
    [tied] = check("bernoulli", rf"{FISHER} = {consistent_but_unrelated.split(' = ')[1]}")
    assert tied.ok and tied.status == "verified"  # the control: tied to g through 𝔼
    [wrongly_marked] = check("bernoulli", rf"{FISHER} = \frac{{1}}{{p (1 - p)}}", algebra=True)
    assert "marked :algebra:, but it uses" in wrongly_marked.problems[0]


# --- 6. cache keys -----------------------------------------------------------------------------


def test_a_result_is_rekeyed_when_a_library_it_computes_with_changes(monkeypatch):
    page = page_with("bernoulli")
    claim = formula("claim", rf"{E_BERNOULLI} = \frac{{y - p}}{{p (1 - p)}}")
    before = Cache(None).key(claim, page.scope)
    monkeypatch.setattr(cache_module, "library_versions", lambda: "torch==9.9.9")
    assert Cache(None).key(claim, page.scope) != before


def test_a_claim_checked_by_autograd_of_a_definitions_binding_is_rekeyed_when_that_package_changes(
    tmp_path, monkeypatch
):
    package = tmp_path / "fakedist"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import torch\ndef log_prob(y, p):\n    return torch.distributions.Bernoulli(probs=p).log_prob(y)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    page = Page("tests/soundness.md")
    [definition] = page.check(
        formula(
            "definition",
            r"g(y; p) = p^{y} (1 - p)^{1 - y}",
            symbols=r"y \in \{0, 1\}; p \in (0, 1)",
            torch="fakedist.log_prob(y, p)",
        )
    )
    assert definition.ok, definition.problems
    claim = formula(
        "claim", rf"{E_BERNOULLI} = \frac{{y - p}}{{p (1 - p)}}"
    )  # no binding of its own
    [result] = page.check(claim)
    assert "torch" in result.methods  # evidence: autograd of fakedist.log_prob
    before = Cache(None).key(claim, page.scope)
    (package / "__init__.py").write_text((package / "__init__.py").read_text() + "# changed\n")
    cache_module.folder_digest.cache_clear()
    cache_module.package_digest.cache_clear()
    try:
        assert Cache(None).key(claim, page.scope) != before
    finally:
        sys.modules.pop("fakedist", None)
        cache_module.folder_digest.cache_clear()
        cache_module.package_digest.cache_clear()


# --- 7. exemptions ------------------------------------------------------------------------------


def test_only_a_reviewed_reason_exempts_a_formula(tmp_path):
    (tmp_path / "mathcheck-exemptions.txt").write_text("# reviewed\nnotation: an update rule\n")
    page = Page(str(tmp_path / "page.md"))
    [listed] = page.check(
        formula("exempt", r"\Delta p = \alpha e", reason="notation: an update rule")
    )
    [unlisted] = page.check(formula("exempt", r"1 = 2", reason="obvious"))
    assert listed.ok and listed.status == "exempt"
    assert "is not one of the reviewed exemption reasons listed in" in unlisted.problems[0]
