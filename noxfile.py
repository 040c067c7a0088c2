"""Sessions that test the package, build the book and measure it.

Run ``nox -l`` for the list. Every session uses nox's default virtualenv + pip backend:
pip finds the CPU wheel of torch 2.13.0 that lies on disk, uv does not.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PDF = BUILD / "latex" / "characteristic-eligibility.pdf"  # latex_documents in conf/conf.py
# Debian's TeX Live for Sphinx's LaTeX through xelatex, the fonts it uses (FreeFont), and
# pdftotext for the test that reads the PDF back
TEX_TOOLS = {"latexmk": "latexmk", "xelatex": "texlive-xetex", "pdftotext": "poppler-utils"}
TEX_PACKAGES = (
    "latexmk",
    "texlive-xetex",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "tex-gyre",
    "fonts-freefont-otf",
    "poppler-utils",
)

nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "docs"]


def install(session: nox.Session, *extras: str) -> None:
    """Install the package (editable) with ``extras``, unless nothing changed since last time.

    A stamp of pyproject.toml's hash in the virtualenv lets a reused session skip pip
    entirely; any change to the dependencies re-installs.
    """
    spec = f".[{','.join(extras)}]" if extras else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".eligibility-install-stamp"
    if stamp.exists() and stamp.read_text() == digest:
        session.log("dependencies unchanged since the last install; skipping pip")
        return
    session.install("-e", spec)
    stamp.write_text(digest)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite: pytest, doctests over src/, and the end-to-end docs checks."""
    install(session, "test", "docs")
    session.run("pytest", *session.posargs)


def source_date_epoch() -> str:
    """The build's date, as seconds since 1970: fixed per commit so a rebuild is identical.

    SOURCE_DATE_EPOCH from the environment wins; otherwise the last commit's time
    (``git log -1 --format=%ct``); without git (an unpacked archive), the newest modification
    time among the files the book is built from.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    sources = [ROOT / "pyproject.toml", *ROOT.glob("docs/**/*"), *ROOT.glob("conf/**/*")]
    return str(int(max(p.stat().st_mtime for p in sources if p.is_file())))


def build_docs(session: nox.Session, *args: str, builder: str = "html", **env: str) -> None:
    """The one recipe that builds the book into build/html: -W, executed, every formula verified.

    Used by the docs, browser and pdf sessions (``builder="latex"`` into build/latex), by
    .readthedocs.yaml and the GitHub workflows (through ``nox -s docs``), so every published or
    tested site is built the same way. ``env`` adds to the build's environment. Once
    ``nox -s pdf`` has made the PDF, the site offers it (``nox -s clean`` removes it).
    """
    if builder == "html" and PDF.is_file():
        env = {"ELIGIBILITY_PDF": str(PDF), **env}
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-c",
        "conf",
        "-b",
        builder,
        "docs",
        str(BUILD / builder),
        *args,
        env={"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": source_date_epoch(), **env},
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Execute every page, verify every formula and build the book into build/html (-W)."""
    install(session, "docs")
    build_docs(session, *session.posargs)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@nox.session
def browser(session: nox.Session) -> None:
    """Build the book, then check every page of it in Debian's chromium (tests/browser/).

    Served on 127.0.0.1, every page must load without console errors, render every formula,
    request nothing from another host and link only to pages that exist; screenshots land in
    build/screenshots/. ``nox -s browser -- --no-build`` tests the existing build/html.
    Other arguments go to pytest.
    """
    if not Path(CHROMIUM).is_file():
        session.error(
            f"no chromium at {CHROMIUM}: this session drives Debian's chromium. Install it with "
            "`apt-get update && apt-get install -y chromium` (as root), or point CHROMIUM= at "
            "another chromium binary (playwright's own browser download is never used)"
        )
    install(session, "docs", "browser")
    args = [a for a in session.posargs if a != "--no-build"]
    if "--no-build" not in session.posargs:
        build_docs(session)
    session.run(
        "pytest",
        "tests/browser",
        *args,
        env={"ELIGIBILITY_HTML": str(BUILD / "html"), "CHROMIUM": CHROMIUM},
    )


def missing_tex() -> list[str]:
    """The Debian packages the PDF needs that this machine lacks (by the tools they bring)."""
    missing = [package for tool, package in TEX_TOOLS.items() if shutil.which(tool) is None]
    found = (
        shutil.which("fc-list")
        and subprocess.run(
            ["fc-list", "FreeSerif"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    return [*missing, "fonts-freefont-otf"] if not found else missing


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the whole book as one PDF, offer it on the site, and check its equation numbers.

    Sphinx's LaTeX builder (the docs session's recipe: -W, executed, every formula verified)
    and latexmk with xelatex write build/latex/characteristic-eligibility.pdf; the site is then
    rebuilt with a link to it in every page's sidebar (build/html/characteristic-eligibility.pdf);
    tests/pdf reads the PDF back with pdftotext and checks that every formula's number in it
    is the one the HTML shows. Needs Debian's TeX Live, which the session asks for when it is
    missing. ``nox -s pdf -- --no-build`` only runs the checks on an existing build.
    """
    missing = missing_tex()
    if missing:
        session.error(
            f"this session needs Debian's TeX Live and fonts; missing: {', '.join(missing)}. "
            f"Install them with `apt-get update && apt-get install -y {' '.join(TEX_PACKAGES)}` "
            "(as root)"
        )
    install(session, "docs", "test")
    args = [a for a in session.posargs if a != "--no-build"]
    if "--no-build" not in session.posargs:
        build_docs(session, builder="latex")
        with session.chdir(BUILD / "latex"):
            session.run(
                "latexmk",
                "-pdfxe",
                "-dvi-",
                "-ps-",
                "-interaction=nonstopmode",
                "-halt-on-error",
                PDF.with_suffix(".tex").name,
                external=True,
                env={"SOURCE_DATE_EPOCH": source_date_epoch(), "FORCE_SOURCE_DATE": "1"},
                silent=True,
            )
        build_docs(session)  # the site, now offering the PDF
    session.log(f"the book as a PDF: {PDF}")
    session.run(
        "pytest",
        "tests/pdf",
        "-p",
        "no:cacheprovider",
        *args,
        env={"ELIGIBILITY_PDF": str(PDF), "ELIGIBILITY_HTML": str(BUILD / "html")},
    )


@nox.session
def release(session: nox.Session) -> None:
    """Keep this version's formula ledger in the book's sources, for the Changes page.

    Builds the site, then copies the ledger it wrote (build/html/ledger.json: every formula's
    label, page, number, LaTeX and evidence) to docs/_data/ledger-<version>.json. The version
    is the package's (bump it, and CITATION.cff's, first); an existing snapshot is kept unless
    ``nox -s release -- --force``. Then add a section ``{formula-changes} <version>`` at the top
    of docs/changes.md: the changes since this release, each with its reason, go there.
    """
    install(session, "docs")
    build_docs(session)
    data = json.loads((BUILD / "html" / "ledger.json").read_text(encoding="utf-8"))
    failing = [f["label"] for f in data["formulas"] if f["evidence"] == "failing"]
    if failing:
        session.error(f"a release needs every formula verified; failing: {', '.join(failing)}")
    target = ROOT / "docs" / "_data" / f"ledger-{data['version']}.json"
    if target.exists() and "--force" not in session.posargs:
        session.error(f"{target.relative_to(ROOT)} exists: version {data['version']} was released")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    session.log(f"kept {len(data['formulas'])} formulas of version {data['version']} in {target}")


@nox.session
def summary(session: nox.Session) -> None:
    """The verifier's per-formula summary of the last build, as Markdown (for CI job summaries).

    Reads build/html/ledger.json (run ``nox -s docs`` first); ``nox -s summary -- FILE``
    appends it to FILE (such as ``$GITHUB_STEP_SUMMARY``) instead of printing it.
    """
    install(session, "docs")
    session.run("python", "-m", "mathcheck.sphinx.summary", str(BUILD / "html"), *session.posargs)


# What the weekly workflow moves to the newest release of, to see upstream drift first
DRIFT = ("torch", "sympy", "sphinx", "myst-nb")


@nox.session
def drift(session: nox.Session) -> None:
    """The tests and the book against the newest torch, sympy, Sphinx and myst-nb.

    The other sessions install what pyproject.toml pins; this one then upgrades those four to
    their newest releases (whatever the pins say), prints the versions it got, and runs the
    whole test suite and the docs build, so that a changed ``torch.distributions``
    normalisation or a sympy regression shows here before a reader meets it. The weekly
    workflow runs it; pip must find a CPU build of torch (see .github/workflows/weekly.yml).
    """
    install(session, "test", "docs")
    session.install("--upgrade", *DRIFT)
    session.run("python", "-m", "pip", "list")
    session.run("pytest", *session.posargs)
    build_docs(session)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style: ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Print figures: eligibility throughput vs torch, what the edition (uses, graph) costs,
    the cold build and the verifier's share of it, one-page edits, a no-op rebuild, the CLI per
    page cold and cached, and the CPU seconds per formula (benchmarks/bench_build.py)."""
    install(session, "docs")
    session.run("python", "benchmarks/bench_eligibility.py")
    session.run("python", "benchmarks/bench_per_sample.py")  # writes benchmarks/results/
    session.run("python", "benchmarks/bench_edition.py", env={"PYTHONHASHSEED": "0"})
    # the cold build, one-page edits, no-op, and the CLI per page (--no-build: the CLI only)
    session.run(
        "python", "benchmarks/bench_build.py", *session.posargs, env={"PYTHONHASHSEED": "0"}
    )


@nox.session
def clean(session: nox.Session) -> None:
    """Remove build/ (including the notebook and formula caches) for a cold build."""
    shutil.rmtree(BUILD, ignore_errors=True)
    session.log(f"removed {BUILD}")


@nox.session
def mathcheck(session: nox.Session) -> None:
    """Check the formulas of docs/ (or the given MyST files) without building the site."""
    install(session, "mathcheck")
    paths = session.posargs or sorted(str(p) for p in (ROOT / "docs").glob("*.md"))
    session.run("python", "-m", "mathcheck", *paths, env={"PYTHONHASHSEED": "0"})


@nox.session
def adversarial(session: nox.Session) -> None:
    """Wrong edits of every kind of soundness hole applied to the book's pages: none may pass."""
    install(session, "mathcheck")
    session.run("python", "benchmarks/adversarial.py", env={"PYTHONHASHSEED": "0"})


@nox.session
def mutate(session: nox.Session) -> None:
    """Sign flips, changed constants and swapped indices in every display, theorem statement and
    inline relation of the book: the kill rate by block kind (``-- --kinds inline,statement``,
    ``-- docs/page.md`` to narrow it)."""
    install(session, "mathcheck")
    session.run("python", "benchmarks/mutate.py", *session.posargs, env={"PYTHONHASHSEED": "0"})


if os.environ.get("CI"):
    # CI runs on a clean checkout; never reuse anything a previous run may have left.
    nox.options.reuse_venv = "no"
