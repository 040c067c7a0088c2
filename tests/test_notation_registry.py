"""The notation registry and the numbers in prose, without Sphinx: what counts as a decimal
number and as an input, and which declarations clash with the first one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mathcheck.errors import FormulaError
from mathcheck.notation import Entry, Rebind, Registry, Use, read_entries
from mathcheck.prose import code_inputs, page_inputs, quoted_numbers


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("g = 0.69, so 1 − 0.69 = 0.31.", ["0.69", "0.69", "0.31"]),
        ("the probability is 0.9.", ["0.9"]),  # a sentence may end right after it
        ("torch 2.13.0 and section 1.2.3", []),  # versions and section paths are not decimals
        ("10 steps, K = 4, in 2024", []),  # integers are counts, sizes, years
        ("x1.5 and v0.2", []),  # part of a word
        ("(−0.5, 3.25)", ["0.5", "3.25"]),
    ],
)
def test_quoted_numbers(text, numbers):
    assert quoted_numbers(text) == numbers


def test_code_inputs_are_the_literals_of_the_cells_only():
    page = (
        "Prose 0.25 is not an input.\n\n"
        "```{code-cell} python3\n:tags: [hide-input]\nx = [0.69, -0.5, 1e-3]\n```\n\n"
        "```python\ny = 0.77  # a plain code block is not a cell\n```\n"
    )
    assert page_inputs(page) == {Decimal("0.69"), Decimal("0.5"), Decimal("0.001")}
    # code that does not tokenise is read as far as it goes
    assert Decimal("0.1") in code_inputs("a = 0.1\n%timeit f(\n")


ENTRIES = {
    "theta": Entry("theta", r"\theta", "logits"),
    "y": Entry("y", "y", "the outcome", varies="the support of the distribution"),
    "pi": Entry("pi", r"\pi", "torch's weights"),
}


def uses(*specs):
    return [Use(doc, line, latex, f"eq-{doc}-{line}") for doc, line, latex in specs]


def test_sizes_and_bounds_may_change_a_kind_may_not():
    registry = Registry.build(
        ENTRIES,
        uses(
            ("a", 1, r"\theta \in \mathbb{R}"),
            ("b", 1, r"\theta \in (-4, \infty)^{K}"),  # the same kind: real numbers
            ("c", 1, r"\theta \in \{1, \dots, K\}"),  # another kind
        ),
        [],
    )
    assert [(p.docname, p.line) for p in registry.problems] == [("c", 1)]
    assert registry.symbols["theta"].first.docname == "a"
    assert registry.symbols["theta"].pages == ["a", "b", "c"]


def test_a_varying_domain_is_allowed_when_the_registry_says_why():
    registry = Registry.build(
        ENTRIES, uses(("a", 1, r"y \in \{0, 1\}"), ("b", 1, r"y \in \mathbb{R}")), []
    )
    assert registry.problems == []


def test_a_rebinding_allows_another_kind_after_it_on_its_page_only():
    declarations = uses(
        ("a", 1, r"\pi \in (0, \infty)^{K}"),
        ("b", 3, r"\pi \in \{1, 2\}"),  # before the note
        ("b", 9, r"\pi \in \{1, 2\}"),  # after it
        ("b", 12, r"\pi \in \mathbb{R}"),  # after it, but unlike the page's own rebinding
        ("c", 9, r"\pi \in \{1, 2\}"),  # another page
    )
    registry = Registry.build(ENTRIES, declarations, [Rebind("b", 5, r"\pi", "an action")])
    assert [(p.docname, p.line) for p in registry.problems] == [("b", 3), ("b", 12), ("c", 9)]
    assert "this page's rebinding made it whole numbers" in registry.problems[1].message
    assert registry.symbols["pi"].rebinds[0].meaning == "an action"


def test_a_defined_function_clashes_with_a_declared_number():
    declarations = [
        *uses(("a", 1, r"\pi \in (0, \infty)^{K}")),
        Use("b", 4, r"\pi", "eq-b-policy", function=True),
    ]
    problem = Registry.build(ENTRIES, declarations, []).problems[0]
    assert problem.message.startswith(r"\pi is defined as a function here (\pi(\cdot))")


def test_a_symbol_missing_from_the_registry_is_named_with_a_hint():
    registry = Registry.build(ENTRIES, uses(("a", 2, r"\lambda \in (0, \infty)")), [])
    assert registry.problems[0].message.startswith(
        r"\lambda has no meaning in the book's notation.yml (hint: add a line"
    )


def test_the_registry_file_is_validated(tmp_path):
    path = tmp_path / "notation.yml"
    path.write_text("\\theta: logits\ny:\n  meaning: the outcome\n  varies: its support\n")
    entries = read_entries(path)
    assert entries["theta"].meaning == "logits" and entries["y"].varies == "its support"
    path.write_text("\\theta: logits\n\\boldsymbol{\\theta}: logits again\n")
    with pytest.raises(FormulaError, match="listed twice"):
        read_entries(path)
    path.write_text("y:\n  means: the outcome\n")
    with pytest.raises(FormulaError, match="needs a 'meaning'"):
        read_entries(path)


def test_the_command_line_reports_an_unsourced_number_at_its_line(tmp_path, capsys):
    from mathcheck.__main__ import main

    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n```{code-cell} python3\nweights = [0.69, 0.31]\n```\n\n"
        "Weights 0.69 and 0.31 are inputs; the ratio {glue:text}`ratio:.2f` is glued;\n"
        "*the estimate 0.42* is typed, `0.5` is code and $0.25$ is math.\n\n"
        ":::{note}\nA note quoting 1.5.\n:::\n"
    )
    assert main([str(page)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "the number" in line]
    assert [line.split(": the number ")[1].split()[0] for line in lines] == ["0.42", "1.5"]
    assert ":8: the number 0.42" in lines[0]
    assert ":11: the number 1.5" in lines[1]
