"""Binding evidence: a formula equals the Python expression written beside it on the page.

``:torch:`` binds a definition or claim to ``torch.distributions`` (a definition of a density is
compared through its logarithm, since torch gives ``log_prob``); ``:package:`` binds a claim to
the function of the book's package that its code cells call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

from .. import bindings, prove
from ..evaluation import Evaluated, Subject, disagreement
from ..instances import size_names
from ..records import Evidence
from ..translate import Translator
from . import numeric


def compare(
    subject: Subject,
    build: Callable[[Translator], sympy.Expr],
    expression: str,
    method: str,
    what: str,
    atol: float = prove.ATOL,
) -> Evidence:
    """``build`` (the formula's side) against ``expression`` at every point of every instance.

    ``atol`` is the absolute tolerance: ``RTOL`` when both are logarithms of a density.
    """
    sizes = size_names(subject.scope)

    def theirs(item: Evaluated) -> np.ndarray:
        ns = bindings.namespace(subject.scope, item.assignment, item.columns, sizes)
        return bindings.evaluate(expression, ns, item.rows, what=f":{method}:")

    def failed(item: Evaluated, row: int, ours: float, value: float, which: int) -> str:
        return (
            f":{method}: `{expression}` ≠ {what} at {item.point(row)} "
            f"({disagreement((what, method), ours, value, atol)})"
        )

    evaluated = subject.evaluate(lambda t: [build(t)])
    passed = f"`{expression}` agrees with {what}"
    return numeric.against(evaluated, theirs, method, passed, failed, atol)
