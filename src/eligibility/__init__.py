"""Characteristic eligibility: closed-form score functions, checked against torch.

The modules mirror :mod:`torch.distributions`; see each module's docstring.
Importing :mod:`eligibility` imports torch only (never sympy or sphinx).
"""

__version__ = "0.1.0"
