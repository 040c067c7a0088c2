r"""Instantiate a formula: every instance of its discrete symbols, sympy expressions and samples.

A check never walks the syntax tree itself. It asks a :class:`Subject` (the formula's needed
symbols in the page's scope) to *evaluate* some expressions built from the tree; the answer is
one :class:`Evaluated` per instance (``K = 3, j = 2``): the exact sympy expressions, float64
values at seeded sample points of the continuous symbols, and how any infinite expectation in
them was decided. Expressions that are vectors or matrices (of one shape) give one
:class:`Evaluated` per component, so every check reads them component by component.

>>> from mathcheck.domains import parse_declarations
>>> from mathcheck.latex import parse_equation
>>> from mathcheck.scope import Scope
>>> scope = Scope()
>>> scope.declare(parse_declarations(r"p \in (0, 1)"), "doc")
>>> [node] = parse_equation(r"p (1 - p)", functions=set())
>>> [item] = Subject(scope, ["p"]).evaluate(lambda t: [t.expr(node)])
>>> item.exprs, item.rows
([p*(1 - p)], 52)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from . import prove, values
from .errors import FormulaError
from .instances import Sampler, instances, symbol_values
from .scope import Scope
from .translate import Translator, pretty

N_RANDOM = 50  # random points per instance, besides the edge points of every domain


@dataclass
class Evaluated:
    """One instance of a formula: its expressions, exactly and at the sample points."""

    assignment: dict
    columns: dict[str, np.ndarray]
    values: list[np.ndarray]
    exprs: list[sympy.Expr]
    constraints: dict
    rows: int
    symbol_values: dict
    notes: list[tuple[str, str]]  # (method, how) for each infinite expectation
    component: tuple[int, int] | None = None  # 0-based (row, column) of a vector or matrix
    shape: tuple[int, int] | None = None

    def precise(self, which: int, rows: np.ndarray) -> np.ndarray:
        """Expression ``which`` at ``rows``, re-evaluated with 50 significant digits."""
        out = self.values[which].copy()
        for row in rows:
            out[row] = prove.evaluate_precise(self.exprs[which], self.symbol_values, int(row))
        return out

    def point(self, row: int) -> str:
        """The instance and sample point of ``row`` as the reader writes it: ``K=3, p=0.25``."""
        parts = [f"{pretty(k)}={fmt(v)}" for k, v in self.assignment.items()]
        for name, column in self.columns.items():
            value = column[row]
            if np.ndim(value):
                parts.append(f"{pretty(name)}=({', '.join(fmt(v) for v in value)})")
            else:
                parts.append(f"{pretty(name)}={fmt(value)}")
        if self.component is not None:
            row, col = self.component
            parts.append(
                f"component {row + 1}"
                if self.shape[1] == 1
                else f"component ({row + 1}, {col + 1})"
            )
        return ", ".join(parts)

    def select(self, reference: np.ndarray) -> np.ndarray:
        """This component of a reference computed for the whole vector or matrix (torch gives
        one of shape (rows, K) for a vector formula); a scalar reference as it is."""
        if self.component is None or reference.ndim == 1:
            return reference
        row, col = self.component
        rows, cols = self.shape
        if reference.shape[1:] == (rows, cols):
            return reference[:, row, col]
        if cols == 1 and reference.shape[1:] == (rows,):
            return reference[:, row]
        if rows == 1 and reference.shape[1:] == (cols,):
            return reference[:, col]
        raise FormulaError(
            f"the bound code gave values of shape {reference.shape[1:]} per point; the "
            f"formula is {rows}×{cols}"
        )


@dataclass
class Subject:
    """What a check examines: the symbols a formula needs, in the page's scope."""

    scope: Scope
    names: list[str]
    seed: int = 0

    def evaluate(self, build: Callable[[Translator], list[sympy.Expr]]) -> list[Evaluated]:
        """``build`` the expressions at every instance, and evaluate them at the samples."""
        out = []
        for n, assignment in enumerate(instances(self.scope, self.names, self.seed)):
            translator = Translator(self.scope, assignment)
            parts = values.components(build(translator))
            sampler = Sampler(self.scope, translator, N_RANDOM, self.seed + n)
            columns = sampler.columns([m for m in self.names if m not in assignment])
            points = symbol_values(translator, columns)
            rows = max((len(c) for c in columns.values()), default=1)
            flat = [e for _, exprs in parts for e in exprs]
            numbers = prove.evaluate(flat, points, rows)  # one lambdify for every component
            width = len(parts[0][1])
            shape = None if parts[0][0] is None else (parts[-1][0][0] + 1, parts[-1][0][1] + 1)
            for k, (component, exprs) in enumerate(parts):
                out.append(
                    Evaluated(
                        assignment,
                        columns,
                        numbers[k * width : (k + 1) * width],
                        exprs,
                        translator.constraints,
                        rows,
                        points,
                        translator.notes,
                        component,
                        shape,
                    )
                )
        return out


def notes(evaluated: list[Evaluated]) -> list[tuple[str, str]]:
    """How each infinite expectation was decided: (method, 'E over y ∈ ℝ exact by …')."""
    out: list[tuple[str, str]] = []
    for item in evaluated:
        for note in item.notes:
            if note not in out:
                out.append(note)
    return out


def fmt(value, digits: int = 3) -> str:
    """A number as messages show it: ``digits`` significant digits, a true minus sign.

    >>> fmt(-0.123456), fmt((1, 2.5))
    ('−0.123', '(1, 2.5)')
    """
    if isinstance(value, tuple | list):
        return "(" + ", ".join(fmt(v, digits) for v in value) + ")"
    text = f"{float(value):.{digits}g}"
    return text.replace("-", "−")


def fmt_pair(a: float, b: float) -> tuple[str, str]:
    """Two values with as many digits as it takes to show that they differ (at least 3).

    >>> fmt_pair(0.99999996, 1.0), fmt_pair(-2.76, 2.76)
    (('0.99999996', '1'), ('−2.76', '2.76'))
    """
    digits = 3
    while digits < 17 and fmt(a, digits) == fmt(b, digits):
        digits += 1
    return fmt(a, digits), fmt(b, digits)


def disagreement(names: tuple[str, str], a: float, b: float, atol: float = prove.ATOL) -> str:
    """``lhs 0.99999996, rhs 1; they differ by 4e-08 (relative 4e-08), beyond the tolerance of
    1e-08 relative + 1e-10 absolute``: both values, told apart, by how much they differ and
    what the check allows.

    >>> print(disagreement(("lhs", "rhs"), 0.0016, 0.0032))
    lhs 0.0016, rhs 0.0032; they differ by 0.0016 (relative 0.5), beyond the tolerance of 1e-08 ...
    """
    shown = fmt_pair(a, b)
    if not (math.isfinite(a) and math.isfinite(b)):
        gap = "one of them is not a number" if math.isnan(a) or math.isnan(b) else "not equal"
    else:
        difference = abs(a - b)
        relative = difference / max(abs(a), abs(b))
        gap = (
            f"they differ by {difference:.2g} (relative {relative:.2g}), beyond the tolerance "
            f"of {prove.RTOL:g} relative + {atol:g} absolute"
        )
    return f"{names[0]} {shown[0]}, {names[1]} {shown[1]}; {gap}"
