"""The evidence checks: each module decides one kind of evidence and returns ``Evidence``.

A formula reaches them already read (:mod:`mathcheck.reading`) and instantiated
(:mod:`mathcheck.evaluation`); they never parse, and they never change the page's scope.

========================  ==============================================================
``numeric``               two expressions agree at every sample point (float64, mpmath)
``symbolic``              sympy reduces their difference to 0 in every instance
``binding``               a formula equals the Python expression bound with ``:torch:`` or
                          ``:package:``
``autograd``              ∂ ln g/∂v equals torch autograd of the definition's ``:torch:``
``normalisation``         a density sums or integrates to one over its support
``expectations``          how each expectation over an infinite support was decided
========================  ==============================================================
"""
