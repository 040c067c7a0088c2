"""The command line (`python -m mathcheck`), the result cache and error messages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mathcheck_contexts import check

from mathcheck import Cache, Formula, Page
from mathcheck.__main__ import main

SAMPLE = Path(__file__).parent / "fixtures" / "book" / "sample.md"


def test_cli_passes_a_true_page_and_lists_each_formula(capsys):
    assert main([str(SAMPLE), "-v"]) == 0
    out = capsys.readouterr().out
    assert "eq-sample-eligibility: verified (symbolic, numeric, torch" in out
    assert "0 problem(s)" in out


def test_cli_fails_a_wrong_page_with_one_line_per_problem(tmp_path):
    page = tmp_path / "wrong.md"
    page.write_text(SAMPLE.read_text().replace(r"1 - y}", r"y}"))  # drop the 1 - of the exponent
    run = subprocess.run(
        [sys.executable, "-m", "mathcheck", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "eq-sample-pmf: :torch:" in run.stdout
    assert "g does not sum to 1 over y" in run.stdout


def test_cli_reports_stray_display_math(tmp_path):
    page = tmp_path / "stray.md"
    page.write_text("# T\n\n$$\na = b\n$$\n")
    assert main([str(page)]) == 1


def test_cache_rechecks_only_what_changed(tmp_path):
    cache_file = tmp_path / "cache.json"
    copy = tmp_path / "sample.md"
    shutil.copy(SAMPLE, copy)
    shutil.copy(SAMPLE.parent / "mathcheck-exemptions.txt", tmp_path)
    assert main([str(copy), "--cache", str(cache_file)]) == 0
    warm = Cache(cache_file)
    page = Page(str(copy), cache=warm)
    from mathcheck.myst import extract

    formulas, _ = extract(copy.read_text(), str(copy))
    results = [r for f in formulas for r in page.check(f)]
    assert warm.hits == 3  # definition, claim, derivation; the exemption is not cached
    assert all(r.cached for r in results if r.kind != "exempt")
    # change the definition: everything after it depends on it and is re-checked
    changed = [
        Formula(**{**f.__dict__, "latex": f.latex.replace("p^{y}", "p^{y} \\cdot 1")})
        if f.kind == "definition"
        else f
        for f in formulas
    ]
    fresh = Cache(cache_file)
    page = Page(str(copy), cache=fresh)
    results = [r for f in changed for r in page.check(f)]
    assert fresh.hits == 0
    assert all(r.ok for r in results)


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (
            r"\frac{\partial \ln g(y; p)}{\partial p} = \frac{y - p}{p (1 - q)}",
            "symbol q is not declared",
        ),
        (r"\frac{\partial \ln g(y; p)}{\partial p} = \frac{y - p}{p (1 - p}", "expected ')'"),
        (r"\frac{\partial \ln g(y; p)}{\partial p} \approx 0", "the relation ≈ is not checked"),
        (r"\frac{\partial \ln g(y; p)}{\partial y} = 0", "cannot differentiate by y"),
        (r"\frac{\partial \ln g(y; p, p)}{\partial p} = 0", "g takes 2 argument(s); got 3"),
        (r"\frac{y - p}{p (1 - p)}", "nothing to check"),
    ],
)
def test_unreadable_formulas_say_what_is_wrong(latex, expected):
    [result] = check("bernoulli", latex)
    assert not result.ok
    assert expected in result.problems[0], result.problems


def test_an_exemption_needs_a_reviewed_reason():
    [result] = check("bernoulli", r"\Delta p = \alpha e", kind="exempt")
    assert result.problems == ["an exemption needs a :reason:"]
    # tests/ has no list of reviewed reasons: no reason is allowed
    [result] = check("bernoulli", r"\Delta p = \alpha e", kind="exempt", reason="notation")
    assert "is not one of the reviewed exemption reasons" in result.problems[0]
    assert "mathcheck-exemptions.txt" in result.problems[0]


def test_a_redeclared_index_may_range_up_to_a_later_symbol(tmp_path):
    # l first ranges to K; re-declared after D exists, it must be instantiated after D
    page = tmp_path / "redeclare.md"
    page.write_text(
        "```{math-claim} eq-a\n"
        ":symbols: K \\in \\{2, 3\\}; l \\in \\{1, \\dots, K\\}\n"
        ":algebra:\n"
        "l = l\n"
        "```\n\n"
        "```{math-claim} eq-b\n"
        ":symbols: D \\in \\{2, 3\\}; l \\in \\{1, \\dots, D\\}\n"
        ":algebra:\n"
        "l + D = D + l\n"
        "```\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "mathcheck", str(page)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_binding_may_name_several_modules_of_one_package():
    # in a fresh process, so that no test has imported the modules already
    code = (
        "import torch\n"
        "from mathcheck.bindings import evaluate\n"
        "ns = {'y': torch.tensor([1.0], dtype=torch.float64),"
        " 'p': torch.tensor([0.25], dtype=torch.float64)}\n"
        "out = evaluate('eligibility.bernoulli.log_prob(y, probs=p)"
        " - eligibility.poisson.log_prob(y, rate=p)', ns, 1, what=':package:')\n"
        "print(round(float(out[0]), 6))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    # ln 0.25 − (ln 0.25 − 0.25 − ln 1!) = 0.25
    assert run.stdout.strip() == "0.25"


def test_after_a_failed_definition_later_formulas_say_why_they_were_not_checked(tmp_path, capsys):
    page = tmp_path / "geometric.md"
    page.write_text(
        "```{math-def} eq-geometric-pmf\n"
        ":symbols: k \\in \\mathbb{N}; p \\in (0, 1)\n"
        "g(k; p) = (1 - p)^{k}\n"  # the normaliser p is missing: the definition fails
        "```\n\n"
        "```{math-claim} eq-geometric-eligibility\n"
        "\\frac{\\partial \\ln g(k; p)}{\\partial p} = \\frac{1}{p} - \\frac{k}{1 - p}\n"
        "```\n\n"
        "```{math-claim} eq-geometric-mean\n"
        "\\mathbb{E}_{k}\\left[ k \\right] = \\frac{1 - p}{p}\n"
        "```\n\n"
        "```{math-claim} eq-geometric-broken-domain\n"
        ":symbols: q \\in (0 1)\n"
        "q = q\n"
        "```\n\n"
        "```{math-claim} eq-geometric-uses-q\n"
        ":algebra:\n"
        "q^{2} = q q\n"
        "```\n"
    )
    assert main([str(page)]) == 1
    out = capsys.readouterr().out
    assert "eq-geometric-pmf: g does not sum to 1 over k" in out
    assert (
        "eq-geometric-eligibility: not checked: it uses g, whose definition eq-geometric-pmf "
        "(line 1) failed; fix that formula first" in out
    )
    assert (
        "eq-geometric-mean: not checked: it takes an expectation over k, whose density "
        "eq-geometric-pmf (line 1) failed" in out
    )
    assert "eq-geometric-broken-domain: expected ','" in out
    assert "eq-geometric-uses-q: not checked: it uses q, whose declaration" in out
    assert "expected ')'" not in out and "no distribution of k" not in out  # no cascade
