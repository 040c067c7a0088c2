# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""A mutation run over the book (issue #11): every display, theorem statement and inline
relation is changed the way a slip changes it, one mutation at a time, and the page is
checked again exactly as ``python -m mathcheck`` checks it (the machinery of
``benchmarks/adversarial.py``). A mutation is *killed* when the verifier reports a problem.

Mutations (each applied where the formula has something to mutate):

* ``sign``: the first binary ``+`` becomes ``-`` (or ``-`` becomes ``+``); with neither, the
  last side of the relation is negated;
* ``constant``: the first number outside a sub- or superscript grows by one; with none, the
  last side is doubled;
* ``index``: the first subscript index letter becomes another index letter of the formula.

The kill rate is reported by block kind: definition, claim, derivation, inline relation, and
for those inside a theorem's statement ("in statement"); mutations of formulas that are exempt
or marked as notation are counted apart and not run (nothing checks them, by design; ``--all``
runs them too); so are those of a definition that is notation (no binding, not a density): only
the formulas that use it can pin it down, and one that survives is listed as "unpinned". A
surviving mutation
outside them is printed with its formula: an equivalent mutant (``\delta_{jk}`` →
``\delta_{kj}``) or a hole.

Run: ``nox -s mutate`` (all pages), or ``python benchmarks/mutate.py docs/eligibility.md …``
in the tests environment; ``--kinds inline,statement`` limits the run to those kinds;
``--limit N`` mutates at most N formulas per page.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from adversarial import DOCS, checked

from mathcheck import Cache
from mathcheck.myst import extract
from mathcheck.records import Formula

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Mutant:
    formula: Formula
    block: str  # definition | claim | derivation | inline | …, "in statement", or "exempt"
    how: str  # sign | constant | index
    latex: str  # the mutated LaTeX


_SCRIPT = re.compile(r"[_^]\s*(\{[^{}]*\}|\\?[A-Za-z0-9]+)")


def _in_script(latex: str) -> list[tuple[int, int]]:
    """Spans of ``latex`` that are sub- or superscripts (an index, a power, a sum's range)."""
    return [m.span() for m in _SCRIPT.finditer(latex)]


def _outside(latex: str, pattern: str, group: int = 0) -> list[re.Match]:
    """Matches of ``pattern`` that start outside every sub- and superscript."""
    scripts = _in_script(latex)
    return [
        m
        for m in re.finditer(pattern, latex)
        if not any(lo <= m.start(group) < hi for lo, hi in scripts)
    ]


def _last_side(latex: str) -> int | None:
    """Where the last side of the first statement starts: after its last relation outside
    every bracket and script (never the ``=`` of ``\\sum_{i=1}``)."""
    first = re.split(r"\\\\|\\q?quad", latex)[0]
    depth, at = 0, None
    for m in re.finditer(r"\\left.|\\right.|[{(\[]|[})\]]|\\(?:le|ge|neq|propto)\b|[=<>]", first):
        token = m.group()
        if token.startswith("\\left") or token in "{([":
            depth += 1
        elif token.startswith("\\right") or token in "})]":
            depth -= 1
        elif depth == 0:
            at = m.end()
    return at


def sign(latex: str) -> str | None:
    """The first binary + or − of the last side flipped; the last side negated when it has
    none; a side that is 0 cannot change sign, so then the first one before it."""
    side = _last_side(latex)
    end = len(re.split(r"\\\\|\\q?quad", latex)[0])
    zero = side is not None and latex[side:end].strip(" &,.") == "0"
    operators = [m.start(1) for m in _outside(latex, r"(?<=[\w}) \]])\s([+-])\s", 1)]
    after = [at for at in operators if side is None or at >= side]
    if after or zero:
        candidates = after or operators
        if not candidates:
            return None
        at = candidates[0]
        return latex[:at] + ("-" if latex[at] == "+" else "+") + latex[at + 1 :]
    if side is None:
        return None
    return latex[:side] + " -\\left(" + latex[side:end] + "\\right)" + latex[end:]


def constant(latex: str) -> str | None:
    side = _last_side(latex) or 0
    for m in _outside(latex, r"(?<![\w.])(\d+)(?![\w.])", 1):
        if m.start() >= side:
            return latex[: m.start(1)] + str(int(m[1]) + 1) + latex[m.end(1) :]
    if not side:
        return None
    return latex[:side] + " 2 " + latex[side:]


def index(latex: str) -> str | None:
    letters = re.findall(r"_\{?([a-z])\b", latex)
    distinct = list(dict.fromkeys(letters))
    if len(distinct) < 2:
        return None
    side = _last_side(latex) or 0
    for m in re.finditer(r"_(\{?)([a-z])\b", latex):
        if m.start() < side:
            continue
        other = next(x for x in distinct if x != m[2])
        return latex[: m.start(2)] + other + latex[m.end(2) :]
    return None


MUTATIONS = {"sign": sign, "constant": constant, "index": index}
# block kinds nothing checks by design: counted apart from the kill rate
APART = ("exempt or notation", "notation definition")


def blocks(formulas: list[Formula], notation: set[str] = frozenset()) -> dict[str, str]:
    """The block kind of each formula (by label): its kind, 'in statement' when a theorem's
    statement holds it, 'exempt or notation' when nothing checks it by design, 'notation
    definition' for a definition with nothing to check it against (labels in ``notation``),
    which only what uses it can pin down."""
    statements = [f for f in formulas if f.kind == "statement"]
    out = {}
    for f in formulas:
        if f.kind == "statement":
            continue
        kind = f.kind
        if f.kind == "exempt" or (f.kind == "inline" and (f.reason or f.notation)):
            kind = "exempt or notation"
        elif f.label in notation:
            kind = "notation definition"
        elif any(s.line <= f.line <= s.end_line for s in statements):
            kind = f"{f.kind} in statement"
        out[f.label] = kind
    return out


def mutants(
    text: str,
    source: str,
    kinds: set[str] | None,
    limit: int | None,
    notation: set[str] = frozenset(),
) -> list[Mutant]:
    formulas, _ = extract(text, source)
    kind_of = blocks(formulas, notation)
    found = []
    for f in formulas:
        if f.kind == "statement":
            continue
        block = kind_of[f.label]
        if kinds and not (
            {f.kind, block, block.split()[0]} & kinds
            or ("statement" in kinds and "statement" in block)
        ):
            continue
        for how, mutate in MUTATIONS.items():
            latex = mutate(f.latex)
            if latex and latex != f.latex:
                found.append(Mutant(f, block, how, latex))
    if limit:
        labels = list(dict.fromkeys(m.formula.label for m in found))[:limit]
        found = [m for m in found if m.formula.label in labels]
    return found


def apply(text: str, mutant: Mutant) -> str:
    """The page with the formula's LaTeX replaced where it stands."""
    f = mutant.formula
    line = f.content_line if f.kind != "inline" else f.line
    offset = sum(len(x) + 1 for x in text.split("\n")[: line - 1])
    # inline math over lines loses the indentation of a list item: match any whitespace
    pattern = r"\s+".join(re.escape(part) for part in f.latex.split())
    found = re.compile(pattern).search(text, offset)
    if found is None:
        raise ValueError(f"{f.label}: its LaTeX is not where the extractor found it")
    return text[: found.start()] + mutant.latex + text[found.end() :]


def killed(original: str, text: str, source: str, mutant: Mutant, cache: Cache) -> tuple[bool, str]:
    """Whether checking the mutated page reports a problem the unmutated page does not: up to
    the formula for a claim (it changes nothing below), the whole page for a definition or a
    formula in a statement (what uses it, and the statement, come after)."""
    whole = mutant.formula.kind == "definition" or "statement" in mutant.block
    label = "" if whole else mutant.formula.label
    before = set(checked(original, source, label, cache)[1])  # remembered: only the first costs
    new = [p for p in checked(text, source, label, cache)[1] if p not in before]
    return bool(new), new[0] if new else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--kinds", default="", help="e.g. inline,statement,claim")
    parser.add_argument("--limit", type=int, default=None, help="formulas per page")
    parser.add_argument(
        "--all", action="store_true", help="run the exempt and notation mutants too"
    )
    args = parser.parse_args(argv)
    pages = args.pages or sorted(DOCS.glob("*.md"))
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()} or None
    start = time.perf_counter()
    cache = Cache(None)  # the unchanged formulas before a mutation are checked once
    tally: Counter = Counter()
    survivors = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        source = f"docs/{page.name}"
        results, _ = checked(text, source, "", cache)
        notation = {r.label for r in results if r.kind == "definition" and r.status == "notation"}
        for mutant in mutants(text, source, kinds, args.limit, notation):
            if mutant.block == "exempt or notation" and not args.all:
                tally[mutant.block, False] += 1  # nothing checks it, by design: not run
                continue
            dead, _ = killed(text, apply(text, mutant), source, mutant, cache)
            tally[mutant.block, dead] += 1
            if not dead and mutant.block not in APART:
                survivors.append(mutant)
                print(
                    f"SURVIVED {source}:{mutant.formula.line} {mutant.formula.label} [{mutant.how}] {mutant.latex[:120]!r}",
                    flush=True,
                )
            elif not dead and mutant.block == "notation definition":
                print(
                    f"unpinned {source}:{mutant.formula.line} {mutant.formula.label} [{mutant.how}]"
                )
    print("\nblock kind                    mutations  killed  kill rate")
    blocks_seen = sorted({b for b, _ in tally})
    for block in blocks_seen:
        total = tally[block, True] + tally[block, False]
        rate = tally[block, True] / total if total else 0
        print(f"{block:<29} {total:>9}  {tally[block, True]:>6}  {rate:>9.1%}")
    checked_total = sum(n for (b, _), n in tally.items() if b not in APART)
    dead_total = sum(n for (b, d), n in tally.items() if b not in APART and d)
    rate = dead_total / checked_total if checked_total else 0
    seconds = time.perf_counter() - start
    print(
        f"{'all but those apart':<29} {checked_total:>9}  {dead_total:>6}  {rate:>9.1%}   ({seconds:.0f} s)"
    )
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
