"""Sphinx configuration of the characteristic-eligibility book.

Built with ``sphinx-build -c conf docs build/html`` (see ``nox -s docs``). The build needs no
network: MathJax is vendored, and there are no remote intersphinx inventories.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent
ROOT = CONF_DIR.parent
# Code cells and autodoc import the package from the source tree when it is not installed.
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(CONF_DIR))  # the book's own extensions (parallel_notebooks)

import myst_nb.core.render  # noqa: E402
import nbformat  # noqa: E402

from eligibility import __version__  # noqa: E402

project = "Characteristic eligibility"
author = "The characteristic-eligibility book authors"
release = version = __version__
# Reproducible: the date comes from SOURCE_DATE_EPOCH when set (nox sets it from git).
_epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None
_date = datetime.fromtimestamp(_epoch, UTC) if _epoch else datetime.now(UTC)
today = _date.strftime("%Y-%m-%d")
copyright = f"{_date.year}, {author}"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx_proof",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinx-mathjax-offline",
    "mathcheck.sphinx",
    "parallel_notebooks",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "_fixtures"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["custom.css"]

# --- MyST and notebooks -------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True
# myst-nb executes a page when Sphinx reads it; conf/parallel_notebooks.py executes every
# uncached notebook at once in worker processes (one per core) into the same cache before that.
parallel_notebooks_workers = -1


def _concatenate_streams(outputs, _merge=myst_nb.core.render.coalesce_streams):
    """Merge a cell's stream outputs by exact concatenation before myst-nb's own merge.

    The kernel flushes stdout on a timer, so ``print(label, tensor)`` may reach the notebook as
    two chunks split mid-line; myst-nb's merge ends every chunk with a newline, which made two
    builds of one commit print the same line differently. Concatenated first, each stream is
    one chunk and the output is what the cell printed, whatever the timing.
    """
    merged, streams = [], {}
    for output in outputs:
        if output["output_type"] == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += output["text"]
                continue
            output = nbformat.from_dict(dict(output))
            streams[output["name"]] = output
        merged.append(output)
    return _merge(merged)


myst_nb.core.render.coalesce_streams = _concatenate_streams

# --- Citing the book (docs/cite.md): one entry, built from the version and the build date ---
BIBTEX = f"""```bibtex
@book{{characteristic-eligibility,
  title   = {{Characteristic eligibility: a reference book on the score function}},
  author  = {{ {{The characteristic-eligibility book authors}} }},
  year    = {{{_date.year}}},
  version = {{{version}}},
  note    = {{Version {version} of {today}. Every display formula verified at build time}},
}}
```"""
myst_substitutions = {"book_version": version, "book_date": today, "bibtex_entry": BIBTEX}

# --- Citations ----------------------------------------------------------------------------
bibtex_bibfiles = ["../docs/references.bib"]  # relative to conf/
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- Math: numbered by label, rendered by the vendored MathJax ----------------------------
math_numfig = True
math_eqref_format = "({number})"
numfig = True

# --- PDF (nox -s pdf): the LaTeX builder, through xelatex for the book's Unicode ------------
PDF_NAME = "characteristic-eligibility"
latex_engine = "xelatex"  # Greek and math symbols in the prose and in the cells' outputs
latex_documents = [("index", f"{PDF_NAME}.tex", project, author, "manual")]
latex_use_xindy = False  # the book has no index; makeindex needs nothing beyond TeX Live
latex_show_urls = "footnote"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "printindex": "",
}

# The HTML offers the PDF when `nox -s pdf` built it (it rebuilds the site with this set):
# a link in the sidebar of every page, and the file beside the pages.
_pdf = os.environ.get("ELIGIBILITY_PDF", "")
html_extra_path = [_pdf] if _pdf and Path(_pdf).is_file() else []

# --- HTML ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Characteristic eligibility"
html_last_updated_fmt = "%Y-%m-%d"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    # every page says which version of the book it is, and of when (the build's fixed date)
    "extra_footer": (
        f'<p class="eligibility-version">{project}, version {version} of {today}. '
        "Every display formula on this site was verified when it was built.</p>"
    ),
}
# light/dark follows the reader's system until they pick one (and no console error about it)
html_context = {
    "default_mode": "auto",
    "eligibility_pdf": Path(html_extra_path[0]).name if html_extra_path else "",
}
# the theme's sidebar, then the link to the PDF (_templates/pdf-download.html)
html_sidebars = {
    "**": [
        "navbar-logo.html",
        "icon-links.html",
        "search-button-field.html",
        "sbt-sidebar-nav.html",
        "pdf-download.html",
    ]
}
html_permalinks = True
# every formula carries a visible permalink (#equation-<label>); see _static/custom.css
html_permalinks_icon = "#"
html_favicon = "_static/favicon.svg"

# --- autodoc ------------------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_numpy_docstring = True
napoleon_google_docstring = False


# Docstrings write norms the way the text does, |e|²; reStructuredText would read |e| as a
# substitution reference and warn. Escape such bars (not in ``literals`` or doctest lines).
_BARS = re.compile(r"(?<![\\`])\|(?=\S)([^|`]*?\S)\|(?![`_])")


def _escape_bars(app, what, name, obj, options, lines: list[str]) -> None:
    for i, line in enumerate(lines):
        if line.lstrip().startswith((">>>", "...")):
            continue
        parts = re.split(r"(``.*?``)", line)
        lines[i] = "".join(p if p.startswith("``") else _BARS.sub(r"\\|\1\\|", p) for p in parts)


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _escape_bars)
