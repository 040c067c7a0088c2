"""A real browser over the built book: Debian's chromium, driven by playwright, on 127.0.0.1.

Run by ``nox -s browser`` (which builds the book first). The site is taken from
``$ELIGIBILITY_HTML`` (default ``build/html``) and the browser from ``$CHROMIUM`` (default
``/usr/bin/chromium``); playwright's own browser download is never used. Screenshots go to
``$ELIGIBILITY_SCREENSHOTS`` (default: ``screenshots/`` beside the html folder, so
``build/screenshots/``).

Every page is visited once per width and what the browser saw is recorded (a ``Visit``); the
tests then judge the records, so a failure names the page and the check.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsing import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, HOST, HTML, PHONE


def pytest_configure(config) -> None:
    if not (HTML / "index.html").is_file():
        pytest.exit(
            f"no built book at {HTML}: run `nox -s browser` (it builds the book first) or "
            "`nox -s docs`, or point ELIGIBILITY_HTML at a build",
            returncode=2,
        )
    if not Path(CHROMIUM).is_file():
        pytest.exit(
            f"no chromium at {CHROMIUM}: install Debian's with "
            "`apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM=",
            returncode=2,
        )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def base_url():
    """The site served by a static file server on 127.0.0.1 (a free port)."""
    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What the browser saw on one page at one width."""

    page: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    mathjax: str = ""
    facts: dict = field(default_factory=dict)


# Gathered in the page once MathJax has finished: the numbers the tests judge.
FACTS_JS = r"""
async () => {
  let mathjax = "absent";
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    mathjax = "typeset";
  }
  // an SVG <title> is a tooltip (the formula graph's boxes show their LaTeX source there)
  const skip = new Set(
    ["PRE", "CODE", "SCRIPT", "STYLE", "TEXTAREA", "MJX-ASSISTIVE-MML", "title"]);
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let el = node.parentElement, skipped = false;
    for (; el; el = el.parentElement) if (skip.has(el.tagName)) { skipped = true; break; }
    if (skipped) continue;
    const m = node.textContent.match(/\\(frac|begin|partial|sum|\[|\(|ln\b)|\$\$/);
    if (m) raw.push(node.textContent.trim().slice(0, 80));
  }
  const blocks = Array.from(document.querySelectorAll("div.math"));
  const labelled = blocks.filter(b => b.id && b.id.startsWith("equation-")).map(b => {
    const a = b.querySelector("span.eqno a.headerlink");
    const s = a ? getComputedStyle(a) : null;
    return {
      id: b.id,
      href: a ? a.getAttribute("href") : null,
      visible: !!s && s.display !== "none" && s.visibility !== "hidden"
        && parseFloat(s.opacity) > 0.2,
    };
  });
  const hidden = Array.from(document.querySelectorAll("div.cell.tag_hide-input"));
  return {
    mathjax,
    math_blocks: blocks.length,
    rendered: document.querySelectorAll('mjx-container[display="true"]').length,
    unrendered_blocks: blocks
      .filter(b => !b.querySelector('mjx-container[display="true"]'))
      .map(b => b.id || b.textContent.slice(0, 60)),
    errors: document.querySelectorAll("mjx-merror").length
      + (document.body.innerText.includes("Math input error") ? 1 : 0),
    raw,
    labelled,
    // getAttribute, not .href: an SVG link's href is an object (the formula graph's boxes)
    links: Array.from(document.querySelectorAll("a[href]"))
      .map(a => new URL(a.getAttribute("href"), document.baseURI).href),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    hide_input_cells: hidden.length,
    hide_input_collapsed: hidden.filter(c => {
      const d = c.querySelector("details");
      return d && !d.open;
    }).length,
    code_blocks: document.querySelectorAll("div.highlight pre").length,
    copy_buttons: document.querySelectorAll("button.copybtn").length,
    theme: document.documentElement.dataset.theme,
    footer: Array.from(document.querySelectorAll("footer")).map(f => f.innerText).join("\n"),
  };
}
"""


# every visit of the session, by (page, "desktop" | "phone"): the summary at the end reads them
VISITS: dict[tuple[str, str], Visit] = {}


def pytest_terminal_summary(terminalreporter) -> None:
    """One line for the log: what the browser saw over the whole site."""
    if not VISITS:
        return
    desktop = [v for (_, width), v in VISITS.items() if width == "desktop" and "?" not in v.page]
    requests = [url for v in VISITS.values() for url in v.requests]
    foreign = [url for url in requests if urlsplit(url).hostname not in (HOST, None)]
    terminalreporter.write_line(
        f"browser: {len(desktop)} pages at desktop width ({len(VISITS) - len(desktop)} more "
        f"visits at phone width or with a query), "
        f"{sum(v.facts.get('rendered', 0) for v in desktop)} display formulas rendered, "
        f"{sum(len(v.console_errors) for v in VISITS.values())} console errors, "
        f"{len(requests)} requests, {len(foreign)} of them off {HOST}"
    )


@pytest.fixture(scope="session")
def visit(browser, base_url):
    """``visit(page, viewport)`` loads the page once and returns what the browser saw."""
    seen = VISITS
    contexts = {}

    def context_for(name: str, viewport: dict):
        if name not in contexts:
            phone = viewport is PHONE
            contexts[name] = browser.new_context(
                viewport=viewport,
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
                service_workers="block",
            )
        return contexts[name]

    def load(page: str, viewport: dict = DESKTOP, *, keep_open: bool = False):
        name = "phone" if viewport is PHONE else "desktop"
        key = (page, name)
        if key in seen and not keep_open:
            return seen[key]
        record = Visit(page)
        tab = context_for(name, viewport).new_page()
        tab.on("request", lambda r: record.requests.append(r.url))
        tab.on("requestfailed", lambda r: record.failed.append(f"{r.url} ({r.failure})"))
        tab.on(
            "response",
            lambda r: r.status >= 400 and record.failed.append(f"{r.url} (HTTP {r.status})"),
        )

        def on_console(message) -> None:
            if message.type == "error":
                record.console_errors.append(f"{message.text} @ {message.location}")

        tab.on("console", on_console)
        tab.on("pageerror", lambda e: record.console_errors.append(f"uncaught: {e}"))

        # Nothing may leave 127.0.0.1: every request is recorded above, and any other host is
        # refused here so that a slip can never reach the network.
        def guard(route):
            host = urlsplit(route.request.url).hostname
            if host == HOST:
                route.continue_()
            else:
                route.abort("blockedbyclient")

        tab.route("**/*", guard)
        response = tab.goto(base_url + page, wait_until="networkidle")
        record.status = response.status if response else None
        record.facts = tab.evaluate(FACTS_JS)
        record.mathjax = record.facts["mathjax"]
        seen[key] = record
        if keep_open:
            return record, tab
        tab.close()
        return record

    yield load
    for context in contexts.values():
        context.close()
