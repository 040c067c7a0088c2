"""The command line and the build find the same formulas: every way MyST can hold a display
formula (tests/fixtures/corpus/constructs.md) is found by both, at the same line, and the
display math no directive verifies is reported by both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest
from book_build import ROOT

from mathcheck import Page, Result
from mathcheck.__main__ import main
from mathcheck.exemptions import AllowList
from mathcheck.myst import extract

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
FENCE = re.compile(r"^\s*(?:`{3,}|:{3,}) ?\{math-(?:def|claim|derivation|exempt)\}", re.M)

# Sphinx in a process of its own (the book's conf), reporting what the verifier was given
BUILD = textwrap.dedent(
    """
    import io, json, sys
    from sphinx.application import Sphinx
    src, conf, out = sys.argv[1:4]
    app = Sphinx(src, conf, out + "/html", out + "/doctrees", "html", status=None,
                 warning=io.StringIO(), freshenv=True,
                 confoverrides={"mathcheck_workers": 0, "nb_execution_mode": "off",
                                "mathcheck_cache": ""})
    app.build()
    print(json.dumps(app.env.mathcheck_results["constructs"]))
    """
)


def found_by_the_command_line() -> tuple[list[tuple[str, str, int]], list[int]]:
    formulas, stray = extract((CORPUS / "constructs.md").read_text(), "constructs.md")
    return [(f.kind, f.label, f.line) for f in formulas], [line for line, _ in stray]


def test_the_command_line_finds_every_construct():
    formulas, stray = found_by_the_command_line()
    labels = [label for _, label, _ in formulas]
    assert labels == [
        "eq-corpus-pmf",
        "inline-constructs-12",  # $…$ in a paragraph
        "inline-constructs-13",  # {math} on the paragraph's next line
        "inline-constructs-13-2",  # the second relation on that line
        "inline-constructs-15",  # {notation}
        "inline-constructs-15-2",  # {algebra}
        "eq-corpus-space",  # ``` {math-claim}: a space before the brace
        "eq-corpus-colon",  # :::{math-claim}
        "eq-corpus-yaml",  # options as a YAML block
        "eq-corpus-item",  # a directive in a list item
        "eq-corpus-rst",  # .. math-claim:: in {eval-rst}
        "eq-corpus-proof",  # inside prf:proof (not on its first line: see the corpus)
        "inline-constructs-99",  # in a theorem's statement, after emphasis
        "inline-constructs-100",  # on the statement's next line
        "thm-corpus",  # the theorem's statement, after what it holds
        "lem-corpus",  # a statement exempted with {math-exempt}
        "inline-constructs-109",  # in a list item
        "inline-constructs-113",  # in a table cell
        "inline-constructs-116",  # in an admonition
        "eq-corpus-note",  # inside an admonition
        "eq-corpus-tab",  # inside sphinx-design tabs (colon fences)
    ]
    # $$ in a list item and a block quote, labelled $$, {math}, amsmath, .. math:: (twice),
    # raw HTML (inline and {raw} html); never the $$ inside code blocks
    assert len(stray) == 9


@pytest.mark.slow
def test_the_build_finds_exactly_what_the_command_line_finds(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", BUILD, str(CORPUS), str(ROOT / "conf"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    records = json.loads(run.stdout.strip().splitlines()[-1])
    built = [(r["kind"], r["label"], r["line"]) for r in records if r["kind"] != "unverified"]
    built_stray = sorted(r["line"] for r in records if r["kind"] == "unverified")
    formulas, stray = found_by_the_command_line()
    # the ledger lists a page in its order of lines (a theorem before what it holds), the
    # command line hands a theorem's statement to the verifier after what it holds
    assert sorted(built, key=_at) == sorted(formulas, key=_at)
    assert [f for f in formulas if f[0] in ("inline", "statement")]  # the text's formulas too
    assert built_stray == stray
    # and both give the text's formulas the same verdicts: the exempted lemma's reason is not
    # one the corpus reviewed (it has no mathcheck-exemptions.txt), the rest is verified
    text = (CORPUS / "constructs.md").read_text()
    page = Page("constructs.md", exemptions=AllowList.find(CORPUS / "constructs.md"))
    by_cli = {
        r.label: (r.status, bool(r.problems))
        for f in extract(text, "constructs.md")[0]
        for r in page.check(f)
        if r.kind in ("inline", "statement")
    }
    by_build = {
        r["label"]: (Result.from_dict(dict(r)).status, bool(r["problems"]))
        for r in records
        if r["kind"] in ("inline", "statement")
    }
    assert by_build == by_cli
    assert by_cli["lem-corpus"] == ("failing", True)
    assert by_cli["inline-constructs-15"] == ("notation", False)


def _at(found: tuple[str, str, int]) -> tuple[int, str]:
    return found[2], found[1]


def test_the_command_line_fails_a_page_with_display_math_it_cannot_verify(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n- an item\n\n  $$ a = b $$\n\n> $$ c = d $$\n\n"
        '<div class="math">\\[ e = f \\]</div>\n\n``` {math-claim} eq-x\n1 = 2\n```\n'
    )
    assert main([str(page)]) == 1
    out = capsys.readouterr().out
    assert out.count("display formula is not verified") == 3
    assert "eq-x:" in out  # the fence with a space before the brace is checked (and fails)


def test_every_page_of_the_book_is_read_alike_by_both_readers():
    """The book's own pages: every directive of the text is found (a plain count of fences)."""
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = path.read_text()
        formulas, stray = extract(text, str(path))
        assert not stray, (path, stray)
        opened = len(FENCE.findall(text))  # not the {math-exempt} role of a theorem
        displays = [f for f in formulas if f.kind not in ("inline", "statement")]
        assert len(displays) == opened, path


def test_book_pages_keep_their_reading_order():
    formulas, _ = extract((ROOT / "docs" / "bernoulli.md").read_text(), "docs/bernoulli.md")
    lines = [f.line for f in formulas if f.kind != "statement"]  # a statement follows its text
    assert lines == sorted(lines)
    assert formulas[0].label == "eq-bernoulli-pmf"
