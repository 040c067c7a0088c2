"""Sessions that test the package, build the book and measure it.

Run ``nox -l`` for the list. Every session uses nox's default virtualenv + pip backend:
pip finds the CPU wheel of torch 2.13.0 that lies on disk, uv does not.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"

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


def build_docs(session: nox.Session, *args: str) -> None:
    """The one recipe that builds the book into build/html: -W, executed, every formula verified.

    Used by the docs and browser sessions, by .readthedocs.yaml and the GitHub Pages workflow
    (through ``nox -s docs``), so every published or tested site is built the same way.
    """
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-c",
        "conf",
        "-b",
        "html",
        "docs",
        str(BUILD / "html"),
        *args,
        env={"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": source_date_epoch()},
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


@nox.session
def lint(session: nox.Session) -> None:
    """Check style: ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Print figures: eligibility throughput vs torch, and the verifier's share of a build."""
    install(session, "docs")
    session.run("python", "benchmarks/bench_eligibility.py")
    if "--no-build" not in session.posargs:
        session.run("python", "benchmarks/bench_build.py", env={"PYTHONHASHSEED": "0"})


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


if os.environ.get("CI"):
    # CI runs on a clean checkout; never reuse anything a previous run may have left.
    nox.options.reuse_venv = "no"
