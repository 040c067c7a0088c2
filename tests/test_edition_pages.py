"""End to end through sphinx-build: chapter numbers across parts, the formula graph, the Changes
page against a kept ledger, and the ledger written as data, on the sample book of
``tests/fixtures/book`` with two parts, a graph page and a changes page added."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from book_build import ROOT, sphinx_build

import eligibility

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "book"
INDEX = """# A sample book

```{toctree}
:caption: Part 1
sample
summary
```

```{toctree}
:caption: Reference
ledger
graph
changes
```
"""
GRAPH = "# Graph\n\n```{formula-graph}\n```\n"
CHANGES = """# Changes

```{formula-changes} VERSION
eq-sample-eligibility: the numerator had the wrong sign
eq-sample-old: merged into eq-sample-eligibility
```
"""
PMF = "g(y; p) = p^{y} (1 - p)^{1 - y}"
SCORE = r"\frac{\partial \ln g(y; p)}{\partial p}"
# the "previous release": the eligibility had the sign wrong, a formula since removed, no
# derivation yet
RELEASED = {
    "title": "A sample book",
    "version": eligibility.__version__,
    "date": "2025-01-01",
    "formulas": [
        {"label": "eq-sample-pmf", "page": "sample", "kind": "definition", "latex": PMF},
        {
            "label": "eq-sample-eligibility",
            "page": "sample",
            "kind": "claim",
            "latex": SCORE + r" = \frac{p - y}{p (1 - p)}",
        },
        {
            "label": "eq-sample-update",
            "page": "sample",
            "kind": "exempt",
            "latex": r"\Delta p = \alpha (r - b) e",
        },
        {"label": "eq-sample-old", "page": "sample", "kind": "claim", "latex": "g(1; p) = p"},
    ],
}


def build(tmp_path: Path, changes: str = CHANGES) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    (src / "index.md").write_text(INDEX)
    (src / "graph.md").write_text(GRAPH)
    (src / "changes.md").write_text(changes.replace("VERSION", eligibility.__version__))
    (src / "_data").mkdir()
    kept = src / "_data" / f"ledger-{eligibility.__version__}.json"
    kept.write_text(json.dumps(RELEASED))
    return sphinx_build(src, tmp_path / "out" / "html", tmp_path / "jcache", cwd=tmp_path)


def page(tmp_path: Path, name: str) -> str:
    return (tmp_path / "out" / "html" / f"{name}.html").read_text(encoding="utf-8")


def test_chapters_number_on_across_parts_and_equations_within_them(tmp_path):
    run = build(tmp_path)
    assert run.returncode == 0, run.stderr
    sample = page(tmp_path, "sample")
    assert re.findall(r'class="eqno">\((\d+\.\d+)\)', sample) == ["1.1", "1.2", "1.3", "1.4"]
    nav = page(tmp_path, "index")
    for number, title in [(1, "A sample page"), (2, "Summary"), (3, "Ledger"), (5, "Changes")]:
        assert f">{number}. {title}<" in nav, (number, title)
    ledger = page(tmp_path, "ledger")
    assert "<p>(1.2)</p>" in ledger  # the number beside the label
    assert re.search(r'uses <a [^>]*href="#ledger-eq-sample-pmf"[^>]*>\(1\.1\)</a>', ledger)
    assert re.search(r'used by <a [^>]*href="#ledger-eq-sample-eligibility"', ledger)
    summary = page(tmp_path, "summary")  # the formula table: number and label
    assert re.search(r'href="sample.html#equation-eq-sample-eligibility">\(1\.2\)</a>', summary)
    assert '<span class="pre">eq-sample-eligibility</span>' in summary

    graph = page(tmp_path, "graph")
    boxes = re.findall(r'<a href="sample.html#equation-(eq-sample-[\w-]+)">', graph)
    assert sorted(set(boxes)) == sorted(
        ["eq-sample-pmf", "eq-sample-eligibility", "eq-sample-update", "eq-sample-derivation"]
    )
    assert len(boxes) == 8  # once in the whole book, once in the chapter
    assert 'class="mathcheck-definition"' in graph and 'class="mathcheck-exempt"' in graph
    assert graph.count('class="mathcheck-symbolic"') == 4
    assert graph.count("<polyline") == 4  # pmf → eligibility → derivation, in both drawings

    data = json.loads((tmp_path / "out" / "html" / "ledger.json").read_text())
    formulas = {f["label"]: f for f in data["formulas"]}
    assert data["version"] == eligibility.__version__
    assert formulas["eq-sample-derivation"]["uses"] == ["eq-sample-pmf", "eq-sample-eligibility"]
    assert formulas["eq-sample-eligibility"]["number"] == "1.2"

    # the per-formula summary a pull request's job page shows (nox -s summary)
    summary = subprocess.run(
        [sys.executable, "-m", "mathcheck.sphinx.summary", str(tmp_path / "out" / "html")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        "4 labelled formulas: 2 proved symbolically, 0 numeric evidence only, 1 definitions"
        in summary
    )
    assert "| 1.4 | `eq-sample-derivation` | sample | derivation | symbolic |" in summary


def test_the_changes_page_lists_what_changed_since_the_kept_ledger(tmp_path):
    run = build(tmp_path)
    assert run.returncode == 0, run.stderr
    changes = page(tmp_path, "changes")
    text = re.sub(r"<[^>]+>", "", changes)
    assert "1 formulas added, 1 changed, 1 removed" in text
    assert "eq-sample-eligibility (1.2): the numerator had the wrong sign" in text
    assert "eq-sample-old: merged into eq-sample-eligibility" in text
    assert r"-\frac{\partial \ln g(y; p)}{\partial p} = \frac{p - y}{p (1 - p)}" in text
    assert r"+\frac{\partial \ln g(y; p)}{\partial p} = \frac{y - p}{p (1 - p)}" in text
    assert 'href="sample.html#equation-eq-sample-derivation"' in changes  # added, linked


def test_a_changed_formula_without_a_changelog_line_fails_the_build(tmp_path):
    run = build(
        tmp_path, CHANGES.replace("eq-sample-eligibility: the numerator had the wrong sign\n", "")
    )
    assert run.returncode != 0
    assert re.search(
        r"changes\.md:3: ERROR: formula-changes [\d.]+: eq-sample-eligibility changed its LaTeX "
        r"without a changelog line",
        run.stderr,
    ), run.stderr


def test_a_changelog_line_about_an_unchanged_formula_fails_the_build(tmp_path):
    run = build(tmp_path, CHANGES.replace("```\n", "eq-sample-pmf: nothing really\n```\n", 2))
    assert run.returncode != 0
    assert re.search(
        r"changes\.md:\d+: ERROR: formula-changes [\d.]+: eq-sample-pmf did not change", run.stderr
    ), run.stderr


def test_changes_since_a_version_with_no_kept_ledger_fail_the_build(tmp_path):
    run = build(tmp_path, CHANGES.replace("VERSION", "0.0.1"))
    assert run.returncode != 0
    assert "formula-changes: no ledger of version 0.0.1 at _data/ledger-0.0.1.json" in run.stderr
