"""End to end through sphinx-build with the book's configuration: numbers in prose come from
cells (glued, or an input of a code cell, or escaped with a reviewed reason), and one symbol
has one meaning across the book (the registry, rebinding notes, the generated Notation page).

Two builds of a small book: one whose prose and notation follow the rules, which must pass and
render the registry; one with one mistake of each kind, which must fail naming each."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from book_build import ROOT, sphinx_build

FIXTURE = ROOT / "tests" / "fixtures" / "book"

pytestmark = pytest.mark.slow

NUMBERS = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Numbers

```{code-cell} python3
from myst_nb import glue

weights = [0.69, 0.1, 0.2, 0.01]
glue("drawn", 1 - weights[0] / sum(weights), display=False)
```

The drawn class has weight 0.69 (an input), so it gets {glue:text}`drawn:.2f` (glued). As in
equation {number}`4.3 <an equation, section or chapter number>` of a book,

:::{note}
the constant {number}`3.14 <a mathematical constant>` is escaped.
:::

```{rebind}
p: a point of the simplex
```

```{math-def} eq-numbers-simplex
:symbols: K \\in \\{2, 3\\}; k \\in \\{1, \\dots, K\\}; p \\in \\Delta^{K - 1}
:torch: torch.distributions.Categorical(probs=p).log_prob(k - 1)
g(k; p) = \\frac{p_k}{\\sum_{i=1}^{K} p_i}
```
"""

REGISTRY = """\
y: the outcome of a draw
p: the mean of a Bernoulli distribution
K: the number of classes
k: the class drawn
g: the probability of the outcome
"""

REASONS = """\
# reviewed reasons for a number in the text that no cell computes
an equation, section or chapter number
a mathematical constant
"""


def book(tmp_path: Path, edit=None) -> Path:
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    (src / "numbers.md").write_text(edit(NUMBERS) if edit else NUMBERS)
    (src / "_data").mkdir()
    (src / "_data" / "notation.yml").write_text(REGISTRY)
    (src / "mathcheck-numbers.txt").write_text(REASONS)
    (src / "notation.md").write_text("# Notation\n\n```{notation-table}\n```\n")
    (src / "escaped.md").write_text("# Escaped numbers\n\n```{prose-numbers}\n```\n")
    index = (src / "index.md").read_text().replace("sample\n", "sample\nnumbers\n")
    (src / "index.md").write_text(index.replace("ledger\n", "ledger\nnotation\nescaped\n"))
    return src


def build(tmp_path: Path, edit=None):
    src = book(tmp_path, edit)
    return sphinx_build(src, tmp_path / "out" / "html", tmp_path / "jcache", cwd=tmp_path)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_glued_input_and_escaped_numbers_and_a_rebinding_pass_and_the_registry_renders(
    tmp_path,
):
    run = build(tmp_path)
    assert run.returncode == 0, run.stderr
    html = tmp_path / "out" / "html"
    page = (html / "numbers.html").read_text()
    assert 'gets <span class="pasted-text">0.31</span> (glued)' in page
    assert "Notation on this page" in page and "a point of the simplex" in page
    # the note tells the reader the book's meaning too
    assert "is the mean of a Bernoulli distribution" in page
    notation = (html / "notation.html").read_text()
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", notation, re.S)
    p_row = next(r for r in rows if "the mean of a Bernoulli distribution" in r)
    # p's first declaration is on the sample page; the numbers page rebinds it, and says so
    assert r"\(p \in (0, 1)\)" in p_row and "real numbers" in p_row
    assert 'href="sample.html#equation-eq-sample-pmf"' in p_row
    assert "a point of the simplex" in p_row and 'href="numbers.html"' in p_row
    g_row = next(r for r in rows if "the probability of the outcome" in r)
    assert "a function" in g_row
    escaped = (html / "escaped.html").read_text()
    assert (
        "The text quotes 4 decimal numbers: 1 pasted from the cells that computed them, 1 "
        "inputs written in code cells of their page, and 2 escaped:"
    ) in escaped
    assert "4.3" in escaped and "an equation, section or chapter number" in escaped
    assert "3.14" in escaped and "a mathematical constant" in escaped


def test_an_unglued_number_an_unlisted_reason_and_a_silent_rebinding_fail(tmp_path):
    def wrong(text: str) -> str:
        text = text.replace("{glue:text}`drawn:.2f` (glued)", "0.31 (typed)")
        text = text.replace("<a mathematical constant>", "<it is well known>")
        return text.replace("```{rebind}\np: a point of the simplex\n```\n", "")

    run = build(tmp_path, wrong)
    assert run.returncode != 0
    text = wrong(NUMBERS)
    line = line_of(text, "0.31 (typed)")
    assert re.search(
        rf"numbers\.md:{line}: ERROR: the number 0\.31 in the text is neither glued from a cell "
        r"nor an input written in a code cell of this page \(hint: .*glue\('name', value\)",
        run.stderr,
    ), run.stderr
    # the input 0.69 on the same line is not reported
    assert "the number 0.69" not in run.stderr
    line = line_of(text, "<it is well known>")
    assert re.search(
        rf"numbers\.md:{line}: ERROR: {{number}}: the reason 'it is well known' is not one of "
        r"the reviewed reasons listed in .*mathcheck-numbers\.txt",
        run.stderr,
    ), run.stderr
    line = line_of(text, "{math-def} eq-numbers-simplex")
    assert re.search(
        rf"numbers\.md:{line}: ERROR: p is declared as a point of the simplex here "
        r"\(p \\in \\Delta\^\{K - 1\}\), but its first declaration in the book makes it real "
        r"numbers \(the mean of a Bernoulli distribution\); rename it, or rebind it",
        run.stderr,
    ), run.stderr


def test_a_symbol_without_a_meaning_fails(tmp_path):
    src = book(tmp_path)
    registry = src / "_data" / "notation.yml"
    registry.write_text(registry.read_text().replace("K: the number of classes\n", ""))
    run = sphinx_build(src, tmp_path / "out" / "html", tmp_path / "jcache", cwd=tmp_path)
    assert run.returncode != 0
    assert re.search(
        r"numbers\.md:\d+: ERROR: K has no meaning in the book's notation\.yml \(hint: add a "
        r"line 'K: \{meaning: what it stands for\}'",
        run.stderr,
    ), run.stderr


def test_a_changed_meaning_shows_on_the_notation_page_and_in_the_notes_without_a_clean_build(
    tmp_path,
):
    src = book(tmp_path)
    out = tmp_path / "out" / "html"
    assert sphinx_build(src, out, tmp_path / "jcache", cwd=tmp_path).returncode == 0
    registry = src / "_data" / "notation.yml"
    registry.write_text(registry.read_text().replace("the mean of a Bernoulli", "P(y = 1) of a"))
    run = sphinx_build(src, out, tmp_path / "jcache", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "P(y = 1) of a distribution" in (out / "notation.html").read_text()
    # the rebinding note quotes the book's meaning, so its page is rebuilt too
    assert "is P(y = 1) of a distribution" in (out / "numbers.html").read_text()
