"""The book as one PDF, read back with pdftotext and compared with the HTML built beside it.

Run by ``nox -s pdf``, which builds both (the PDF with Debian's TeX Live) and points
``$ELIGIBILITY_PDF`` and ``$ELIGIBILITY_HTML`` at them. The PDF is the reference edition a
reader cites, so every formula must carry the number the site gives it: both are read back as a
reader sees them (the number LaTeX printed beside the formula, the number the browser shows),
never from the numbering code itself.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("ELIGIBILITY_PDF", ROOT / "build/latex/characteristic-eligibility.pdf"))
HTML = Path(os.environ.get("ELIGIBILITY_HTML", ROOT / "build" / "html"))

if not PDF.is_file() or not (HTML / "index.html").is_file():
    pytest.exit(f"no PDF at {PDF} or no site at {HTML}: run `nox -s pdf`", returncode=2)

# In the PDF every formula is followed by its caption, which ends with its label and "(ledger)";
# LaTeX prints the formula's number at the right margin of the formula's (middle) line.
NUMBER = re.compile(r"\((?P<number>\d+\.\d+)\)[ \t]*$", re.MULTILINE)
CAPTION = re.compile(r"(?P<label>eq-[a-z0-9-]+)\s+\(ledger\)")


@functools.cache
def pdf_text(*, layout: bool = True, first: int = 0, last: int = 0) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(PDF), "-"], capture_output=True, text=True, check=True).stdout


def pdf_numbers() -> dict[str, str]:
    """label → the number printed beside the formula whose caption names that label."""
    text = pdf_text()
    events = sorted(
        [(m.start(), "number", m["number"]) for m in NUMBER.finditer(text)]
        + [(m.start(), "label", m["label"]) for m in CAPTION.finditer(text)]
    )
    found, last = {}, None
    for _, kind, value in events:
        if kind == "number":
            last = value
        elif last is not None:
            found.setdefault(value, last)
            last = None  # one number per formula
    return found


class _Equations(HTMLParser):
    """``equation-<label>`` blocks and the number in their ``span.eqno``."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, str] = {}
        self.current: str | None = None
        self.in_eqno = False

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "div" and (attrs.get("id") or "").startswith("equation-"):
            self.current = attrs["id"].removeprefix("equation-")
        elif tag == "span" and attrs.get("class") == "eqno" and self.current:
            self.in_eqno = True

    def handle_data(self, data) -> None:
        if self.in_eqno and self.current and data.strip().startswith("("):
            self.numbers[self.current] = data.strip().strip("()")
            self.current, self.in_eqno = None, False


def html_numbers() -> dict[str, str]:
    """label → the number the site shows beside the formula."""
    return {label: number for label, (_, number) in html_formulas().items()}


@functools.cache
def html_formulas() -> dict[str, tuple[str, str]]:
    """label → (the page it is on, its number) over every page of the site."""
    found: dict[str, tuple[str, str]] = {}
    for page in sorted(HTML.glob("*.html")):
        parser = _Equations()
        parser.feed(page.read_text(encoding="utf-8"))
        found.update({label: (page.stem, n) for label, n in parser.numbers.items()})
    return found


def test_every_formula_has_the_same_number_in_the_pdf_as_in_the_html():
    html, pdf = html_numbers(), pdf_numbers()
    assert len(html) >= 100, "the site shows fewer numbered formulas than the book has"
    assert sorted(pdf) == sorted(html), "formulas in one edition but not the other"
    differing = {label: (html[label], pdf[label]) for label in html if html[label] != pdf[label]}
    assert differing == {}, "label: (number in the HTML, number in the PDF)"
    assert all(re.fullmatch(r"\d+\.\d+", n) for n in html.values()), "numbered by chapter"


def test_chapters_have_the_same_numbers_as_in_the_html():
    nav = (HTML / "index.html").read_text(encoding="utf-8")
    entry = r'toctree-l1"><a class="reference internal" href="[^"]+">(\d+)\. ([^<]+)<'
    html = dict(re.findall(entry, nav))
    assert len(html) >= 15
    # the contents run over several pages; a page starts with a form feed, not a new line
    contents = pdf_text(layout=False, first=1, last=8).replace("\f", "\n")
    for number, title in html.items():
        first_words = re.escape(title.split(":")[0][:30]).replace(r"\ ", r"\s+")
        assert re.search(rf"^{number}\s+{first_words}", contents, re.MULTILINE), (number, title)


def test_the_title_page_gives_the_version_and_the_build_date():
    from eligibility import __version__

    footer = (HTML / "index.html").read_text(encoding="utf-8")
    date = re.search(rf"version {re.escape(__version__)} of (\d{{4}}-\d\d-\d\d)", footer)
    assert date, "the site's footer names no version and date"
    title = pdf_text(layout=False, first=1)
    assert "Characteristic eligibility" in title
    assert f"Release {__version__}" in title
    assert date.group(1) in title


def test_the_formula_graph_has_a_box_for_every_formula_in_both_editions():
    text = " ".join(pdf_text(layout=False).split())
    graph = (HTML / "graph.html").read_text(encoding="utf-8")
    missing_pdf, missing_html = [], []
    for label, (page, number) in html_formulas().items():
        box = f"{number} {label.removeprefix(f'eq-{page}-').removeprefix('eq-')}"  # as drawn
        if box not in text:
            missing_pdf.append(box)
        if f'<a href="{page}.html#equation-{label}">' not in graph:
            missing_html.append(label)
    assert missing_pdf == []
    assert missing_html == []


def test_executed_outputs_and_figures_are_in_the_pdf():
    images = subprocess.run(
        ["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    figures = list((HTML / "_images").glob("*.png"))
    assert len(figures) >= 2, "the site shows no figures"
    assert len(images) >= len(figures), "a figure of the site is missing from the PDF"
    text = pdf_text(layout=False)
    # printed output of a code cell (torch's gradient of the book's opening puzzle)
    assert "tensor(" in text


def test_the_site_offers_the_pdf_for_download():
    offered = HTML / PDF.name
    assert offered.is_file() and offered.read_bytes() == PDF.read_bytes()
    for page in ("index.html", "categorical.html", "cite.html"):
        assert f'href="{PDF.name}" download' in (HTML / page).read_text(encoding="utf-8"), page
