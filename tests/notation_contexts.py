# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""Pages the notation battery checks formulas on: densities written in the field's notation
(vectors, matrices, maps, cases, special functions), each bound to ``torch.distributions`` where
torch has the distribution."""

from __future__ import annotations

import functools

from mathcheck import Formula, Page
from mathcheck.errors import FormulaError
from mathcheck.reading import read_chains
from mathcheck.verdicts import touches

CONTEXTS = {
    "softmax": [
        (
            r"g(k; \boldsymbol{\theta}) = \operatorname{softmax}(\boldsymbol{\theta})_k",
            r"K \in \{2, 3, 4\}; i, j, k \in \{1, \dots, K\}; \boldsymbol{\theta} \in \mathbb{R}^{K}; r \colon \{1, \dots, K\} \to \mathbb{R}",
            "torch.distributions.Categorical(logits=theta).log_prob(k - 1)",
        )
    ],
    "layer": [
        (
            r"g(k; \mathbf{W}) = \operatorname{softmax}(\mathbf{W} \mathbf{x})_k",
            r"K \in \{2, 3\}; D \in \{1, 2\}; k, i \in \{1, \dots, K\}; j \in \{1, \dots, D\}; \mathbf{W} \in \mathbb{R}^{K \times D}; \mathbf{x} \in \mathbb{R}^{D}",
            "torch.distributions.Categorical(logits=torch.einsum('rkd,rd->rk', W, x)).log_prob(k - 1)",
        )
    ],
    "simplex": [
        (
            # torch normalises probs: its gradient is that of π_k / Σπ (see the soundness rules)
            r"g(k; \pi) = \frac{\pi_k}{\sum_{i=1}^{K} \pi_i}",
            r"K \in \{2, 3, 4\}; j, k \in \{1, \dots, K\}; \pi \in \Delta^{K-1}",
            "torch.distributions.Categorical(probs=pi).log_prob(k - 1)",
        )
    ],
    "bernoulli": [
        (
            r"g(y; p) = p^{y} (1 - p)^{1 - y}",
            r"y \in \{0, 1\}; p \in (0, 1); f \colon \{0, 1\} \to \mathbb{R}; c \in \mathbb{R}",
            "torch.distributions.Bernoulli(probs=p).log_prob(y)",
        )
    ],
    "cases": [
        (
            r"g(y; p) = \begin{cases} p & \text{if } y = 1 \\ 1 - p & \text{otherwise} \end{cases}",
            r"y \in \{0, 1\}; p \in (0, 1)",
            "torch.distributions.Bernoulli(probs=p).log_prob(y)",
        )
    ],
    "gaussian": [
        (
            r"p(x; \mu, \sigma) = \frac{1}{\sigma \sqrt{2 \pi}} \exp\left(-\frac{(x - \mu)^{2}}{2 \sigma^{2}}\right)",
            r"x, \mu \in \mathbb{R}; \sigma \in (0, \infty); f \colon \mathbb{R} \to \mathbb{R}",
            "torch.distributions.Normal(mu, sigma).log_prob(x)",
        )
    ],
    "poisson": [
        (
            r"f(x|\lambda) = \frac{e^{-\lambda} \lambda^{x}}{x!}",
            r"x \in \mathbb{N}; \lambda \in (0, \infty); W \colon \mathbb{N} \to \mathbb{R}",
            "torch.distributions.Poisson(lambda_).log_prob(x)",
        )
    ],
    "natural": [
        (r"A(\eta) = \ln(1 + e^{\eta})", r"\eta \in \mathbb{R}; y \in \{0, 1\}", ""),
        (
            r"g(y; \eta) = \exp(\eta y - A(\eta))",
            "",
            "torch.distributions.Bernoulli(logits=eta).log_prob(y)",
        ),
    ],
    "policy": [
        (
            r"h(s, a, \boldsymbol{\theta}) = \boldsymbol{\theta}^{\top} \mathbf{x}(s, a)",
            r"S \in \{1, 2\}; K \in \{2, 3\}; d \in \{1, 2\}; s \in \{1, \dots, S\}; a, b \in \{1, \dots, K\}; \boldsymbol{\theta} \in \mathbb{R}^{d}; \mathbf{x} \colon \{1, \dots, S\} \times \{1, \dots, K\} \to \mathbb{R}^{d}; v \colon \{1, \dots, S\} \to \mathbb{R}",
            "",
        ),
        (
            r"\pi(a \mid s, \boldsymbol{\theta}) = \frac{e^{h(s, a, \boldsymbol{\theta})}}{\sum_b e^{h(s, b, \boldsymbol{\theta})}}",
            "",
            "",
        ),
    ],
    "williams": [
        (
            r"g_i = p_i^{y_i} (1 - p_i)^{1 - y_i}, \quad p_i = \sigma(s_i), \quad s_i = \sum_j w_{ij} x_j",
            r"m, n \in \{1, 2\}; i \in \{1, \dots, m\}; j \in \{1, \dots, n\}; w \in \mathbb{R}^{m \times n}; x \in \mathbb{R}^{n}; y \in \{0, 1\}^{m}",
            "",
        )
    ],
    "beta": [
        (
            r"f(x; \alpha, \beta) = \frac{\Gamma(\alpha + \beta)}{\Gamma(\alpha) \Gamma(\beta)} x^{\alpha - 1} (1 - x)^{\beta - 1}",
            r"x \in (0, 1); \alpha, \beta \in (0, \infty)",
            "torch.distributions.Beta(alpha, beta).log_prob(x)",
        )
    ],
    "gamma": [
        (
            r"f(x; \alpha, \beta) = \frac{\beta^{\alpha}}{\Gamma(\alpha)} x^{\alpha - 1} e^{-\beta x}",
            r"x \in (0, \infty); \alpha, \beta \in (0, \infty)",
            "torch.distributions.Gamma(alpha, beta).log_prob(x)",
        )
    ],
    "binomial": [
        (
            r"f(x; p) = \binom{n}{x} p^{x} (1 - p)^{n - x}",
            r"n \in \{1, 2, 3\}; x \in \{0, \dots, n\}; p \in (0, 1); t \in (0, 5)",
            "torch.distributions.Binomial(total_count=n, probs=p).log_prob(x.double())",
        )
    ],
    "dirichlet": [
        (
            r"f(x; \alpha) = \frac{\Gamma(\sum_{i=1}^{K} \alpha_i)}{\prod_{i=1}^{K} \Gamma(\alpha_i)} \prod_{i=1}^{K} x_i^{\alpha_i - 1}",
            r"K \in \{2, 3\}; j \in \{1, \dots, K\}; x \in \Delta^{K-1}; \alpha \in (0, \infty)^{K}",
            "torch.distributions.Dirichlet(alpha).log_prob(x)",
        )
    ],
    "tanh": [
        (
            r"g(a; \mu, \sigma) = \frac{1}{1 - a^{2}} \frac{1}{\sigma \sqrt{2 \pi}} \exp\left( -\frac{(\operatorname{artanh}(a) - \mu)^{2}}{2 \sigma^{2}} \right)",
            r"a \in (-1, 1); u, \mu \in \mathbb{R}; \sigma \in (0, \infty)",
            "torch.distributions.TransformedDistribution(torch.distributions.Normal(mu, sigma), [torch.distributions.TanhTransform()]).log_prob(a)",
        )
    ],
    "multinomial": [
        (
            r"f(x; p) = \frac{n!}{x_1! \cdots x_K!} p_1^{x_1} \cdots p_K^{x_K}",
            r"K \in \{2, 3\}; n \in \{1, 2\}; j \in \{1, \dots, K\}; p \in \Delta^{K-1}; x \in \{x \in \mathbb{N}^{K} : \sum_{i=1}^{K} x_i = n\}",
            # the pmf as written, in torch: Multinomial(probs=p) would differentiate p / Σp
            "torch.lgamma(torch.as_tensor(n + 1.0)) - torch.lgamma(x + 1.0).sum(-1) + (x * torch.log(p)).sum(-1)",
        )
    ],
}


@functools.cache
def _checked(context: str) -> Page:
    page = Page(f"tests/{context}.md")
    for n, (latex, symbols, torch) in enumerate(CONTEXTS[context]):
        formula = Formula("definition", f"eq-def-{n}", latex, page.source, 1, 2, symbols, torch)
        results = page.check(formula)
        assert all(r.ok for r in results), [r.problems for r in results]
    return page


def page_with(context: str) -> Page:
    """A fresh page whose scope holds the context's definitions, checked once and accepted."""
    page = Page(f"tests/{context}.md")
    page.scope = _checked(context).scope.copy()
    return page


def check(context: str, latex: str, kind: str = "claim", **options) -> list:
    """Check one formula on a fresh page of ``context``; return its results.

    This battery is about reading notation: an identity that uses none of the context's
    definitions is marked ``:algebra:`` as its author would (the rule that such a claim must
    say so is the soundness battery's).
    """
    page = page_with(context)
    if kind != "definition" and "algebra" not in options:
        options["algebra"] = _untied(page, latex)
    return page.check(Formula(kind, "eq-under-test", latex, page.source, 10, 11, **options))


def _untied(page: Page, latex: str) -> bool:
    formula = Formula("claim", "eq-probe", latex, page.source, 10, 11)
    try:
        chains = read_chains(formula, page.scope)
    except FormulaError:
        return False  # unreadable: the check itself reports it
    return touches([side for chain in chains for side in chain.sides], page.scope) is None
