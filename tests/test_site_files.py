"""The files that cite the book are valid and agree with the package: CITATION.cff, the
pull-request template, and the Sphinx configuration's offline promises (the hosting files are
tested in test_workflows.py)."""

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
