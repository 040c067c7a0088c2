"""The two packages keep to their rooms: `eligibility` is small and needs torch only; `mathcheck`
never imports the package it checks formulas against, nor Sphinx outside its adapter."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import eligibility

ROOT = Path(__file__).resolve().parent.parent
MATHCHECK = ROOT / "src" / "mathcheck"
DOCS = ROOT / "docs"
ELIGIBILITY_MODULES = sorted(
    m.name for m in pkgutil.iter_modules(eligibility.__path__) if not m.name.startswith("_")
)


def imported_roots(path: Path) -> set[str]:
    """Top-level modules a file imports (absolute imports; relative ones stay in the package)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_importing_every_eligibility_module_imports_neither_sympy_nor_sphinx():
    modules = ", ".join(f"eligibility.{m}" for m in ELIGIBILITY_MODULES)
    code = (
        f"import sys, {modules}\n"
        "heavy = [m for m in ('sympy', 'mpmath', 'sphinx', 'mathcheck') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_the_package_installs_with_torch_alone():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [d.split(">")[0].split("=")[0] for d in project["dependencies"]] == ["torch"]
    verifier = " ".join(project["optional-dependencies"]["mathcheck"])
    assert "sympy" in verifier and "numpy" in verifier and "mpmath" in verifier


@pytest.mark.parametrize(
    "path", sorted(MATHCHECK.rglob("*.py")), ids=lambda p: str(p.relative_to(MATHCHECK))
)
def test_mathcheck_never_imports_the_book_package_nor_sphinx_outside_its_adapter(path):
    roots = imported_roots(path)
    assert "eligibility" not in roots
    if "sphinx" not in path.relative_to(MATHCHECK).parts:
        assert not roots & {"sphinx", "docutils", "myst_parser", "myst_nb"}


@pytest.mark.parametrize("module", ELIGIBILITY_MODULES)
def test_every_eligibility_module_has_a_chapter_that_uses_it(module):
    use = re.compile(rf"from eligibility import [\w, ]*\b{module}\b|eligibility\.{module}\b")
    pages = [p.name for p in DOCS.glob("*.md") if p.name != "api.md" and use.search(p.read_text())]
    assert pages, f"no chapter imports eligibility.{module}"
