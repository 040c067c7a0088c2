"""How each expectation over an infinite support was decided, as evidence the ledger shows."""

from __future__ import annotations

from ..evaluation import Evaluated, notes
from ..records import Evidence


def evidence(evaluated: list[Evaluated]) -> list[Evidence]:
    """One entry per expectation: integral | series (exact), quadrature | truncated sum."""
    return [Evidence(method, ok=True, detail=how) for method, how in notes(evaluated)]
