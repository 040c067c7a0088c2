"""Pages verified by worker processes hand back exactly the verdicts the build would reach, and
only passing ones: a failing formula is left for the build process to check and report."""

from __future__ import annotations

from pathlib import Path

from mathcheck import Cache, Page
from mathcheck.myst import extract
from mathcheck.sphinx.prefetch import verify_page

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "book" / "sample.md"


def check_in_process(text: str, cache: Cache) -> list:
    formulas, _ = extract(text, "docs/sample.md")
    page = Page("docs/sample.md", cache=cache)
    return [result for formula in formulas for result in page.check(formula)]


def test_worker_verdicts_are_adopted_for_every_formula_as_checked_now():
    entries = verify_page(str(FIXTURE), "docs/sample.md", None)
    cache = Cache(None)
    cache.adopt(entries)
    results = check_in_process(FIXTURE.read_text(), cache)
    reference = check_in_process(FIXTURE.read_text(), Cache(None))
    checked = {r.label for r in reference if r.kind != "exempt"}  # one entry per formula
    assert cache.adopted == len(checked) == 3
    assert cache.misses == 0 and cache.hits == 0
    assert [(r.label, r.step, r.ok, r.methods) for r in results] == [
        (r.label, r.step, r.ok, r.methods) for r in reference
    ]
    assert not any(r.cached for r in results)
    assert all(r.seconds > 0 for r in results if r.kind != "exempt")


def test_a_failing_formula_is_not_handed_back(tmp_path):
    page = tmp_path / "sample.md"
    text = FIXTURE.read_text().replace(r"\frac{y - p}{p (1 - p)}", r"\frac{p - y}{p (1 - p)}", 1)
    page.write_text(text)
    entries = verify_page(str(page), "docs/sample.md", None)
    labels = {record["label"] for records in entries.values() for record in records}
    assert "eq-sample-pmf" in labels
    assert "eq-sample-eligibility" not in labels
    cache = Cache(None)
    cache.adopt(entries)
    results = check_in_process(text, cache)
    [wrong] = [r for r in results if r.label == "eq-sample-eligibility"]
    assert not wrong.ok and "lhs − rhs ≠ 0" in wrong.problems[0]
    assert cache.misses >= 1


def test_two_shards_together_hand_back_what_one_worker_does():
    whole = verify_page(str(FIXTURE), "docs/sample.md", None)
    halves = [verify_page(str(FIXTURE), "docs/sample.md", None, shard, 2) for shard in (0, 1)]
    assert set(halves[0]).isdisjoint(halves[1])
    assert set(halves[0]) | set(halves[1]) == set(whole)
