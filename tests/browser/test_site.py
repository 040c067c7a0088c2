"""Every page of the built book, in a real browser: it loads cleanly, every formula renders,
nothing is fetched from another host, every internal link lands, and it reads on a phone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsing import DESKTOP, HOST, HTML, PHONE, SCREENSHOTS, SOURCE, anchors, local_target, pages
from source_formulas import expected_formulas

PAGES = pages()
EXPECTED = expected_formulas(SOURCE)


def test_the_site_has_its_pages():
    for page in ("index.html", "categorical.html", "ledger.html", "search.html"):
        assert page in PAGES
    assert len(PAGES) >= 10


@pytest.mark.parametrize("page", PAGES)
def test_loads_without_console_errors(visit, page):
    seen = visit(page)
    assert seen.status == 200
    assert seen.console_errors == []
    assert seen.failed == []


@pytest.mark.parametrize("page", PAGES)
def test_requests_nothing_from_another_host(visit, page):
    seen = visit(page)
    assert seen.requests, "the page made no request at all: the recorder is broken"
    foreign = [
        url
        for url in seen.requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != HOST
    ]
    assert foreign == []


@pytest.mark.parametrize("page", PAGES)
def test_every_formula_rendered(visit, page):
    seen = visit(page)
    facts = seen.facts
    expected = EXPECTED.get(page, 0)
    assert facts["math_blocks"] == expected, "display formulas in the HTML ≠ in the source"
    if expected:
        assert seen.mathjax == "typeset", "MathJax did not load"
    assert facts["rendered"] == expected, "formulas MathJax rendered ≠ formulas in the source"
    assert facts["unrendered_blocks"] == []
    assert facts["errors"] == 0, "MathJax reported an error in a formula"
    assert facts["raw"] == [], "raw LaTeX is visible on the page"


@pytest.mark.parametrize("page", [p for p in PAGES if EXPECTED.get(p)])
def test_every_formula_has_a_visible_permalink(visit, page):
    labelled = visit(page).facts["labelled"]
    assert len(labelled) == EXPECTED[page], "every display formula has a label"
    for formula in labelled:
        assert formula["href"] == "#" + formula["id"], formula
        assert formula["visible"], f"the permalink of {formula['id']} is hidden"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(visit, base_url, page):
    broken = []
    for url in visit(page).facts["links"]:
        target = local_target(url, base_url)
        if target is None:
            continue
        path, fragment = target
        if not path.is_file():
            broken.append(f"{url}: no such page")
        elif fragment and path.suffix == ".html" and fragment not in anchors(path):
            broken.append(f"{url}: no #{fragment} on {path.relative_to(HTML)}")
    assert broken == []


@pytest.mark.parametrize("page", PAGES)
def test_reads_on_a_phone_without_sideways_scrolling(visit, page):
    seen = visit(page, PHONE)
    assert seen.console_errors == []
    assert seen.facts["rendered"] == EXPECTED.get(page, 0)
    assert seen.facts["overflow"] <= 1, "the page is wider than a phone's screen"


@pytest.mark.parametrize("page", PAGES)
def test_verification_cells_are_collapsed_and_code_has_copy_buttons(visit, page):
    facts = visit(page).facts
    assert facts["hide_input_collapsed"] == facts["hide_input_cells"]
    assert facts["copy_buttons"] >= facts["code_blocks"]


def test_version_and_date_are_in_the_footer(visit):
    from eligibility import __version__

    footer = visit("index.html").facts["footer"]
    assert f"version {__version__} of 20" in footer


def test_search_finds_pages_offline(visit):
    seen, tab = visit("search.html?q=eligibility", keep_open=True)
    try:
        tab.wait_for_selector("#search-results ul.search li", timeout=20_000)
        assert tab.locator("#search-results ul.search li").count() >= 3
    finally:
        tab.close()
    assert seen.console_errors == []


def test_dark_mode_switches(visit):
    seen, tab = visit("categorical.html", keep_open=True)
    try:
        tab.evaluate("() => { localStorage.setItem('mode', 'dark'); }")
        tab.reload(wait_until="networkidle")
        tab.evaluate("async () => { await MathJax.startup.promise; }")
        assert tab.evaluate("() => document.documentElement.dataset.theme") == "dark"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "categorical-desktop-dark.png"))
        tab.evaluate("() => { localStorage.removeItem('mode'); localStorage.removeItem('theme'); }")
    finally:
        tab.close()
    assert seen.console_errors == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("page", ["index.html", "categorical.html"])
def test_screenshots(visit, page, width):
    seen, tab = visit(page, PHONE if width == "phone" else DESKTOP, keep_open=True)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = Path(page).stem
        tab.screenshot(path=str(SCREENSHOTS / f"{stem}-{width}.png"))
        tab.screenshot(path=str(SCREENSHOTS / f"{stem}-{width}-full.png"), full_page=True)
    finally:
        tab.close()
    assert seen.console_errors == []
    assert (SCREENSHOTS / f"{stem}-{width}.png").stat().st_size > 10_000
