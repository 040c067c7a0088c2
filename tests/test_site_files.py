"""The files that host and cite the book are valid and agree with the package: CITATION.cff,
.readthedocs.yaml, the GitHub Pages workflow (both build with `nox -s docs`, the one recipe),
the pull-request template, and the Sphinx configuration's offline promises."""

from __future__ import annotations

import importlib.util
import re
import runpy
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

import eligibility

ROOT = Path(__file__).resolve().parents[1]

# Citation File Format 1.2.0: the keys it allows at the top level, and the required ones.
CFF_KEYS = {
    "abstract",
    "authors",
    "cff-version",
    "commit",
    "contact",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "message",
    "preferred-citation",
    "references",
    "repository",
    "repository-artifact",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
}
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}


def load(path: str):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def check_authors(authors) -> None:
    assert isinstance(authors, list) and authors
    for author in authors:
        assert isinstance(author, dict)
        # a person has family-names (or given-names); an entity has a name
        assert {"name", "family-names", "given-names"} & author.keys(), author


def test_citation_cff_is_valid_and_matches_the_package():
    cff = load("CITATION.cff")
    assert cff.keys() >= CFF_REQUIRED
    assert cff.keys() <= CFF_KEYS, cff.keys() - CFF_KEYS
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] in {"software", "dataset"}
    assert str(cff["version"]) == eligibility.__version__
    check_authors(cff["authors"])
    if "date-released" in cff:
        assert isinstance(cff["date-released"], date)
    citation = cff["preferred-citation"]
    assert citation["type"] == "book"
    assert citation["title"] == cff["title"]
    check_authors(citation["authors"])
    conf = runpy.run_path(str(ROOT / "conf" / "conf.py"))
    assert cff["authors"][0]["name"] == conf["author"]
    for url in ("url", "repository-code"):
        assert url not in cff or cff[url].startswith("https://")


def test_readthedocs_builds_with_the_docs_session():
    rtd = load(".readthedocs.yaml")
    assert rtd["version"] == 2
    build = rtd["build"]
    assert build["os"].startswith("ubuntu-")
    assert str(build["tools"]["python"]) == "3.11"
    commands = build["commands"]
    assert "nox -s docs" in commands
    assert not any("sphinx-build" in c or "sphinx " in c for c in commands)
    assert any("$READTHEDOCS_OUTPUT/html" in c and "build/html" in c for c in commands)
    assert "sphinx" not in rtd  # build.commands and the sphinx key exclude each other


def test_pages_workflow_builds_with_the_docs_session_and_publishes_build_html():
    workflow = load(".github/workflows/pages.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any("nox -s docs" in run for run in runs)
    assert not any("sphinx-build" in run for run in runs)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.11"
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])


def test_contributing_guide_and_pull_request_checklist():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in (
        "python -m mathcheck",
        "nox -s docs",
        "nox -s tests",
        "nox -s browser",
        "math-claim",
        "math-derivation",
        "math-def",
        "math-exempt",
        "mathcheck-time",
    ):
        assert needed in guide, needed
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^- \[ \] ", template, re.MULTILINE)) >= 5


def test_the_build_needs_no_network():
    conf = runpy.run_path(str(ROOT / "conf" / "conf.py"))
    assert not conf.get("intersphinx_mapping")
    assert "sphinx.ext.intersphinx" not in conf["extensions"]
    assert "sphinx-mathjax-offline" in conf["extensions"]  # MathJax served from _static
    assert not str(conf.get("mathjax_path", "")).startswith(("http:", "https:", "//"))
    assert conf["version"] == eligibility.__version__
    assert conf["BIBTEX"].count(eligibility.__version__) >= 2


def test_the_template_page_in_the_contributing_guide_verifies(tmp_path):
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    page = guide.split("````md\n", 1)[1].split("\n````", 1)[0]
    if importlib.util.find_spec("eligibility.poisson") is None:  # the worked example's module
        page = re.sub(r"^:package: .*\n", "", page, flags=re.MULTILINE)
    (tmp_path / "poisson.md").write_text(page, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mathcheck", str(tmp_path / "poisson.md")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
