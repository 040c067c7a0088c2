"""The pages of the citable edition in a real browser: the formula graph draws and links every
formula in colour, the Changes page loads, and the PDF, once built, is offered from every page
and served from 127.0.0.1."""

from __future__ import annotations

import json

from browsing import HTML

LEDGER = json.loads((HTML / "ledger.json").read_text(encoding="utf-8"))
FORMULAS = LEDGER["formulas"]
PDF = HTML / "characteristic-eligibility.pdf"

GRAPH_JS = r"""
() => {
  const boxes = Array.from(document.querySelectorAll("svg.mathcheck-graph a"));
  return boxes.map(a => {
    const rect = a.querySelector("rect"), box = rect.getBoundingClientRect();
    return {
      href: a.getAttribute("href"),
      evidence: rect.getAttribute("class"),
      fill: getComputedStyle(rect).fill,
      drawn: box.width > 0 && box.height > 0,
      text: a.querySelector("text").textContent,
    };
  });
}
"""


def test_the_graph_draws_every_formula_twice_linked_and_coloured(visit):
    seen, tab = visit("graph.html", keep_open=True)
    try:
        boxes = tab.evaluate(GRAPH_JS)
    finally:
        tab.close()
    assert seen.console_errors == []
    expected = sorted(f"{f['page']}.html#equation-{f['label']}" for f in FORMULAS) * 2
    assert sorted(b["href"] for b in boxes) == sorted(expected), "the whole book, then chapters"
    assert all(b["drawn"] for b in boxes)
    fills = {b["evidence"]: b["fill"] for b in boxes}
    assert len(set(fills.values())) == len(fills) >= 3, f"one colour per evidence: {fills}"
    numbers = {f"{f['page']}.html#equation-{f['label']}": f["number"] for f in FORMULAS}
    assert all(b["text"].startswith(numbers[b["href"]] + " ") for b in boxes)


def test_a_graph_box_opens_its_formula(visit, base_url):
    _, tab = visit("graph.html", keep_open=True)
    try:
        box = tab.locator("svg.mathcheck-graph a").nth(len(FORMULAS))  # the first chapter's
        href = box.get_attribute("href")
        box.click()
        tab.wait_for_url(base_url + href)
        assert tab.evaluate(f"() => !!document.getElementById({href.split('#')[1]!r})")
    finally:
        tab.close()


def test_the_changes_page_says_what_changed_since_the_last_release(visit):
    seen, tab = visit("changes.html", keep_open=True)
    try:
        text = tab.inner_text("article")
    finally:
        tab.close()
    assert seen.console_errors == []
    assert "formulas added" in text and "changed" in text and "removed" in text


def test_every_page_offers_the_pdf_once_built_and_it_is_served_locally(visit, base_url):
    _, tab = visit("categorical.html", keep_open=True)
    try:
        link = tab.locator(".eligibility-pdf a")
        if not PDF.is_file():  # built without `nox -s pdf`: nothing to offer, no dead link
            assert link.count() == 0
            return
        assert link.count() == 1 and link.is_visible()
        response = tab.request.get(base_url + link.get_attribute("href"))
        assert response.status == 200
        assert response.body()[:5] == b"%PDF-"
    finally:
        tab.close()
