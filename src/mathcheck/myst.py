r"""Find the formulas of a MyST page without Sphinx: the fast path behind the command line.

Reads the verifier's directives (``math-def``, ``math-claim``, ``math-derivation``,
``math-exempt``) with their options, and reports every other display formula (``$$``,
``{math}``, amsmath environments) as unverified, exactly as the Sphinx build does.

>>> text = '''
... ```{math-claim} eq-x
... :symbols: p \\in (0, 1)
... p = p
... ```
... $$ a + b $$
... ````{prf:proof}
... ```{math-claim} eq-y
... q = q
... ```
... ````
... '''
>>> formulas, stray = extract(text, "page.md")
>>> formulas[0].label, formulas[0].line, formulas[0].content_line, formulas[0].latex
('eq-x', 2, 4, 'p = p')
>>> formulas[1].label, formulas[1].line  # inside a directive whose body is MyST
('eq-y', 8)
>>> stray
[(6, '$$ a + b $$')]
"""

from __future__ import annotations

import re

import yaml

from .records import Formula

DIRECTIVES = {
    "math-def": "definition",
    "math-claim": "claim",
    "math-derivation": "derivation",
    "math-exempt": "exempt",
}
_OPEN = re.compile(
    r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$"
)
_CODE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?!\{)")
_AMS = re.compile(r"^\s*\\begin\{(equation|align|gather|multline|eqnarray|flalign)\*?\}")


def extract(text: str, source: str) -> tuple[list[Formula], list[tuple[int, str]]]:
    """The verifier's formulas in reading order, and the display math nobody verifies."""
    lines = text.splitlines()
    formulas: list[Formula] = []
    stray: list[tuple[int, str]] = []
    containers: list[str] = []  # fences of open directives whose body is MyST (prf:proof …)
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _OPEN.match(line)
        code = _CODE.match(line)
        if containers and _closes(line, containers[-1]):
            containers.pop()
            i += 1
            continue
        if opened and opened["name"] not in (*DIRECTIVES, "math", "code-cell"):
            containers.append(opened["fence"])
            i += 1
            continue
        if opened:
            end = _closing(lines, i, opened["fence"])
            body = lines[i + 1 : end]
            if opened["name"] in DIRECTIVES:
                formulas.append(_formula(opened, body, source, i + 1))
            elif opened["name"] == "math":
                stray.append((i + 1, "\n".join(body).strip()))
            i = end + 1
            continue
        if code and not opened:
            i = _closing(lines, i, code["fence"]) + 1
            continue
        if line.strip().startswith("$$"):
            end = i if line.strip().endswith("$$") and len(line.strip()) > 2 else _dollars(lines, i)
            stray.append((i + 1, "\n".join(lines[i : end + 1]).strip()))
            i = end + 1
            continue
        if _AMS.match(line):
            stray.append((i + 1, line.strip()))
        i += 1
    return formulas, stray


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence)


def _closing(lines: list[str], start: int, fence: str) -> int:
    for j in range(start + 1, len(lines)):
        if _closes(lines[j], fence):
            return j
    return len(lines) - 1


def _dollars(lines: list[str], start: int) -> int:
    for j in range(start + 1, len(lines)):
        if lines[j].rstrip().endswith("$$"):
            return j
    return len(lines) - 1


def _formula(opened: re.Match, body: list[str], source: str, line: int) -> Formula:
    options: dict[str, str] = {}
    offset = 0
    if body and body[0].strip() == "---":
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
        if end is not None:
            options = {k: str(v) for k, v in (yaml.safe_load("\n".join(body[1:end])) or {}).items()}
            offset = end + 1
    while offset < len(body) and (m := re.match(r"^\s*:([\w-]+):\s?(.*)$", body[offset])):
        options[m[1]] = m[2].strip()
        offset += 1
    while offset < len(body) and not body[offset].strip():
        offset += 1
    latex = "\n".join(body[offset:]).strip("\n")
    return Formula(
        kind=DIRECTIVES[opened["name"]],
        label=opened["arg"].strip(),
        latex=latex,
        source=source,
        line=line,
        content_line=line + 1 + offset,
        symbols=options.get("symbols", ""),
        torch=options.get("torch", ""),
        package=options.get("package", ""),
        reason=options.get("reason", ""),
    )
