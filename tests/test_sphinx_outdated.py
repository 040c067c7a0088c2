"""Which pages an incremental build re-reads: a page whose verdicts used something that changed
since (the verifier, a library, a package its bindings name) is re-verified; a changed page
re-reads the ledger and formula tables that summarise it."""

from __future__ import annotations

from types import SimpleNamespace

import mathcheck.sphinx as adapter
from mathcheck import cache, dependencies_digest


def env_with(tmp_path, digest):
    pages = {
        "bernoulli": "```{math-claim} eq-x\np = p\n```\n",
        "prose": "# No formulas\n",
        "ledger": "```{formula-ledger}\n```\n",
        "cheatsheet": "```{formula-table}\n:header: a\neq-x\n```\n",
    }
    for name, text in pages.items():
        (tmp_path / f"{name}.md").write_text(text)
    return SimpleNamespace(
        found_docs=set(pages),
        doc2path=lambda d: tmp_path / f"{d}.md",
        mathcheck_results={"bernoulli": [{"label": "eq-x"}], "prose": [], "ledger": []},
        mathcheck_digests={"bernoulli": ({"torch"}, digest)},
    )


def test_nothing_changed_reads_nothing(tmp_path):
    env = env_with(tmp_path, dependencies_digest({"torch"}))
    assert adapter._outdated(None, env, set(), set(), set()) == []


def test_a_changed_page_rereads_the_summaries(tmp_path):
    env = env_with(tmp_path, dependencies_digest({"torch"}))
    assert adapter._outdated(None, env, set(), {"prose"}, set()) == ["cheatsheet", "ledger"]


def test_a_changed_dependency_rereads_the_pages_that_used_it(tmp_path):
    env = env_with(tmp_path, "the digest of an older verifier or package")
    assert adapter._outdated(None, env, set(), set(), set()) == [
        "bernoulli",
        "cheatsheet",
        "ledger",
    ]


def test_the_digest_follows_the_source_of_a_bound_package(tmp_path, monkeypatch):
    package = tmp_path / "bookpkg"
    package.mkdir()
    (package / "__init__.py").write_text("def f(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def fresh() -> str:
        cache.package_digest.cache_clear()
        cache.folder_digest.cache_clear()
        return dependencies_digest({"bookpkg"})

    before = fresh()
    assert before == fresh() != dependencies_digest(set())
    (package / "__init__.py").write_text("def f(x):\n    return -x\n")
    assert fresh() != before
    # an installed library is keyed by its version, not by hashing its files
    assert cache.package_digest("torch").startswith("torch==")
