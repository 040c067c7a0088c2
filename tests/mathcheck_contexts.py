r"""Pages the verifier's tests check formulas against: the book's definitions, in LaTeX."""

from __future__ import annotations

from mathcheck import Formula, Page

BERNOULLI = [
    (
        r"g(y; p) = p^{y} (1 - p)^{1 - y}",
        r"y \in \{0, 1\}; p \in (0, 1)",
        "torch.distributions.Bernoulli(probs=p).log_prob(y)",
    )
]
BERNOULLI_LOGITS = [
    (
        r"g(y; \theta) = \sigma(\theta)^{y} (1 - \sigma(\theta))^{1 - y}",
        r"y \in \{0, 1\}; \theta \in \mathbb{R}",
        "torch.distributions.Bernoulli(logits=theta).log_prob(y)",
    )
]
CATEGORICAL = [
    (
        r"g(k; \pi) = \frac{\pi_k}{\sum_{i=1}^{K} \pi_i}",
        r"K \in \{2, 3, 4\}; i, j, k, l \in \{1, \dots, K\}; \pi \in (0, \infty)^{K}",
        "torch.distributions.Categorical(probs=pi).log_prob(k - 1)",
    )
]
SIMPLEX = [
    (
        r"g(k; q) = \frac{q_k}{\sum_{i=1}^{K} q_i}",
        r"K \in \{2, 3, 4\}; j, k \in \{1, \dots, K\}; q \in \Delta^{K-1}",
        "torch.distributions.Categorical(probs=q).log_prob(k - 1)",
    )
]
CATEGORICAL_LOGITS = [
    (
        r"g(k; \theta) = \operatorname{softmax}(\theta)_k",
        r"K \in \{2, 3, 4\}; i, j, k \in \{1, \dots, K\}; \theta \in \mathbb{R}^{K}",
        "torch.distributions.Categorical(logits=theta).log_prob(k - 1)",
    )
]
MULTINOMIAL = [
    (
        r"g(x; \pi) = \frac{n!}{\prod_{i=1}^{K} x_i!} \prod_{i=1}^{K} "
        r"\Bigl( \frac{\pi_i}{\sum_{l=1}^{K} \pi_l} \Bigr)^{x_i}",
        r"K \in \{2, 3\}; n \in \{1, 2, 3\}; j \in \{1, \dots, K\}; "
        r"\pi \in (0, \infty)^{K}; x \in \{x \in \mathbb{N}^{K} : \sum_{i=1}^{K} x_i = n\}",
        "torch.distributions.Multinomial(total_count=n, probs=pi).log_prob(x)",
    )
]
GAUSSIAN = [
    (
        r"g(y; \mu, \sigma) = \frac{1}{\sigma \sqrt{2 \pi}} "
        r"\exp\left( -\frac{(y - \mu)^{2}}{2 \sigma^{2}} \right)",
        r"y, \mu, s \in \mathbb{R}; \sigma \in (0, \infty)",
        "torch.distributions.Normal(mu, sigma).log_prob(y)",
    )
]
POISSON = [
    (
        r"g(y; \lambda) = \frac{\lambda^{y} e^{-\lambda}}{y!}",
        r"y \in \mathbb{N}; \lambda \in (0, \infty)",
        "torch.distributions.Poisson(lambda_).log_prob(y)",
    )
]
SCORE_ABBREVIATION = [
    *CATEGORICAL_LOGITS,
    (r"e_j = \frac{\partial \ln g(k; \theta)}{\partial \theta_j}", "", ""),
]
CONTEXTS = {
    "gaussian": GAUSSIAN,
    "poisson": POISSON,
    "score-abbreviation": SCORE_ABBREVIATION,
    "bernoulli": BERNOULLI,
    "bernoulli-logits": BERNOULLI_LOGITS,
    "categorical": CATEGORICAL,
    "simplex": SIMPLEX,
    "categorical-logits": CATEGORICAL_LOGITS,
    "multinomial": MULTINOMIAL,
}


def page_with(context: str) -> Page:
    """A fresh page on which the context's definitions have been checked and accepted."""
    page = Page(f"tests/{context}.md")
    for n, (latex, symbols, torch_expr) in enumerate(CONTEXTS[context]):
        [result] = page.check(
            Formula(
                "definition",
                f"eq-def-{n}",
                latex,
                page.source,
                1,
                2,
                symbols=symbols,
                torch=torch_expr,
            )
        )
        assert result.ok, result.problems
    return page


def check(context: str, latex: str, kind: str = "claim", **options) -> list:
    """Check one formula on a fresh page of ``context``; return its results."""
    page = page_with(context)
    return page.check(Formula(kind, "eq-under-test", latex, page.source, 10, 11, **options))
