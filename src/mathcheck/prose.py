r"""Numbers quoted in prose: a decimal number in the text must come from a cell.

A number the text quotes is either *glued* (a cell computed it and myst-nb pasted it in, so the
text and the output cannot drift), an *input* (the page's code cells write it, as the question
writes ``probs=[0.69, 0.1, 0.2, 0.01]``), or *escaped* with a reviewed reason (an equation
number, a constant such as 3.14…). This module knows what a decimal number is and which numbers
a page's code cells write; :mod:`mathcheck.sphinx.prose` walks the text of a built page.

Only decimal numbers count (digits, a point, digits): integers are mostly counts, sizes and
indices. A dotted string with two points or more (a version 2.13.0, a section 1.2.3) is not a
decimal number.

>>> quoted_numbers("g = 0.69, so 1 − 0.69 = 0.31; torch 2.13.0 in 2024.")
['0.69', '0.69', '0.31']
>>> inputs = code_inputs("probs = torch.tensor([0.69, 0.1, 0.2, 0.01])\nx = -0.5")
>>> is_input("0.690", inputs), is_input("−0.5", inputs), is_input("0.31", inputs)
(True, True, False)
"""

from __future__ import annotations

import io
import re
import tokenize
from decimal import Decimal, InvalidOperation

from .myst import parser, prose

# Digits, a point, digits; not part of a longer dotted string or a word. A sentence may end
# right after the number (``… is 0.9.``), so a point is refused only before a digit.
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?!\w|\.\d)")


def quoted_numbers(text: str) -> list[str]:
    """The decimal numbers in ``text``, in order, as written (without a sign)."""
    return DECIMAL.findall(text)


def value(number: str) -> Decimal:
    """The magnitude of a number as written: ``'−0.50'`` → ``Decimal('0.5')``.

    A sign is dropped: prose writes ``1 − 0.69`` where the code writes ``0.69``.
    """
    return abs(Decimal(number.replace("−", "-"))).normalize()


def code_inputs(source: str) -> set[Decimal]:
    """The magnitudes of the numeric literals in Python ``source`` (code that does not
    tokenise, such as a cell with IPython magics, is read up to where it stops)."""
    found: set[Decimal] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NUMBER:
                try:
                    found.add(value(token.string.replace("_", "").rstrip("jJ")))
                except InvalidOperation:  # hexadecimal, octal, binary: never a quoted decimal
                    continue
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def page_inputs(markdown: str) -> set[Decimal]:
    r"""The numbers written in the ``{code-cell}`` blocks of a MyST notebook's text.

    >>> page = "Text 0.31.\n\n```{code-cell} python3\np = 0.69\n```\n"
    >>> sorted(page_inputs(page))
    [Decimal('0.69')]
    """
    found: set[Decimal] = set()
    for token in parser().parse(markdown):
        if token.type == "fence" and token.info.strip().startswith("{code-cell}"):
            found |= code_inputs(_without_options(token.content))
    return found


def is_input(number: str, inputs: set[Decimal]) -> bool:
    """Whether ``number`` (as the prose writes it) is one of a page's code ``inputs``."""
    return value(number) in inputs


def _without_options(body: str) -> str:
    """A code cell's source without its ``:tags:`` lines or YAML ``---`` block."""
    lines = body.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        return "\n".join(lines[end + 1 :])
    while lines and re.match(r"^:\w[\w-]*:", lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def unsourced(markdown: str) -> list[tuple[int, str]]:
    r"""The decimal numbers in a MyST page's prose that none of its code cells writes, with
    their lines: what the build reports (it also knows the glued values, which are roles
    here and so never text).

    >>> page = "p = 0.69 gives 0.31.\n\n```{code-cell} python3\np = 0.69\n```\n"
    >>> unsourced(page)
    [(1, '0.31')]
    """
    inputs = page_inputs(markdown)
    return [
        (line, number)
        for line, text in prose(markdown)
        for number in quoted_numbers(text)
        if not is_input(number, inputs)
    ]
