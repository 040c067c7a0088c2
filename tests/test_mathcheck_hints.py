r"""Every refusal names the supported way to write the same thing (issue #17): a corpus of what
a contributor writes first, each refused with a hint that leads somewhere."""

from __future__ import annotations

import pytest
from mathcheck_contexts import check

E = r"\frac{\partial \ln g(y; p)}{\partial p}"
FISHER = rf"\mathbb{{E}}_{{y}}\left[ \left( {E} \right)^{{2}} \right]"

# (formula, what its hint must say): the cases first
LEADS_SOMEWHERE = [
    (rf"I(p) = {FISHER}", "define I first with math-def"),
    (r"\mathcal{I}(p) = \frac{1}{p (1 - p)}", "state it through the page's definitions"),
    (r"P(Y = y; p) = g(y; p)", "write g(y; p)"),
    # and what else comes first to hand
    (rf"{E} = \frac{{y - p}}{{p \neq 1}}", "at its top level only"),
    (rf"{E} = \frac{{y - p}}{{p (1 - p)}} \text{{ for all }} p", ":where:"),
    (r"\int_0^1 g(y; p) dy = 1", r"\mathbb{E}_{y}\left[ … \right]"),
    (rf"{E} = \frac{{y - p}}{{p (1 - p}}", "a bracket is missing or extra"),
    (rf"{E} = q", r"q \in \mathbb{R}"),
    (rf"{E} \approx 0", "state the exact relation"),
    (r"\frac{\partial \ln g(y; p)}{\partial y} = 0", r"\frac{\partial \ln g(y; p)}{\partial p}"),
    (r"\frac{\partial^{p} \ln g(y; p)}{\partial p} = 0", r"\partial^{2}"),
    (rf"{E} = \cdot p", r"a \cdot b"),
    (rf"{E} = / p", r"\frac{a}{b}"),
    (rf"{E} = \hat{{12}}", r"\hat{p}"),
    (r"g_{k}(y; p) = 1", "call g with its 2 arguments"),
    (rf"{E} = |p", "|x|"),
    (rf"{E} = \Gamma", r"\Gamma(x)"),
    (rf"{E} = \begin{{cases}} 1 \end{{cases}}", "each case reads value & condition"),
    (rf"{E} = \begin{{pmatrix}} 1 \end{{pmatrix}}", "both sides of a relation have one shape"),
    (rf"{E} = \operatorname{{foo}}(p)", "named operators: softmax"),
    (rf"{E} = \pi_k", r"k \in \{1, \dots, K\}"),
    (r"\mathbb{E}_{k}[k] = p", "define a density first"),
    (r"\frac{y - p}{p (1 - p)}", "write lhs = rhs"),
]


@pytest.mark.parametrize(("latex", "hint"), LEADS_SOMEWHERE)
def test_every_refusal_names_the_supported_way(latex, hint):
    [result] = check("bernoulli", latex)
    problem = result.problems[0]  # the first problem is the one the author meets first
    assert "(hint: " in problem, problem
    assert hint in problem.split("(hint: ", 1)[1], problem


def test_a_hint_never_suggests_declaring_a_derivative_d_or_a_function_name():
    for latex, _ in LEADS_SOMEWHERE[:2]:
        [result] = check("bernoulli", latex)
        assert "\\in (0, 1)" not in result.problems[0]
