"""From a fresh clone, the commands README.md and CONTRIBUTING.md show work as written (#17).

The slow test clones the repository (its last commit) into a temporary folder and runs the
fast loop exactly as the guides write it: ``nox -s mathcheck -- docs/poisson.md``, then, in the
environment that session installed with ``pip install -e ".[mathcheck]"``,
``python -m mathcheck docs/categorical.md``. The fast tests check what they rely on.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from book_build import ROOT

GUIDES = ("README.md", "CONTRIBUTING.md")


def shown_commands() -> list[str]:
    """Every ``nox …`` and ``python -m …`` command the guides show, as written."""
    found = []
    for guide in GUIDES:
        text = (ROOT / guide).read_text(encoding="utf-8")
        found += re.findall(r"(?:^|`|\$ |\n)((?:nox|python -m) [^`\n#]*?)\s*(?:`|#|\n)", text)
    return sorted({c.strip() for c in found})


def imported_distributions(folder: Path) -> set[str]:
    """The third-party distributions the modules under ``folder`` import (top-level names)."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    stdlib = set(sys.stdlib_module_names) | {"__future__", "mathcheck"}
    return {n for n in names if n not in stdlib}


def test_the_verifier_imports_only_what_its_extra_installs():
    """`pip install -e ".[mathcheck]"` must be enough for `python -m mathcheck` (numpy was not)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["mathcheck"]
    installed = {re.split(r"[<>=\[ ]", spec)[0].lower() for spec in wanted}
    provides = importlib.metadata.packages_distributions()
    core = ROOT / "src" / "mathcheck"
    imported = imported_distributions(core) - imported_distributions(core / "sphinx")
    imported |= {"torch"} - imported  # bindings import torch lazily, from the base dependencies
    for module in imported - {"sphinx", "docutils"}:
        distributions = {d.lower() for d in provides.get(module, [module])}
        assert distributions & installed, f"mathcheck imports {module}; the extra lacks it"


def test_every_session_the_guides_name_exists():
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    sessions = set(re.findall(r"^[*-] (\w+)", listed, re.MULTILINE))
    named = {m for c in shown_commands() for m in re.findall(r"nox -s (\w+)", c)}
    assert named and named <= sessions, named - sessions


@pytest.mark.slow
def test_the_fast_loop_runs_from_a_fresh_clone_as_documented(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    nox = [sys.executable, "-m", "nox"]
    run = subprocess.run(
        [*nox, "-s", "mathcheck", "--", "docs/poisson.md"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 problem(s)" in run.stdout + run.stderr
    # the same environment now has the package installed as the guides say: python -m mathcheck
    python = clone / ".nox" / "mathcheck" / "bin" / "python"
    run = subprocess.run(
        [str(python), "-m", "mathcheck", "docs/categorical.md"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    shutil.rmtree(clone / ".nox", ignore_errors=True)
