"""Where the site, the browser and the screenshots are, and what a link points at."""

from __future__ import annotations

import functools
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("ELIGIBILITY_HTML", ROOT / "build" / "html")).resolve()
# the sources the site was built from, whose formulas the pages must show
SOURCE = Path(os.environ.get("ELIGIBILITY_SOURCE", ROOT / "docs")).resolve()
SCREENSHOTS = Path(os.environ.get("ELIGIBILITY_SCREENSHOTS", HTML.parent / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HOST = "127.0.0.1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # belt and braces: no host but 127.0.0.1 even resolves, whoever asks (page or browser)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pages() -> list[str]:
    """Every HTML page of the site, relative to its root (``categorical.html``, …).

    ``_static/`` holds the theme's template fragments, not pages.
    """
    found = (p.relative_to(HTML) for p in HTML.rglob("*.html"))
    return sorted(p.as_posix() for p in found if p.parts[0] != "_static")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    """The ids (and names) a page defines: the fragments a link to it may carry."""
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def local_target(url: str, base_url: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link points at, or None for an external link."""
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None
    path = HTML / unquote(parts.path).lstrip("/")
    if parts.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)
