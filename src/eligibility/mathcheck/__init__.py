"""The verifier: reads the book's LaTeX and proves each formula (pure Python, never sphinx).

``Page`` checks a page's formulas in reading order; ``python -m eligibility.mathcheck FILE…``
runs it on MyST files without building the site.
"""

from .cache import Cache, sources_digest
from .errors import FormulaError, ParseError, ScopeError
from .page import Page
from .records import Evidence, Formula, Result

__all__ = [
    "Cache",
    "Evidence",
    "Formula",
    "FormulaError",
    "Page",
    "ParseError",
    "Result",
    "ScopeError",
    "sources_digest",
]
