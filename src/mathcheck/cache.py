"""Remember verified formulas so a rebuild re-checks only what changed.

A result is keyed by everything its evidence used: the formula's text and options, everything
the page declared and defined before it, the verifier's own source, the versions of the
libraries it computes with (sympy, numpy, mpmath, torch), and the source (or installed version)
of every package a binding on the page names, its own or a definition's it is checked against.
A cold build (no cache file) re-checks everything; failures are never cached.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import re
from collections.abc import Iterable
from pathlib import Path

from .records import Formula, Result

_VERIFIER = Path(__file__).resolve().parent
LIBRARIES = ("sympy", "numpy", "mpmath", "torch")
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?=\s*\.)")


@functools.cache
def folder_digest(folder: Path, exclude: tuple[str, ...] = ()) -> str:
    """sha256 of every ``.py`` file under ``folder`` (once per process)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if not any(part in exclude for part in path.relative_to(folder).parts):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def verifier_digest() -> str:
    """The verifier's own source: a change may change any verdict (the Sphinx adapter's not)."""
    return folder_digest(_VERIFIER, exclude=("sphinx",))


@functools.cache
def library_versions() -> str:
    """``sympy==1.14.0 numpy==… mpmath==… torch==…``: what the checks compute with."""
    return " ".join(f"{name}=={_version(name)}" for name in LIBRARIES)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def binding_roots(expression: str) -> set[str]:
    """Top-level names a binding reaches through attributes: ``torch``, ``eligibility``.

    >>> sorted(binding_roots("eligibility.bernoulli.eligibility(y, probs=p) + torch.log(p)"))
    ['eligibility', 'torch']
    """
    return set(_DOTTED.findall(expression))


@functools.cache
def package_digest(root: str) -> str:
    """What a binding to ``root`` depends on: its source when it is the project's own (a source
    tree or an editable install), else its installed version; '' when it is not importable."""
    try:
        spec = importlib.util.find_spec(root)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "built-in", "frozen"):
        return ""
    origin = Path(spec.origin).resolve()
    if any(part in ("site-packages", "dist-packages") for part in origin.parts):
        distributions = importlib.metadata.packages_distributions().get(root, [root])
        return " ".join(f"{d}=={_version(d)}" for d in distributions)
    if spec.submodule_search_locations:
        return folder_digest(origin.parent)
    return hashlib.sha256(origin.read_bytes()).hexdigest()


def dependencies_digest(roots: Iterable[str]) -> str:
    """The verifier, the libraries and the bound packages ``roots``: one digest."""
    parts = [verifier_digest(), library_versions()]
    parts += [f"{root}:{package_digest(root)}" for root in sorted(set(roots))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class Cache:
    """A JSON file of verified results keyed by content (``path=None``: in memory only).

    Besides results remembered from earlier runs, a cache can *adopt* results that another
    process checked during this run (see :mod:`mathcheck.sphinx.prefetch`): those are handed
    out as fresh, not cached, since they were verified now.

    >>> cache = Cache(None)
    >>> cache.adopt({"k": [{"label": "eq-x"}]})
    >>> cache.new_entries(), sorted(cache._data)
    ({}, ['k'])
    """

    def __init__(self, path: Path | str | None, *, data: dict[str, list[dict]] | None = None):
        self.path = Path(path) if path is not None else None
        self._data = dict(data) if data is not None else self.read(self.path)
        self._fresh: set[str] = set()
        self._new: set[str] = set()  # keys this process checked and put
        self.hits = 0  # formulas remembered from an earlier run
        self.adopted = 0  # formulas another process checked in this run
        self.misses = 0  # formulas this process had to check

    @staticmethod
    def read(path: Path | str | None) -> dict[str, list[dict]]:
        """The entries of a cache file (none for a missing or damaged file: a cold cache)."""
        if path is None or not Path(path).exists():
            return {}
        try:
            return json.loads(Path(path).read_text())
        except (OSError, ValueError):
            return {}

    def key(self, formula: Formula, scope) -> str:
        """Everything ``formula``'s verdict depends on, in ``scope`` (a :class:`Scope`)."""
        roots = binding_roots(formula.torch) | binding_roots(formula.package)
        for expression in scope.bindings():
            roots |= binding_roots(expression)
        parts = [
            dependencies_digest(roots),
            json.dumps(dataclasses.asdict(formula), sort_keys=True),  # every option, as written
            scope.fingerprint(),
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
