"""The book's build as the tests run it: the docs session's ``sphinx-build`` (``-W``, the book's
``conf/``), quiet, with a notebook cache of its own so that every build is cold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sphinx_build(
    source: Path, out: Path, jupyter_cache: Path, *, cwd: Path, env=None
) -> subprocess.CompletedProcess:
    """Build ``source`` into ``out`` (html) and return the finished process."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-c",
            str(ROOT / "conf"),
            "-b",
            "html",
            "-D",
            f"nb_execution_cache_path={jupyter_cache}",
            str(source),
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=1800,
    )
