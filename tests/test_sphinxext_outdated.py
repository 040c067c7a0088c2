"""Which pages an incremental build re-reads: a changed verifier or package re-verifies every
page with formulas; a changed page re-reads the ledger and formula tables that summarise it."""

from __future__ import annotations

from types import SimpleNamespace

from eligibility import sphinxext
from eligibility.mathcheck import sources_digest


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
        mathcheck_sources=digest,
    )


def test_nothing_changed_reads_nothing(tmp_path):
    env = env_with(tmp_path, sources_digest())
    assert sphinxext._outdated(None, env, set(), set(), set()) == []


def test_a_changed_page_rereads_the_summaries(tmp_path):
    env = env_with(tmp_path, sources_digest())
    assert sphinxext._outdated(None, env, set(), {"prose"}, set()) == ["cheatsheet", "ledger"]


def test_a_changed_verifier_rereads_every_page_with_formulas(tmp_path):
    env = env_with(tmp_path, "the digest of an older verifier")
    assert sphinxext._outdated(None, env, set(), set(), set()) == [
        "bernoulli",
        "cheatsheet",
        "ledger",
    ]
    assert env.mathcheck_sources == sources_digest()
