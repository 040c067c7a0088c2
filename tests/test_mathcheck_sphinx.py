# ruff: noqa: E501  (LaTeX formulas read best on one line)
"""End to end through sphinx-build with the book's own configuration: a true page builds and
lands in the ledger; a wrong formula, or an unverified display formula, fails the build with
file, line, label and what is wrong."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from book_build import ROOT, sphinx_build

FIXTURE = ROOT / "tests" / "fixtures" / "book"

pytestmark = pytest.mark.slow


def build(tmp_path: Path, edit=None) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    if edit:
        page = src / "sample.md"
        page.write_text(edit(page.read_text()))
    return sphinx_build(src, tmp_path / "out" / "html", tmp_path / "jcache", cwd=tmp_path)


def test_a_true_page_builds_and_every_formula_is_in_the_ledger(tmp_path):
    run = build(tmp_path)
    assert run.returncode == 0, run.stderr
    ledger = (tmp_path / "out" / "html" / "ledger.html").read_text()
    for label in ("eq-sample-pmf", "eq-sample-eligibility", "eq-sample-update"):
        assert f"#equation-{label}" in ledger
    assert "notation: an update rule defines an algorithm" in ledger
    assert (
        "1 definition (1 checked, 0 notation); 1 claim (1 tied to the page, 0 identities); "
        "3 derivation steps; 0 inline relations (0 checked, 0 identities, 0 notation, 0 exempt); "
        "0 theorem statements (0 verified, 0 exempt); 0 failing. Apart from these, 1 exempt "
        "formula." in ledger
    )
    assert "Exemptions may cite only these reviewed reasons" in ledger
    page = (tmp_path / "out" / "html" / "sample.html").read_text()
    assert 'id="equation-eq-sample-eligibility"' in page
    # the claim declares nothing itself: its caption shows the domains its check used
    captions = re.findall(r'<p class="mathcheck-caption">(.*?)</p>', page, re.S)
    assert r"\(y \in \{0, 1\}\)" in captions[1] and "✓ verified" in captions[1]
    assert "Not checked: notation" in captions[2]
    # the formula table shows each cited formula's right-hand side as written on its page
    summary = (tmp_path / "out" / "html" / "summary.html").read_text()
    assert r"\(\frac{y - p}{p (1 - p)}\)" in summary
    assert r"\(p^{y} (1 - p)^{1 - y}\)" in summary
    assert 'href="sample.html#equation-eq-sample-eligibility"' in summary
    assert 'href="ledger.html#ledger-eq-sample-eligibility"' in summary


def test_a_formula_table_citing_no_verified_formula_fails_at_its_line(tmp_path):
    # the claim is renamed, so the table's cell names a label no formula has any more
    run = build(tmp_path, lambda text: text.replace("eq-sample-eligibility", "eq-sample-renamed"))
    assert run.returncode != 0
    assert re.search(
        r"summary\.md:5: ERROR: formula-table: eq-sample-eligibility: names no math-def or "
        r"math-claim of the book",
        run.stderr,
    ), run.stderr


def test_a_formula_table_citing_a_failing_formula_fails(tmp_path):
    run = build(
        tmp_path, lambda text: text.replace(r"\frac{y - p}{p (1 - p)}", r"\frac{p - y}{p (1 - p)}")
    )
    assert run.returncode != 0
    assert "formula-table: eq-sample-eligibility: that formula failed verification" in run.stderr


def test_a_flipped_sign_fails_the_build_with_file_line_label_and_counterexample(tmp_path):
    run = build(
        tmp_path, lambda text: text.replace(r"\frac{y - p}{p (1 - p)}", r"\frac{p - y}{p (1 - p)}")
    )
    assert run.returncode != 0
    line = next(
        n
        for n, text in enumerate((FIXTURE / "sample.md").read_text().splitlines(), 1)
        if "math-claim" in text
    )
    pattern = (
        rf"sample\.md:{line}: ERROR: eq-sample-eligibility: lhs − rhs ≠ 0 at y=\d, p=[\d.e−-]+ "
        r"\(lhs [−\d.e]+, rhs [−\d.e]+; they differ by [\d.e+-]+ \(relative [\d.e+-]+\), "
        r"beyond the tolerance of 1e-08 relative \+ 1e-10 absolute\)"
    )
    assert re.search(pattern, run.stderr), run.stderr


def test_an_unverified_display_formula_fails_the_build(tmp_path):
    run = build(tmp_path, lambda text: text + "\n$$\na = b\n$$\n")
    assert run.returncode != 0
    assert "display formula is not verified" in run.stderr, run.stderr


def test_an_unreadable_formula_names_the_column_and_a_hint(tmp_path):
    run = build(
        tmp_path, lambda text: text.replace(r"\frac{y - p}{p (1 - p)}", r"\frac{y - p}{p \wp}")
    )
    assert run.returncode != 0
    assert r"eq-sample-eligibility: unknown command \wp at column" in run.stderr
    assert "hint:" in run.stderr


def test_a_wrong_middle_step_is_reported_at_its_own_line(tmp_path):
    wrong = r"&= \frac{y (1 - p) + (1 - y) p}{p (1 - p)} \\"
    run = build(tmp_path, lambda text: text.replace(wrong.replace("+", "-"), wrong))
    assert run.returncode != 0
    lines = (FIXTURE / "sample.md").read_text().splitlines()
    step = next(n for n, text in enumerate(lines, 1) if text.strip() == wrong.replace("+", "-"))
    assert re.search(rf"sample\.md:{step}: ERROR: eq-sample-derivation: step 2→3:", run.stderr), (
        run.stderr
    )


WRONG_TEXT = r"""
The eligibility has mean one, $\mathbb{E}_{y}\left[ \frac{\partial \ln g(y; p)}{\partial p} \right] = 1$.

````{prf:theorem} Words only
:label: thm-sample-words

The eligibility has mean zero.
````
"""


def test_a_false_inline_relation_and_a_theorem_in_words_fail_the_build(tmp_path):
    run = build(tmp_path, lambda text: text + WRONG_TEXT)
    assert run.returncode != 0
    line = len(FIXTURE.joinpath("sample.md").read_text().splitlines()) + 2
    inline = f"sample.md:{line}: ERROR: inline-sample-{line} ($\\mathbb{{E}}_{{y}}"
    assert inline in run.stderr and "lhs − rhs ≠ 0" in run.stderr, run.stderr
    assert "thm-sample-words: its statement holds no checked relation" in run.stderr
