# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""Inline relations and theorem statements are claims (issue #11): batteries of true and false
ones, written in a MyST page and checked as ``python -m mathcheck`` checks it.

"True" is independent of the verifier: textbook facts of the Bernoulli distribution (mean p,
eligibility (y − p)/(p(1 − p)), Fisher information 1/(p(1 − p))); each false one is a single
slip applied to a true one. No false alarm, no miss.
"""

from __future__ import annotations

import textwrap

import pytest

from mathcheck import Page
from mathcheck.__main__ import main
from mathcheck.exemptions import AllowList
from mathcheck.myst import extract

REASON = "notation: an update rule defines an algorithm, it is not an identity"
HEAD = textwrap.dedent(
    r"""
    # A page

    ```{math-def} eq-pmf
    :symbols: y \in \{0, 1\}; p \in (0, 1); b \in \mathbb{R}
    :torch: torch.distributions.Bernoulli(probs=p).log_prob(y)
    g(y; p) = p^{y} (1 - p)^{1 - y}
    ```

    ```{math-def} eq-e
    e = \frac{\partial \ln g(y; p)}{\partial p}
    ```

    """
)
E = r"\frac{\partial \ln g(y; p)}{\partial p}"

TRUE_INLINE = [
    r"\mathbb{E}_{y}[y] = p",
    r"\mathbb{E}_{y}[e] = 0",
    r"b \, \mathbb{E}_{y}[e] = 0",
    rf"{E} = \frac{{y - p}}{{p (1 - p)}}",
    r"e = \frac{y}{p} - \frac{1 - y}{1 - p}",
    r"\mathbb{E}_{y}[e^{2}] = \frac{1}{p (1 - p)}",
    r"\mathbb{E}_{y}[e^{2}] \ge 4",
    r"\mathbb{E}_{y}[e^{2}] > 0",
    r"\mathbb{E}_{y}[(y - b) e] = \mathbb{E}_{y}[y e]",
    r"\mathbb{E}_{y}[y] \le 1",
    r"\mathbb{E}_{y}[y] \neq 1",
    r"g(y; p) \propto p^{y} (1 - p)^{1 - y}",
]
WRONG_INLINE = [
    ("sign", r"\mathbb{E}_{y}[y] = -p"),
    ("constant", r"\mathbb{E}_{y}[e] = 1"),
    ("sign", rf"{E} = \frac{{p - y}}{{p (1 - p)}}"),
    ("constant", r"\mathbb{E}_{y}[e^{2}] = \frac{2}{p (1 - p)}"),
    ("missing factor", r"\mathbb{E}_{y}[e^{2}] = \frac{1}{p}"),
    ("baseline kept", r"\mathbb{E}_{y}[(y - b) e] = \mathbb{E}_{y}[y e] - b"),
    ("bound", r"\mathbb{E}_{y}[e^{2}] < 4"),
    ("direction", r"\mathbb{E}_{y}[y] \ge 1"),
    ("proportional", r"g(y; p) \propto p^{y}"),
    ("approximation", r"\mathbb{E}_{y}[y] \approx p"),  # its accuracy unstated: refused
]


def problems(tmp_path, body: str) -> list[str]:
    """Every problem the command line reports on a page of HEAD followed by ``body``."""
    (tmp_path / "mathcheck-exemptions.txt").write_text(REASON + "\n")
    page = tmp_path / "page.md"
    page.write_text(HEAD + textwrap.dedent(body))
    formulas, _ = extract(page.read_text(), "page.md")
    checker = Page("page.md", exemptions=AllowList.find(page))
    return [m for f in formulas for r in checker.check(f) for m in r.messages()]


def results(tmp_path, body: str) -> list:
    """The results of the text's formulas (inline relations, statements, displays in ``body``)."""
    (tmp_path / "mathcheck-exemptions.txt").write_text(REASON + "\n")
    text = HEAD + textwrap.dedent(body)
    formulas, _ = extract(text, "page.md")
    checker = Page("page.md", exemptions=AllowList.find(tmp_path / "page.md"))
    return [r for f in formulas for r in checker.check(f) if r.label not in ("eq-pmf", "eq-e")]


@pytest.mark.parametrize("latex", TRUE_INLINE)
def test_a_true_inline_relation_is_verified(tmp_path, latex):
    [r] = results(tmp_path, f"The text says ${latex}$ here.\n")
    assert r.kind == "inline" and r.status == "verified", r.problems


@pytest.mark.parametrize(("slip", "latex"), WRONG_INLINE)
def test_a_false_inline_relation_fails_with_file_line_and_formula(tmp_path, slip, latex):
    found = problems(tmp_path, f"Some text,\nand then ${latex}$ here.\n")
    line = len(HEAD.splitlines()) + 2
    assert found
    assert all(m.startswith(f"page.md:{line}: inline-page-{line} (${latex}$): ") for m in found)


def test_kill_rate_of_inline_slips_is_total(tmp_path):
    body = "".join(f"Line ${latex}$.\n\n" for _, latex in WRONG_INLINE)
    failing = {m.split(": ")[1] for m in problems(tmp_path, body)}
    assert len(failing) == len(WRONG_INLINE)


def test_math_that_states_no_relation_is_no_claim(tmp_path):
    body = r"The weights $\sum_{i=1}^{2} p$, the mean $\mathbb{E}[y \mid y \neq 0]$, $p^{y}$." "\n"
    assert results(tmp_path, body) == []


def test_an_inline_relation_sees_the_scope_at_its_place(tmp_path):
    """Above the definition of e it cannot use e; below, it can: whatever order a caller hands
    the formulas in (the build meets inline math after the page's displays)."""
    text = HEAD.replace("```{math-def} eq-e", "Early: $e = 0$.\n\n```{math-def} eq-e")
    formulas, _ = extract(text + "Late: $\\mathbb{E}_{y}[e] = 0$.\n", "page.md")
    displays = [f for f in formulas if f.kind != "inline"]
    inline = [f for f in formulas if f.kind == "inline"]
    page = Page("page.md")
    for f in displays:  # as the build: every display first
        page.check(f)
    early, late = (page.check(f)[0] for f in inline)
    assert not early.ok and "uses none of the page's definitions" in early.problems[0]
    assert late.ok


def test_an_unreadable_inline_relation_names_the_ways_out(tmp_path):
    [message] = problems(tmp_path, r"Write $\partial \ln g / \partial p = 0$." "\n")
    assert "{notation}`...`" in message and "\\frac{\\partial f}{\\partial x}" in message


def test_notation_is_marked_and_shown_as_such(tmp_path):
    [r] = results(tmp_path, r"The counts {notation}`x = (x_1, \dots, x_K)`." "\n")
    assert r.ok and r.status == "notation"


def test_notation_that_states_no_relation_is_refused(tmp_path):
    [message] = problems(tmp_path, r"The counts {notation}`x_1`." "\n")
    assert "marked as notation, but it states no relation" in message


def test_an_identity_is_marked_with_algebra(tmp_path):
    [r] = results(tmp_path, r"Here {algebra}`|1 - p| < 1`." "\n")
    assert r.ok and r.status == "identity"
    [message] = problems(tmp_path, r"Here {algebra}`|1 - p| < p`." "\n")
    assert "lhs < rhs fails" in message


THEOREM = """
````{{prf:theorem}} A theorem
:label: thm-x

{body}
````
"""
TRUE_STATEMENTS = [
    r"The eligibility has mean zero, $\mathbb{E}_{y}[e] = 0$.",
    r"Its second moment is the Fisher information, $\mathbb{E}_{y}[e^{2}] = \frac{1}{p (1 - p)}$.",
    "The mean is p:\n\n```{math-claim} eq-mean\n\\mathbb{E}_{y}\\left[ y \\right] = p\n```",
]
WRONG_STATEMENTS = [
    r"The eligibility has mean zero, $\mathbb{E}_{y}[e] = p$.",
    r"Its second moment is the Fisher information, $\mathbb{E}_{y}[e^{2}] = \frac{1}{p}$.",
    "The mean is p:\n\n```{math-claim} eq-mean\n\\mathbb{E}_{y}\\left[ y \\right] = 1 - p\n```",
    "The eligibility has mean zero.",  # prose only: nothing checked
    r"The eligibility {notation}`e = \partial \ln g` has mean zero.",  # only notation
]


@pytest.mark.parametrize("body", TRUE_STATEMENTS)
def test_a_true_theorem_statement_is_verified(tmp_path, body):
    found = results(tmp_path, THEOREM.format(body=body))
    [statement] = [r for r in found if r.kind == "statement"]
    assert statement.ok and statement.status == "verified", statement.problems
    assert statement.label == "thm-x" and statement.uses


@pytest.mark.parametrize("body", WRONG_STATEMENTS)
def test_a_false_or_unchecked_theorem_statement_fails(tmp_path, body):
    found = results(tmp_path, THEOREM.format(body=body))
    [statement] = [r for r in found if r.kind == "statement"]
    assert not statement.ok
    assert statement.problems[0].startswith("its statement")


def test_a_theorem_exempted_with_a_reviewed_reason_shows_it(tmp_path):
    body = f"The update rule is an algorithm.{{math-exempt}}`{REASON}`"
    [statement] = results(tmp_path, THEOREM.format(body=body))
    assert statement.ok and statement.status == "exempt" and statement.reason == REASON
    [bad] = results(tmp_path, THEOREM.format(body="Words.{math-exempt}`because`"))
    assert not bad.ok and "not one of the reviewed exemption reasons" in bad.problems[0]


def test_an_exemption_covers_the_inline_relations_of_its_block_only(tmp_path):
    body = THEOREM.format(body=f"A general $\\partial A = T$.{{math-exempt}}`{REASON}`")
    body += "\nOutside: $\\partial A = T$.\n"
    found = results(tmp_path, body)
    inside, statement, outside = found
    assert inside.status == "exempt" and statement.status == "exempt"
    assert not outside.ok


def test_an_exempt_theorem_that_holds_a_verified_display_is_refused(tmp_path):
    body = f"{{math-exempt}}`{REASON}`\n\n```{{math-claim}} eq-mean\n\\mathbb{{E}}_{{y}}\\left[ y \\right] = p\n```"
    *_, statement = results(tmp_path, THEOREM.format(body=body))
    assert not statement.ok
    assert "remove the exemption" in statement.problems[0]


def test_the_command_line_fails_a_page_with_a_wrong_inline_relation(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(HEAD + "So $\\mathbb{E}_{y}[y] = 1 - p$.\n")
    assert main([str(page)]) == 1
    out = capsys.readouterr().out
    assert "inline-page-" in out and "($\\mathbb{E}_{y}[y] = 1 - p$): lhs − rhs ≠ 0" in out
