"""Count the display formulas a page's source declares, to compare with what the browser shows.

A display formula is one of the book's formula directives (``math-def``, ``math-claim``,
``math-derivation``, ``math-exempt``), a ``{math}`` block, a ``$$ … $$`` block or a top-level
amsmath environment. Fenced code (code cells, code blocks, examples in four backticks) is
literal: a directive shown inside it is an example, not a formula.
"""

from __future__ import annotations

import re
from pathlib import Path

MATH_DIRECTIVES = {"math", "math-def", "math-claim", "math-derivation", "math-exempt"}
# directives whose content is not MyST: nothing inside them is a formula
LITERAL_DIRECTIVES = {
    "code-cell",
    "code-block",
    "code",
    "sourcecode",
    "literalinclude",
    "raw",
    "glue",
    "bibliography",
    "formula-ledger",
    "toctree",
    *MATH_DIRECTIVES,
}
FENCE = re.compile(r"^\s*(?P<mark>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<name>[^}]+)\})?")
RST_MATH = re.compile(r"^\s*\.\.\s+(?:" + "|".join(sorted(MATH_DIRECTIVES)) + r")::")
AMSMATH = re.compile(r"^\\begin\{(equation|multline|gather|align|alignat|flalign)\*?\}")


def count_myst(text: str) -> int:
    """Display formulas in a MyST page.

    >>> count_myst("```{math-claim} eq-a\\na = a\\n```\\n$$\\nb\\n$$\\n")
    2
    >>> count_myst("````md\\n```{math-claim} eq-a\\na = a\\n```\\n````\\n")
    0
    """
    count = 0
    stack: list[tuple[str, int, bool, str]] = []  # (fence char, length, literal, name)
    lines = iter(text.splitlines())
    for line in lines:
        literal = bool(stack) and stack[-1][2]
        match = FENCE.match(line)
        if match:
            mark, name = match["mark"], (match["name"] or "").strip()
            rest = line[match.end() :].strip()
            closes = stack and mark[0] == stack[-1][0] and len(mark) >= stack[-1][1]
            if closes and not name and not rest:
                stack.pop()
                continue
            if not literal:
                if name in MATH_DIRECTIVES:
                    count += 1
                stack.append((mark[0], len(mark), not name or name in LITERAL_DIRECTIVES, name))
                continue
        if literal:
            if stack[-1][3] == "eval-rst" and RST_MATH.match(line):
                count += 1
            continue
        stripped = line.strip()
        if stripped.startswith("%"):
            continue
        if stripped.startswith("$$"):
            count += 1
            if "$$" in stripped[2:]:
                continue  # $$ … $$ on one line
            for inner in lines:
                if "$$" in inner:
                    break
            continue
        env = AMSMATH.match(stripped)
        if env:
            count += 1
            end = f"\\end{{{env[1]}"
            if end not in stripped:
                for inner in lines:
                    if end in inner:
                        break
    return count


def count_rst(text: str) -> int:
    """Display formulas in a reStructuredText page: its math directives."""
    return sum(1 for line in text.splitlines() if RST_MATH.match(line))


def expected_formulas(source_dir: Path) -> dict[str, int]:
    """``{"categorical.html": 15, …}`` for every page with a source in ``source_dir``."""
    counts = {}
    for path in sorted(source_dir.rglob("*")):
        if path.suffix not in {".md", ".rst"} or "_fixtures" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(source_dir).with_suffix(".html").as_posix()
        counts[page] = count_myst(text) if path.suffix == ".md" else count_rst(text)
    return counts
