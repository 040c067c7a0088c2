"""mathcheck: proves the LaTeX of a MyST book's formulas when the book is built.

``Page`` checks a page's formulas in reading order; ``python -m mathcheck PATH…`` runs it on
MyST files without building the site; ``extensions = ["mathcheck.sphinx"]`` runs it inside a
Sphinx build. It reads LaTeX into sympy and never imports the code it checks formulas against:
bindings are Python expressions written on the page (``:torch:``, ``:package:``).
"""

from .cache import Cache, dependencies_digest
from .errors import FormulaError, ParseError, ScopeError
from .page import Page
from .records import Evidence, Formula, Result

__version__ = "0.1.0"

__all__ = [
    "Cache",
    "Evidence",
    "Formula",
    "FormulaError",
    "Page",
    "ParseError",
    "Result",
    "ScopeError",
    "dependencies_digest",
]
