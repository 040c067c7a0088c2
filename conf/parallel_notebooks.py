"""Execute the book's notebooks in parallel, ahead of Sphinx reading them.

myst-nb's ``cache`` mode executes a notebook when Sphinx reads its page, one page at a time, so
a cold build waits for every kernel start, ``import torch`` and page of cells in turn. This
extension starts them all at once instead: before Sphinx reads, it gives each page that
myst-nb would execute (a notebook whose code is not in the jupyter-cache yet) to a pool of
worker processes, which execute it exactly as myst-nb does (jupyter-cache's
``single_nb_execution`` in the page's folder, with the book's timeout) and store the executed
notebook in the same jupyter-cache. When Sphinx comes to read a page, it first waits for that
page's notebook; myst-nb then finds it in the cache, as on a warm build.

Nothing else changes: the notebook is read by myst-nb's own reader with the book's
configuration, so the cache matches it by the same hash of its code. A notebook that fails
is not cached: myst-nb executes it again when it reads the page and fails the build there
with its traceback, as without this extension. A worker that fails costs only its time.

Options: ``parallel_notebooks_workers`` (processes; -1, the default, one per core; 0 turns
the extension off).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import re
import tempfile
from contextlib import suppress
from pathlib import Path, PurePosixPath

from sphinx.util import logging

logger = logging.getLogger(__name__)


def execute(notebook, path: str, cache_path: str, timeout: int, in_temp: bool) -> float | None:
    """Execute ``notebook`` (read from ``path``) and store it in the cache; its seconds.

    Runs in a worker process, as myst-nb's ``NotebookClientCache`` would in the build: None
    when the notebook failed (then nothing is stored, and the build executes it itself).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    cache = get_cache(cache_path)
    stage = cache.add_nb_to_project(path, read_data={"type": "plugin", "name": "myst_nb_md"})
    with tempfile.TemporaryDirectory() as temporary:
        cwd = temporary if in_temp else str(Path(path).parent)
        result = single_nb_execution(
            notebook,
            cwd=os.path.abspath(cwd),
            allow_errors=False,
            timeout=timeout,
            meta_override=True,
        )
    if result.err is not None:
        return None
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, stage.uri, data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )
    return result.time


class Executions:
    """The worker pool of one build and the notebooks it executes, by docname."""

    def __init__(self, workers: int):
        # spawn, not fork: the build process holds threads (the verifier's worker pool)
        context = multiprocessing.get_context("spawn")
        self.pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
        self.futures: dict[str, concurrent.futures.Future] = {}

    def wait(self, docname: str) -> None:
        future = self.futures.pop(docname, None)
        if future is None:
            return
        try:
            seconds = future.result()
        except Exception as exc:  # myst-nb executes the page itself
            logger.info(f"parallel_notebooks: the worker for {docname} failed ({exc!r})")
            return
        if seconds is None:
            logger.info(f"parallel_notebooks: {docname} failed in a worker; executing it again")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _notebook(env, docname: str):
    """The notebook myst-nb will execute for ``docname``, or None (not a notebook, excluded)."""
    from myst_nb.core.read import create_nb_reader

    path = env.doc2path(docname)
    text = Path(path).read_text(encoding="utf-8")
    config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, config, text)
    if reader is None or reader.read_fmt != {"type": "plugin", "name": "myst_nb_md"}:
        return None  # only MyST text notebooks are staged the way execute() stages them
    posix = PurePosixPath(Path(path).as_posix())
    if any(posix.match(pattern) for pattern in config.execution_excludepatterns):
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):  # as myst-nb's parser does
            notebook.metadata["kernelspec"]["name"] = alias
            break
    return notebook


def _before_read(app, env, docnames) -> None:
    config = env.mystnb_config
    workers = app.config.parallel_notebooks_workers
    if config.execution_mode != "cache" or workers == 0:
        return
    from jupyter_cache import get_cache

    cache_path = config.execution_cache_path or ".jupyter_cache"
    cache = get_cache(cache_path)
    pending = []
    for docname in sorted(docnames):  # Sphinx reads them in this order
        notebook = _notebook(env, docname)
        if notebook is None:
            continue
        with suppress(KeyError):
            cache.match_cache_notebook(notebook)
            continue  # cached: myst-nb takes it from there
        pending.append((docname, notebook))
    if len(pending) < 2:  # one notebook (an edited page): a worker would only add its start
        return
    executions = Executions(workers if workers > 0 else (os.cpu_count() or 1))
    for docname, notebook in pending:
        path = str(env.doc2path(docname))
        executions.futures[docname] = executions.pool.submit(
            execute, notebook, path, cache_path, config.execution_timeout, config.execution_in_temp
        )
    app.parallel_notebooks = executions
    logger.info(f"parallel_notebooks: executing {len(pending)} notebook(s) in workers")


def _source_read(app, docname, source) -> None:
    executions = getattr(app, "parallel_notebooks", None)
    if executions is not None:
        executions.wait(docname)


def _build_finished(app, exception) -> None:
    executions = getattr(app, "parallel_notebooks", None)
    if executions is not None:
        executions.close()


def setup(app):
    app.add_config_value("parallel_notebooks_workers", -1, "", types=[int])
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _source_read, priority=100)  # before myst-nb parses the page
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
