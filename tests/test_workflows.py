"""The hosting and CI files run the project's nox sessions and nothing else that builds or tests.

Each GitHub workflow, .readthedocs.yaml and .ci/run is parsed; every command it runs is split
out of its shell lines and must be either a nox session that noxfile.py defines, or one of the
few set-up steps (installing nox, Debian's packages, copying the built site). A workflow that
called ``sphinx-build`` or ``pytest`` directly would build or test differently from everyone
else; one that installed torch from PyPI's default index would pull the multi-GB CUDA build.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# set-up steps a host may run besides nox sessions (the first words of the command)
SETUP = (
    ("python", "-m", "pip", "install", "nox"),
    ("apt-get", "update"),
    ("apt-get", "install"),
    ("sudo", "apt-get", "update"),
    ("sudo", "apt-get", "install"),
    ("set",),
    ("cd",),
    ("export",),
    ("mkdir",),
    ("cp",),
)


def sessions() -> set[str]:
    """The sessions noxfile.py defines (functions decorated with ``@nox.session``)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(d) for d in node.decorator_list)
    }


def noxfile_constant(name: str):
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise KeyError(name)


def commands(script: str) -> list[list[str]]:
    """The commands of a shell script: lines joined at ``\\``, split at ``&&``, ``||``, ``;``,
    with leading ``VAR=value`` assignments and comments dropped.

    >>> commands('A=1 nox -s docs && cp -r x y  # copy\\nnox -s pdf')
    [['nox', '-s', 'docs'], ['cp', '-r', 'x', 'y'], ['nox', '-s', 'pdf']]
    """
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "#!")):
            continue
        for part in re.split(r"&&|\|\||;", line):
            words = shlex.split(part)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words.pop(0)
            if words:
                found.append(words)
    return found


def check(runs: list[str], where: str) -> list[str]:
    """Every command of ``runs`` is a defined nox session or a set-up step; the sessions run."""
    known = sessions()
    ran = []
    for run in runs:
        for words in commands(run):
            if words[0] == "nox":
                assert words[1] == "-s", f"{where}: {words}: name one session with -s"
                assert words[2] in known, f"{where}: nox has no session {words[2]!r}"
                ran.append(words[2])
            else:
                assert any(tuple(words[: len(s)]) == s for s in SETUP), f"{where}: runs {words}"
    return ran


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def test_there_are_the_three_workflows():
    names = {p.name for p in WORKFLOWS}
    assert names == {"pages.yml", "pull-request.yml", "weekly.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_a_workflow_runs_only_nox_sessions(path):
    workflow = load(path)
    ran = check([s["run"] for s in steps(workflow) if "run" in s], path.name)
    assert ran, f"{path.name} runs no nox session"
    for step in steps(workflow):
        if "uses" in step:
            action = step["uses"].split("@")[0]
            assert action.startswith(("actions/",)), f"{path.name}: third-party action {action}"
    python = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-py"))
    assert str(python["with"]["python-version"]) == "3.11"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_a_workflow_takes_torch_from_the_cpu_index_and_says_why(path):
    workflow = load(path)
    assert workflow["env"]["PIP_EXTRA_INDEX_URL"] == CPU_INDEX
    text = path.read_text(encoding="utf-8")
    assert "CUDA" in text and "CPU" in text  # the comment says why


def test_apt_installs_what_the_pdf_session_asks_for():
    wanted = set(noxfile_constant("TEX_PACKAGES"))
    for path in [*WORKFLOWS, ROOT / ".ci" / "run"]:
        text = path.read_text(encoding="utf-8")
        runs = [s.get("run", "") for s in steps(load(path))] if path.suffix == ".yml" else [text]
        for words in (w for run in runs for w in commands(run)):
            if "install" in words and "apt-get" in words:
                assert wanted <= set(words), f"{path.name}: {sorted(wanted - set(words))}"


def test_pages_builds_site_and_pdf_and_publishes_build_html():
    workflow = load(ROOT / ".github" / "workflows" / "pages.yml")
    assert "push" in triggers(workflow)
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    build = workflow["jobs"]["build"]["steps"]
    assert check([s["run"] for s in build if "run" in s], "pages") == ["docs", "pdf"]
    upload = next(s for s in build if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/html"  # the PDF inside it, linked from every page
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])


def test_a_pull_request_gets_site_pdf_and_the_formula_summary():
    workflow = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    assert "pull_request" in triggers(workflow)
    job = steps(workflow)
    ran = check([s["run"] for s in job if "run" in s], "pull-request")
    assert ran == ["docs", "summary", "pdf"]
    summary = next(s for s in job if "nox -s summary" in s.get("run", ""))
    assert "$GITHUB_STEP_SUMMARY" in summary["run"]
    uploaded = {s["with"]["path"] for s in job if "upload-artifact" in s.get("uses", "")}
    assert uploaded == {"build/html", "build/latex/characteristic-eligibility.pdf"}


def test_the_weekly_run_tests_against_the_newest_libraries():
    workflow = load(ROOT / ".github" / "workflows" / "weekly.yml")
    cron = triggers(workflow)["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[4] not in ("*",), "once a week"
    assert check([s["run"] for s in steps(workflow) if "run" in s], "weekly") == ["drift"]
    assert set(noxfile_constant("DRIFT")) == {"torch", "sympy", "sphinx", "myst-nb"}


def test_readthedocs_builds_site_and_pdf_with_the_sessions():
    rtd = load(ROOT / ".readthedocs.yaml")
    assert rtd["version"] == 2
    build = rtd["build"]
    assert build["os"].startswith("ubuntu-")
    assert str(build["tools"]["python"]) == "3.11"
    assert check(build["commands"], ".readthedocs.yaml") == ["docs", "pdf"]
    for command in build["commands"]:
        if "nox -s" in command:
            assert f"PIP_EXTRA_INDEX_URL={CPU_INDEX}" in command
    assert any("$READTHEDOCS_OUTPUT/html" in c and "build/html" in c for c in build["commands"])
    assert any("$READTHEDOCS_OUTPUT/pdf" in c and ".pdf" in c for c in build["commands"])
    assert "sphinx" not in rtd  # build.commands and the sphinx key exclude each other
    assert "CUDA" in (ROOT / ".readthedocs.yaml").read_text(encoding="utf-8")


def test_ci_runs_the_tests_the_pdf_and_the_browser():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert check([script], ".ci/run") == ["tests", "pdf", "browser"]
