"""The reviewed reasons for which a formula may be exempt from checking.

Any false formula could be shown unchecked behind any sentence, so an exemption's ``:reason:``
must be one of the reasons listed, word for word, in the book's ``mathcheck-exemptions.txt``
(the nearest one in the page's folder or above it; one reason a line, ``#`` starts a comment).
Adding a reason changes that file, which a reviewer sees; the ledger shows the list and how
often each reason is used.

>>> allowed = AllowList(None, ("notation: an update rule",))
>>> allowed.problems("notation: an  update rule"), allowed.problems("")
([], ['an exemption needs a :reason:'])
>>> AllowList(None, ()).problems("it is obvious")[0]
"the reason 'it is obvious' is not one of the reviewed exemption reasons ..."
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FILENAME = "mathcheck-exemptions.txt"


@dataclass(frozen=True)
class AllowList:
    """The reasons listed in ``path`` (None: no list was found, so no reason is allowed)."""

    path: Path | None
    reasons: tuple[str, ...]

    @classmethod
    def find(cls, start: Path | str, filename: str = FILENAME) -> AllowList:
        """The list ``filename`` nearest to ``start`` (a page or a folder), searching up to
        the root (the book keeps other reviewed lists the same way, such as the reasons for
        which a number in the text comes from no cell)."""
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            candidate = folder / filename
            if candidate.is_file():
                return cls.read(candidate)
        return cls(None, ())

    @classmethod
    def read(cls, path: Path | str) -> AllowList:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        reasons = tuple(_normal(line) for line in lines if line.strip() and not _comment(line))
        return cls(Path(path), reasons)

    def allows(self, reason: str) -> bool:
        """Whether ``reason`` is listed (whitespace aside)."""
        return bool(reason.strip()) and _normal(reason) in self.reasons

    def problems(self, reason: str) -> list[str]:
        """Why ``reason`` may not exempt a formula (none when it is a reviewed reason)."""
        if not reason.strip():
            return ["an exemption needs a :reason:"]
        if _normal(reason) in self.reasons:
            return []
        where = (
            f"listed in {self.path}"
            if self.path
            else f"listed in a {FILENAME} (none was found in the page's folder or above it)"
        )
        return [
            f"the reason {reason!r} is not one of the reviewed exemption reasons {where} (hint: "
            "verify the formula with math-claim or math-def instead; if it truly states "
            f"notation, add the reason to {FILENAME}, where a reviewer sees it)"
        ]


def _normal(text: str) -> str:
    return " ".join(text.split())


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")
