"""Remember verified formulas so a rebuild re-checks only what changed.

The key covers the formula's text and options, everything the page declared before it, the
verifier's own source and, for formulas bound to code, the package's source. A cold build (no
cache file) re-checks everything; failures are never cached.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .records import Formula, Result

_PACKAGE = Path(__file__).resolve().parent.parent


def _digest_sources(folder: Path, exclude: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if not any(part in exclude for part in path.parts):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def sources_digest() -> str:
    """One digest of the verifier's and the package's source: what every verdict depends on."""
    return _digest_sources(_PACKAGE, exclude=("sphinxext",))


class Cache:
    """A JSON file of verified results keyed by content (``path=None``: in memory only).

    Besides results remembered from earlier runs, a cache can *adopt* results that another
    process checked during this run (see :mod:`eligibility.sphinxext.prefetch`): those are
    handed out as fresh, not cached, since they were verified now.

    >>> cache = Cache(None)
    >>> cache.adopt({"k": [{"label": "eq-x"}]})
    >>> cache.new_entries(), sorted(cache._data)
    ({}, ['k'])
    """

    def __init__(self, path: Path | str | None):
        self.path = Path(path) if path is not None else None
        self._data: dict[str, list[dict]] = {}
        self._fresh: set[str] = set()
        self._new: set[str] = set()  # keys this process checked and put
        if self.path is not None and self.path.exists():
            try:
                self._data = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self._data = {}  # a damaged cache is only a cold cache
        self.hits = 0  # formulas remembered from an earlier run
        self.adopted = 0  # formulas another process checked in this run
        self.misses = 0  # formulas this process had to check
        self._verifier = _digest_sources(Path(__file__).resolve().parent)
        self._package = _digest_sources(_PACKAGE, exclude=("mathcheck", "sphinxext"))

    def key(self, formula: Formula, scope_fingerprint: str) -> str:
        bound = bool(formula.torch or formula.package)
        parts = [
            self._verifier,
            self._package if bound else "",
            formula.kind,
            formula.label,
            formula.latex,
            formula.symbols,
            formula.torch,
            formula.package,
            formula.source,
            str(formula.line),
            scope_fingerprint,
        ]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def get(self, key: str) -> list[Result] | None:
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
            return None
        results = [Result.from_dict(dict(r)) for r in entry]
        if key in self._fresh:
            self._fresh.discard(key)  # handed out once, as checked in this run
            self.adopted += 1
            return results
        self.hits += 1
        for result in results:
            result.cached = True
        return results

    def new_entries(self) -> dict[str, list[dict]]:
        """The results this process checked itself (what a worker process hands back)."""
        return {key: self._data[key] for key in self._new}

    def adopt(self, entries: dict[str, list[dict]]) -> None:
        """Take results verified in this run by another process; they are not 'cached'."""
        self._data.update(entries)
        self._fresh.update(entries)

    def put(self, key: str, results: list[Result]) -> None:
        self._data[key] = [r.to_dict() for r in results]
        self._new.add(key)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self._data, sort_keys=True))
