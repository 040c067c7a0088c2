"""Verify pages in worker processes while Sphinx reads and executes them.

Sphinx reads one document at a time, and a notebook page first waits seconds for its kernel to
start, import torch and run the cells. The verifier's sympy work needs none of that, so worker
processes (one per core) check the pages' formulas meanwhile, with the same core and in the
same reading order as the directives would (:func:`mathcheck.myst.extract` finds
the same formulas). Their verdicts come back keyed like the result cache; when the directives
of a page run, each formula is found already checked *in this build* and is not marked cached.

Nothing is trusted that was not proven: only results that passed come back (failures are never
cached), so a wrong or unreadable formula is checked again in the build process and reported
there with its location. A worker that fails for any reason only costs the time it took.
"""

from __future__ import annotations

import concurrent.futures
import functools
import multiprocessing
import os
from pathlib import Path

from sphinx.util import logging

from .. import Cache, Page
from ..exemptions import AllowList
from ..myst import EXTENSIONS, extract

logger = logging.getLogger(__name__)

MARKER = "{math-"  # a page without a formula directive has nothing to prefetch


def verify_page(
    path: str,
    source: str,
    cache_path: str | None,
    shard: int = 0,
    shards: int = 1,
    extensions: tuple[str, ...] = EXTENSIONS,
) -> dict[str, list[dict]]:
    """Check the formulas of one MyST page; the results that passed, by cache key.

    Runs in a worker process. ``cache_path`` is the build's result cache, read (never written)
    so that formulas an earlier build verified are not checked again. With ``shards`` > 1 this
    worker checks every ``shards``-th formula from ``shard`` on and only takes in the others'
    declarations and definitions, so the workers share one long page between them.
    """
    cache = Cache(None, data=_remembered(cache_path))
    formulas, _ = extract(Path(path).read_text(encoding="utf-8"), source, extensions)
    page = Page(source, cache=cache, exemptions=AllowList.find(path))
    for n, formula in enumerate(formulas):
        if n % shards == shard:
            page.check(formula)
        else:
            page.enter(formula)
    return cache.new_entries()


@functools.cache
def _remembered(cache_path: str | None) -> dict[str, list[dict]]:
    """The build's result cache, read once per worker process (only the build writes it)."""
    return Cache.read(cache_path)


class Prefetch:
    """The worker pool of one build, and the pages submitted to it."""

    def __init__(self, workers: int, extensions: tuple[str, ...] = EXTENSIONS):
        # spawn, not fork: the build process holds threads (notebook kernels' clients)
        context = multiprocessing.get_context("spawn")
        self.pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
        self.shards = workers
        self.extensions = extensions
        self.futures: dict[str, list[concurrent.futures.Future]] = {}

    def submit(self, docname: str, path: str, source: str, cache_path: str | None) -> None:
        """Queue one page, split into one shard per worker (pages are read one at a time)."""
        self.futures[docname] = [
            self.pool.submit(
                verify_page, path, source, cache_path, shard, self.shards, self.extensions
            )
            for shard in range(self.shards)
        ]

    def collect(self, docname: str, cache: Cache) -> None:
        """Wait for ``docname``'s verdicts and hand them to the build's cache."""
        for future in self.futures.pop(docname, []):
            try:
                cache.adopt(future.result())
            except Exception as exc:  # the build process checks those formulas itself
                logger.info(f"mathcheck: a worker for {docname} failed ({exc!r})")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def start(app, docnames, source_of) -> Prefetch | None:
    """Submit every page of ``docnames`` that has formula directives, in reading order."""
    workers = app.config.mathcheck_workers
    if workers == 0:
        return None
    pending = []
    for docname in sorted(docnames):
        path = app.env.doc2path(docname)
        if MARKER in Path(path).read_text(encoding="utf-8"):
            pending.append((docname, str(path)))
    if not pending:
        return None
    extensions = tuple(sorted(getattr(app.config, "myst_enable_extensions", EXTENSIONS) or ()))
    prefetch = Prefetch(workers if workers > 0 else (os.cpu_count() or 1), extensions)
    cache_path = str(app.mathcheck_cache.path) if app.mathcheck_cache.path else None
    for docname, path in pending:
        prefetch.submit(docname, path, source_of(docname), cache_path)
    return prefetch
