"""Two cold builds of the book from the same commit give the same HTML.

Both builds use the docs session's recipe (``-W``, ``PYTHONHASHSEED=0``, the date from
``SOURCE_DATE_EPOCH``), each into its own empty folder with its own empty notebook and formula
caches, and then every ``.html`` file of one is compared with the other, byte for byte.

One thing is stripped before comparing, and only it: the content of the formula ledger's
*Time* cells (``<td class="mathcheck-time">``), the seconds the verifier spent on each formula.
That is a measurement of this build, not part of the book, and differs from run to run.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from book_build import ROOT, sphinx_build

# the seconds spent verifying a formula: the one documented difference between two builds
TIME_CELL = re.compile(r'(<td class="mathcheck-time">).*?(</td>)', re.DOTALL)

pytestmark = pytest.mark.slow


def cold_build(folder: Path) -> Path:
    folder.mkdir(parents=True)
    html = folder / "html"
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600"),
    }
    run = sphinx_build(ROOT / "docs", html, folder / "jupyter_cache", cwd=folder, env=env)
    assert run.returncode == 0, run.stderr[-5000:]
    return html


def normalised(path: Path) -> str:
    return TIME_CELL.sub(r"\1\2", path.read_text(encoding="utf-8"))


def test_two_cold_builds_give_identical_html(tmp_path):
    first = cold_build(tmp_path / "a")
    second = cold_build(tmp_path / "b")
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert pages == sorted(p.relative_to(second) for p in second.rglob("*.html"))
    assert "ledger.html" in {p.as_posix() for p in pages}
    assert TIME_CELL.search((first / "ledger.html").read_text()), "the ledger has no Time cells"
    differing = {}
    for page in pages:
        a, b = normalised(first / page), normalised(second / page)
        if a != b:
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            differing[page.as_posix()] = "\n".join(list(diff)[:12])
    assert not differing, "\n\n".join(f"{page}:\n{diff}" for page, diff in differing.items())
    # the images the pages show are the same too (their names are content hashes)
    images = sorted(p.relative_to(first) for p in (first / "_images").rglob("*"))
    assert images == sorted(p.relative_to(second) for p in (second / "_images").rglob("*"))
