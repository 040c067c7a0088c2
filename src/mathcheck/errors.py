"""The errors the verifier reports: each knows where in the formula it happened."""

from __future__ import annotations


class FormulaError(Exception):
    """A formula that cannot be read or checked.

    ``column`` is the 0-based offset into the formula's LaTeX when known; ``hint`` tells the
    author what to write instead.

    >>> str(FormulaError("unknown command \\\\foo", column=3, hint="use \\\\frac"))
    'unknown command \\\\foo at column 4 (hint: use \\\\frac)'
    """

    def __init__(self, message: str, *, column: int | None = None, hint: str | None = None):
        self.message = message
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" at column {self.column + 1}" if self.column is not None else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.message}{where}{hint}"


class ParseError(FormulaError):
    """The LaTeX is outside the notation the verifier reads."""


class ScopeError(FormulaError):
    """A symbol, function or domain that the page has not declared."""
