r"""What a formula rests on: the definitions it names and the earlier statements it restates.

The verifier proves a claim from the page's definitions, so it knows which ones a claim uses:
the functions it calls (``g(y; p)``), the abbreviations it names (``\pi_k``) and the
distribution an expectation ``\mathbb{E}_{y}`` averages over. A claim may also take up an
earlier result: the mean-zero claim ``\mathbb{E}_{y}[\partial \ln g / \partial p] = 0``
contains the left side of the eligibility claim before it. Such a restatement is found by
the syntax tree, never by the text: the earlier statement's first side must occur, as a
subtree, in the later formula. Both kinds become the formula's ``uses`` (labels in reading
order), from which the Sphinx adapter draws the dependency graph.

>>> from mathcheck.records import Formula
>>> from mathcheck.page import Page
>>> page = Page("docs/example.md")
>>> _ = page.check(Formula("definition", "eq-pmf", r"g(y; p) = p^{y} (1 - p)^{1 - y}",
...     "docs/example.md", 3, 6, symbols=r"y \in \{0, 1\}; p \in (0, 1)"))
>>> score = r"\frac{\partial \ln g(y; p)}{\partial p}"
>>> [claim] = page.check(Formula("claim", "eq-score", score + r" = \frac{y - p}{p (1 - p)}",
...     "docs/example.md", 9, 10))
>>> claim.uses
['eq-pmf']
>>> mean_zero = rf"\mathbb{{E}}_{{y}}\left[ {score} \right] = 0"
>>> [mean] = page.check(Formula("claim", "eq-mean", mean_zero, "docs/example.md", 12, 13))
>>> mean.uses
['eq-pmf', 'eq-score']
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from . import distributions
from . import latex as ast
from .errors import FormulaError
from .scope import Scope


def definitions_used(nodes: Iterable[ast.Node], scope: Scope, *, own: str = "") -> list[str]:
    """Labels of the definitions that ``nodes`` name directly, in the page's reading order.

    Parameters
    ----------
    nodes
        The sides of a claim (or the body of a definition).
    scope
        The page's scope when the formula is read.
    own
        The name a definition defines: a re-definition does not use the one it replaces.

    Returns
    -------
    list of str
        Only the direct uses: what those definitions use in turn is their own ``uses``.
    """
    names: set[str] = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Sym | ast.Call) and sub.name in scope.definitions:
                names.add(sub.name)
            elif isinstance(sub, ast.Expect):
                with contextlib.suppress(FormulaError):  # the check reports it
                    names.add(distributions.resolve(sub, scope).definition.name)
    names.discard(own)
    return [d.label for name, d in scope.definitions.items() if name in names]


class Statements:
    """The first sides of the claims and derivations read so far on a page, by label.

    A later formula that contains one of them (as a subtree) uses the latest formula that
    stated it. A bare symbol or number is too common to say anything and is not remembered.
    """

    def __init__(self) -> None:
        self._latest: dict[ast.Node, str] = {}
        self._order: dict[str, int] = {}  # label → when it was stated

    def restated(self, nodes: Iterable[ast.Node]) -> list[str]:
        """Labels of the earlier statements whose first side occurs in ``nodes``, in order."""
        found = {
            self._latest[sub] for node in nodes for sub in ast.walk(node) if sub in self._latest
        }
        return sorted(found, key=self._order.__getitem__)

    def state(self, first_side: ast.Node, label: str) -> None:
        """Remember that ``label`` stated something about ``first_side``."""
        if not isinstance(first_side, ast.Sym | ast.Num):
            self._latest[first_side] = label
            self._order.setdefault(label, len(self._order))

    def forget(self, name: str) -> None:
        """A re-definition of ``name``: what was stated about the old one no longer applies."""
        self._latest = {
            side: label
            for side, label in self._latest.items()
            if not any(
                isinstance(sub, ast.Sym | ast.Call) and sub.name == name for sub in ast.walk(side)
            )
        }
