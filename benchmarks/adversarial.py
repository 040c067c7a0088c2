# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""An adversarial pass over the book: wrong edits of every kind of soundness hole (issue #10)
applied to the real pages, each counted as caught or as a ✓ that should not be. Must print 0 ✓.

Each edit changes one page as an author (or a reviewer trying to slip something past) would:
a false row after a zero row, an empty index range, a narrow interval around an approximation,
a narrowing redeclaration, a density without its normaliser, a definition that equals torch
only on the simplex, a false statement dressed as a definition, a claim about the wrong
object, display math the command line might not see, a changed package under a cached
verdict, an exemption of a false formula. The page is then read and checked exactly as
``python -m mathcheck`` does (the same extractor, page and cache), up to the edited formula.

Run: ``nox -s adversarial`` (or ``python benchmarks/adversarial.py`` in the tests environment).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mathcheck import Cache, Page
from mathcheck import cache as cache_module
from mathcheck.exemptions import AllowList
from mathcheck.myst import extract

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXEMPTIONS = AllowList.find(DOCS)


@dataclass
class Edit:
    hole: str
    page: str
    label: str  # the formula the edit is about (checked up to and including it)
    what: str
    apply: Callable[[str], str]
    passed: Callable[[list], bool] | None = None  # when a verdict counts as a ✓ (default: ok)


def block(text: str, label: str) -> tuple[int, int]:
    """Start and end (exclusive) offsets of the directive whose label is ``label``."""
    start = re.search(rf"^(`{{3,}}|:{{3,}}) ?\{{math-[a-z]+\}} {re.escape(label)}\n", text, re.M)
    if not start:
        raise ValueError(f"no formula {label}")
    fence = start[1]
    end = text.index(f"\n{fence}\n", start.end()) + len(fence) + 2
    return start.start(), end


def inside(label: str, old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        lo, hi = block(text, label)
        part = text[lo:hi]
        if old not in part:
            raise ValueError(f"{old!r} is not in {label}")
        return text[:lo] + part.replace(old, new, 1) + text[hi:]

    return apply


def option(label: str, line: str) -> Callable[[str], str]:
    """Add an option line right after the directive's first line."""

    def apply(text: str) -> str:
        lo, _ = block(text, label)
        cut = text.index("\n", lo) + 1
        return text[:cut] + line + "\n" + text[cut:]

    return apply


def after(label: str, inserted: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        _, hi = block(text, label)
        return text[:hi] + "\n" + inserted + "\n" + text[hi:]

    return apply


def both(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for edit in edits:
            text = edit(text)
        return text

    return apply


def verified(results: list) -> bool:
    return (
        bool(results)
        and all(r.ok for r in results)
        and all(r.status == "verified" for r in results)
    )


E_P = r"\frac{\partial \ln g(y; p)}{\partial p}"
FISHER_P = rf"\mathbb{{E}}_{{y}}\left[ \left( {E_P} \right)^{{2}} \right]"

EDITS = [
    # 1. rows merge into products
    Edit(
        "rows",
        "bernoulli.md",
        "eq-bernoulli-mean-zero",
        "a false row after a row ending in 0",
        inside("eq-bernoulli-mean-zero", r"\right] = 0", r"\right] &= 0 \\ \frac{1}{p^{2}} &= 0"),
    ),
    Edit(
        "rows",
        "bernoulli.md",
        "eq-bernoulli-mean-zero",
        r"a false \quad-part after a zero",
        inside("eq-bernoulli-mean-zero", r"\right] = 0", rf"\right] = 0 \quad {FISHER_P} = 0"),
    ),
    Edit(
        "rows",
        "poisson.md",
        "eq-poisson-mean-zero",
        "a false second row after 0",
        inside(
            "eq-poisson-mean-zero", r"\right] = 0", r"\right] &= 0 \\ \frac{1}{\lambda^{2}} &= 0"
        ),
    ),
    Edit(
        "rows",
        "categorical.md",
        "eq-categorical-mean-zero",
        r"a false row in \qquad after 0",
        inside("eq-categorical-mean-zero", "= 0", r"= 0 \qquad \frac{1}{\pi_j} = 0"),
    ),
    Edit(
        "rows",
        "multinomial.md",
        "eq-multinomial-mean-zero",
        "a false row after the zero mean",
        inside("eq-multinomial-mean-zero", r"\right] = 0", r"\right] &= 0 \\ \frac{n}{\pi_j} &= 0"),
    ),
    Edit(
        "rows",
        "gaussian.md",
        "eq-gaussian-mean-zero-loc",
        r"a false \quad-part after the zero mean",
        inside(
            "eq-gaussian-mean-zero-loc",
            r"\right] = 0",
            r"\right] = 0 \quad \frac{1}{\sigma^{2}} = 0",
        ),
    ),
    # 2. vacuous domains
    Edit(
        "domains",
        "categorical.md",
        "eq-categorical-eligibility-probs",
        "a flipped sign behind an empty index range",
        both(
            inside(
                "eq-categorical-eligibility-probs",
                r"= \frac{\delta_{jk}}{\pi_k} - \frac{1}{\sum_{i=1}^{K} \pi_i}",
                r"= \frac{1}{\sum_{i=1}^{K} \pi_i} - \frac{\delta_{jk}}{\pi_k}",
            ),
            option("eq-categorical-eligibility-probs", r":where: j \in \{K + 1, \dots, K\}"),
        ),
    ),
    Edit(
        "domains",
        "bernoulli.md",
        "eq-bernoulli-fisher-probs",
        "an approximation (4) on a hair-thin interval around p = 1/2",
        both(
            inside("eq-bernoulli-fisher-probs", r"= \frac{1}{p (1 - p)}", "= 4"),
            inside(
                "eq-bernoulli-fisher-probs",
                ":package: eligibility.bernoulli.fisher_information(probs=p)\n",
                "",
            ),
            option("eq-bernoulli-fisher-probs", r":where: p \in (0.499999999, 0.500000001)"),
        ),
    ),
    Edit(
        "domains",
        "bernoulli.md",
        "eq-bernoulli-eligibility-probs",
        "a formula true only at y = 1 after redeclaring y ∈ {1}",
        both(
            inside(
                "eq-bernoulli-eligibility-probs", r"= \frac{y - p}{p (1 - p)}", r"= \frac{1}{p}"
            ),
            inside(
                "eq-bernoulli-eligibility-probs",
                ":package: eligibility.bernoulli.eligibility(y, probs=p)",
                r":symbols: y \in \{1\}",
            ),
        ),
    ),
    Edit(
        "domains",
        "bernoulli.md",
        "eq-bernoulli-fisher-probs",
        "a later formula after the redeclaration y ∈ {1}, checked at y = 1 only",
        inside(
            "eq-bernoulli-eligibility-probs",
            ":package: eligibility.bernoulli.eligibility(y, probs=p)",
            r":symbols: y \in \{1\}",
        ),
    ),
    Edit(
        "domains",
        "poisson.md",
        "eq-poisson-fisher-rate",
        "an approximation on a narrow rate interval",
        both(
            inside("eq-poisson-fisher-rate", r"= \frac{1}{\lambda}", r"= 1 - (\lambda - 1)"),
            inside(
                "eq-poisson-fisher-rate",
                ":package: eligibility.poisson.fisher_information(rate=lambda_)\n",
                "",
            ),
            option("eq-poisson-fisher-rate", r":where: \lambda \in (0.9999, 1.0001)"),
        ),
    ),
    Edit(
        "domains",
        "categorical.md",
        "eq-categorical-fisher-probs",
        "a Fisher information true only for K = 2, after redeclaring K ∈ {2}",
        both(
            inside(
                "eq-categorical-fisher-probs",
                r"\frac{\delta_{ij}}{\pi_i \sum_{l=1}^{K} \pi_l}",
                r"\frac{\delta_{ij}}{\pi_i (\pi_1 + \pi_2)}",
            ),
            inside(
                "eq-categorical-fisher-probs",
                ":package: eligibility.categorical.fisher_information(probs=pi)[..., i - 1, j - 1]",
                r":symbols: K \in \{2\}",
            ),
        ),
    ),
    Edit(
        "domains",
        "gaussian.md",
        "eq-gaussian-eligibility-scale",
        "an approximation at σ ≈ 1 on a narrow (but not degenerate) interval",
        both(
            inside(
                "eq-gaussian-eligibility-scale",
                r"\frac{(y - \mu)^{2} - \sigma^{2}}{\sigma^{3}}",
                r"(y - \mu)^{2} - 1",
            ),
            inside(
                "eq-gaussian-eligibility-scale",
                ":package: eligibility.normal.eligibility(y, loc=mu, scale=sigma).scale",
                r":where: \sigma \in (0.999, 1.001)",
            ),
        ),
    ),
    # 3. definitions that escape checks
    Edit(
        "definitions",
        "gaussian.md",
        "eq-gaussian-density",
        "a density without its normaliser and without :torch:",
        both(
            inside("eq-gaussian-density", r"\frac{1}{\sigma \sqrt{2 \pi}}", r"\frac{1}{\sigma}"),
            inside(
                "eq-gaussian-density",
                ":torch: torch.distributions.Normal(mu, sigma).log_prob(y)\n",
                "",
            ),
        ),
    ),
    Edit(
        "definitions",
        "poisson.md",
        "eq-poisson-pmf",
        "a mass function without its normaliser and without :torch:",
        both(
            inside("eq-poisson-pmf", r"e^{-\lambda}", ""),
            inside(
                "eq-poisson-pmf", ":torch: torch.distributions.Poisson(lambda_).log_prob(y)\n", ""
            ),
        ),
    ),
    Edit(
        "definitions",
        "bernoulli.md",
        "eq-bernoulli-pmf",
        "a wrong :package: binding on a definition",
        option("eq-bernoulli-pmf", ":package: eligibility.bernoulli.log_prob(1 - y, probs=p)"),
    ),
    Edit(
        "definitions",
        "categorical.md",
        "eq-categorical-pmf-simplex",
        "a definition equal to torch only on the simplex",
        inside("eq-categorical-pmf-simplex", r"\frac{q_k}{\sum_{i=1}^{K} q_i}", "q_k"),
    ),
    Edit(
        "definitions",
        "bernoulli.md",
        "eq-bernoulli-fisher-claim-as-def",
        "a false Fisher information written as a definition of a fresh name",
        after(
            "eq-bernoulli-fisher-probs",
            f"```{{math-def}} eq-bernoulli-fisher-claim-as-def\nI = {FISHER_P} - 1\n```",
        ),
        passed=verified,
    ),
    Edit(
        "definitions",
        "networks.md",
        "eq-networks-bernoulli-layer-pmf",
        "a layer density over a continuous cube",
        inside("eq-networks-weights", r"z \in \{0, 1\}^{M}", r"z \in [0, 1]^{M}"),
    ),
    Edit(
        "definitions",
        "poisson.md",
        "eq-poisson-pmf-log-rate",
        "a log-rate mass function with the rate where the log-rate belongs",
        inside("eq-poisson-pmf-log-rate", r"\eta y - \exp(\eta)", r"\exp(\eta) y - \exp(\eta)"),
    ),
    # 4. claims that touch nothing
    Edit(
        "untied",
        "bernoulli.md",
        "eq-bernoulli-fisher-probs",
        "a consistent identity about the wrong object, in place of the Fisher information",
        both(
            inside("eq-bernoulli-fisher-probs", FISHER_P, r"\frac{1}{p} + \frac{1}{1 - p}"),
            inside(
                "eq-bernoulli-fisher-probs",
                ":package: eligibility.bernoulli.fisher_information(probs=p)\n",
                "",
            ),
        ),
        passed=verified,
    ),
    Edit(
        "untied",
        "categorical.md",
        "eq-categorical-fisher-probs",
        "the categorical Fisher information replaced by algebra with the same right-hand side",
        both(
            inside(
                "eq-categorical-fisher-probs",
                r"\mathbb{E}_{k}\left[ \frac{\partial \ln g(k; \pi)}{\partial \pi_i} \frac{\partial \ln g(k; \pi)}{\partial \pi_j} \right]",
                r"\frac{\delta_{ij}}{\pi_i \sum_{l=1}^{K} \pi_l} - \frac{1}{\bigl( \sum_{l=1}^{K} \pi_l \bigr)^{2}}",
            ),
            inside(
                "eq-categorical-fisher-probs",
                ":package: eligibility.categorical.fisher_information(probs=pi)[..., i - 1, j - 1]\n",
                "",
            ),
        ),
        passed=verified,
    ),
    Edit(
        "untied",
        "gaussian.md",
        "eq-gaussian-fisher-loc",
        "the Gaussian Fisher information replaced by algebra about σ",
        both(
            inside(
                "eq-gaussian-fisher-loc",
                r"\mathbb{E}_{y}\left[ \left( \frac{\partial \ln g(y; \mu, \sigma)}{\partial \mu} \right)^{2} \right]",
                r"\frac{\sigma^{2}}{\sigma^{4}}",
            ),
            lambda text: re.sub(r"(eq-gaussian-fisher-loc\n):package: [^\n]*\n", r"\1", text),
        ),
        passed=verified,
    ),
    # 5. display math the command line must see
    Edit(
        "command line",
        "bernoulli.md",
        "eq-bernoulli-sneaky-space",
        "a wrong claim in a fence with a space before the brace",
        after(
            "eq-bernoulli-fisher-probs",
            f"``` {{math-claim}} eq-bernoulli-sneaky-space\n{FISHER_P} = 0\n```",
        ),
    ),
    Edit(
        "command line",
        "bernoulli.md",
        "$$ in a list item",
        "a wrong display formula in a list item",
        after("eq-bernoulli-fisher-probs", r"- note" + "\n\n  $$ \\frac{1}{p} = 0 $$"),
    ),
    Edit(
        "command line",
        "bernoulli.md",
        "$$ in a block quote",
        "a wrong display formula in a block quote",
        after("eq-bernoulli-fisher-probs", r"> $$ \frac{1}{p} = 0 $$"),
    ),
    Edit(
        "command line",
        "bernoulli.md",
        ".. math:: in eval-rst",
        "a wrong display formula in reStructuredText",
        after("eq-bernoulli-fisher-probs", "```{eval-rst}\n.. math::\n\n   \\frac{1}{p} = 0\n```"),
    ),
    Edit(
        "command line",
        "bernoulli.md",
        "raw HTML math",
        "a wrong display formula in raw HTML",
        after("eq-bernoulli-fisher-probs", '<div class="math">\\[ \\frac{1}{p} = 0 \\]</div>'),
    ),
    # 7. exemptions
    Edit(
        "exemptions",
        "bernoulli.md",
        "eq-bernoulli-fisher-probs",
        "a false formula exempted with a new reason",
        both(
            inside("eq-bernoulli-fisher-probs", r"= \frac{1}{p (1 - p)}", "= 0"),
            inside("eq-bernoulli-fisher-probs", "{math-claim}", "{math-exempt}"),
            inside(
                "eq-bernoulli-fisher-probs",
                ":package: eligibility.bernoulli.fisher_information(probs=p)",
                ":reason: notation: the Fisher information is defined so",
            ),
        ),
    ),
]


def checked(text: str, source: str, label: str, cache: Cache) -> tuple[list, list[str]]:
    """The results of ``label`` (checked in reading order up to it; every result of the page
    when ``label`` is empty) and every problem, as ``python -m mathcheck`` reports them."""
    formulas, stray = extract(text, source)
    page = Page(source, cache=cache, exemptions=EXEMPTIONS)
    problems = [f"{line}: display formula is not verified" for line, _ in stray]
    results: list = []
    for formula in formulas:
        out = page.check(formula)
        problems += [p for r in out for p in r.messages()]
        if not label:
            results += out
        elif formula.label == label:
            results = out
            break
    return results, problems


def control(edit: Edit, cache: Cache) -> list[str]:
    """The problems of the unedited page up to the edited formula: must be none."""
    text = (DOCS / edit.page).read_text(encoding="utf-8")
    label = edit.label if edit.label in text else ""
    return checked(text, f"docs/{edit.page}", label, cache)[1]


def run_edit(edit: Edit, cache: Cache) -> tuple[bool, str]:
    """(✓ that should not be, what the verifier said)."""
    source = f"docs/{edit.page}"
    text = edit.apply((DOCS / edit.page).read_text(encoding="utf-8"))
    if edit.hole == "command line" and not edit.label.startswith("eq-"):
        _, problems = checked(text, source, "", cache)  # the whole page
        hidden = [p for p in problems if "display formula is not verified" in p]
        return not hidden, (hidden[0] if hidden else "nothing reported")
    results, problems = checked(text, source, edit.label, cache)
    if not results:
        return False, problems[0] if problems else "the formula was not found"
    passed = (edit.passed or (lambda rs: all(r.ok for r in rs)))(results)
    said = next((p for r in results for p in r.problems), f"status: {results[0].status}")
    return passed, said


def stale_cache() -> tuple[int, int]:
    """(verdicts reused after the bound package changed, verdicts whose evidence used it).

    A page is checked into a cache; then the source of the package its bindings name changes
    (simulated by the digest the cache computes for it); checking again must reuse nothing
    whose evidence used that package, directly or through a definition's :torch:.
    """
    cache = Cache(None)
    text = (DOCS / "poisson.md").read_text(encoding="utf-8")
    checked(text, "docs/poisson.md", "", cache)
    real = cache_module.package_digest
    try:
        cache_module.package_digest = lambda root: (
            real(root) + ("changed" if root in ("eligibility", "torch") else "")
        )
        cache.hits = 0
        results, _ = checked(text, "docs/poisson.md", "", cache)
    finally:
        cache_module.package_digest = real
    bound = sum(1 for r in results if {"torch", "package"} & set(r.methods))
    return cache.hits, bound


def main() -> int:
    start = time.perf_counter()
    cache = Cache(None)  # formulas before an edit are checked once, then remembered
    missed = false_alarms = 0
    by_hole: dict[str, list[int]] = {}
    for edit in EDITS:
        alarms = control(edit, cache)
        false_alarms += bool(alarms)
        for alarm in alarms:
            print(f"FALSE ALARM on the unedited page: {alarm}")
        passed, said = run_edit(edit, cache)
        missed += passed
        counts = by_hole.setdefault(edit.hole, [0, 0, 0])
        counts[0] += 1
        counts[1] += passed
        counts[2] += bool(alarms)
        mark = "✓ MISSED" if passed else "caught  "
        print(f"{mark} [{edit.hole}] {edit.page}: {edit.what}\n           {said[:160]}")
    reused, bound = stale_cache()
    by_hole["cache keys"] = [1, int(reused > 0), 0]
    missed += reused > 0
    print(
        f"{'✓ MISSED' if reused else 'caught  '} [cache keys] poisson.md: the bound packages "
        f"changed; {reused} of the page's verdicts reused from the cache ({bound} used a binding)"
    )
    print("\nhole            edits  wrongly ✓  false alarms (unedited page)")
    for hole, (edits, wrong, alarms) in by_hole.items():
        print(f"{hole:<15} {edits:>5}  {wrong:>9}  {alarms:>12}")
    total = sum(counts[0] for counts in by_hole.values())
    seconds = time.perf_counter() - start
    print(f"{'total':<15} {total:>5}  {missed:>9}  {false_alarms:>12}   ({seconds:.0f} s)")
    return 1 if missed or false_alarms else 0


if __name__ == "__main__":
    sys.exit(main())
