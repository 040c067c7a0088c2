# ruff: noqa: E501  (LaTeX formulas read best on one line)
r"""The notation battery: for each notation the field writes (issue #12), true formulas that must
pass and wrong variants that must fail, on pages of :mod:`notation_contexts`.

The reference for "true" is independent of the verifier: each is a textbook identity (the score
of a softmax, the Fisher information of a Gaussian, Euler's integrals); each wrong variant is
one typical slip applied to a true formula, or a formula whose shapes do not conform. The
summary test reports the counts: false alarms and misses must both be 0.
"""

from __future__ import annotations

from collections import Counter

import pytest
from notation_contexts import check

SM = r"\operatorname{softmax}(\boldsymbol{\theta})"
FISHER_SM = rf"\operatorname{{diag}}({SM}) - {SM} {SM}^{{\top}}"
GRAD_SM = r"\nabla_{\boldsymbol{\theta}} \ln g(k; \boldsymbol{\theta})"
LAYER = r"\operatorname{softmax}(\mathbf{W} \mathbf{x})"
GAUSS = r"p(x; \mu, \sigma)"
PI = r"\pi(a \mid s, \boldsymbol{\theta})"

# (item, context, formula)
TRUE = [
    # vectors and matrices
    ("vectors", "softmax", rf"{GRAD_SM} = \mathbf{{e}}_k - {SM}"),
    ("vectors", "softmax", rf"\mathbf{{1}}^{{\top}} {SM} = 1"),
    ("vectors", "softmax", rf"\mathbf{{1}}^{{\top}} {GRAD_SM} = 0"),
    ("vectors", "softmax", rf"{SM} \cdot \mathbf{{1}} = \sum_{{i=1}}^{{K}} {SM}_i"),
    ("vectors", "softmax", rf"\mathbf{{e}}_k^{{\top}} {SM} = {SM}_k"),
    ("vectors", "softmax", rf"{FISHER_SM} = ({FISHER_SM})^{{\top}}"),
    ("vectors", "softmax", rf"({FISHER_SM}) \mathbf{{1}} = \mathbf{{0}}"),
    ("vectors", "softmax", r"\boldsymbol{\theta} = (\theta_1, \dots, \theta_K)^{\top}"),
    ("vectors", "softmax", r"\theta_1 + \dots + \theta_K = \mathbf{1}^{\top} \boldsymbol{\theta}"),
    (
        "vectors",
        "layer",
        rf"\nabla_{{\mathbf{{W}}}} \ln g(k; \mathbf{{W}}) = (\mathbf{{e}}_k - {LAYER}) \mathbf{{x}}^{{\top}}",
    ),
    (
        "vectors",
        "layer",
        rf"\frac{{\partial \ln g(k; W)}}{{\partial W_{{ij}}}} = (\delta_{{ik}} - {LAYER}_i) x_j",
    ),
    (
        "vectors",
        "layer",
        rf"{LAYER}_k = \frac{{\exp(\sum_{{j=1}}^{{D}} W_{{kj}} x_j)}}{{\sum_{{i=1}}^{{K}} \exp(\sum_{{j=1}}^{{D}} W_{{ij}} x_j)}}",
    ),
    ("vectors", "simplex", r"\mathbb{E}_{k}[\mathbf{e}_k] = \pi"),
    (
        "vectors",
        "simplex",
        r"\operatorname{Cov}[\mathbf{e}_k, \mathbf{e}_k] = \operatorname{diag}(\pi) - \pi \pi^{\top}",
    ),
    # gradients
    ("gradients", "softmax", rf"\nabla \ln g(k; \boldsymbol{{\theta}}) = \mathbf{{e}}_k - {SM}"),
    (
        "gradients",
        "softmax",
        rf"-\nabla^{{2}}_{{\boldsymbol{{\theta}}}} \ln g(k; \boldsymbol{{\theta}}) = {FISHER_SM}",
    ),
    ("gradients", "softmax", rf"\nabla_{{\boldsymbol{{\theta}}}} {SM} = {FISHER_SM}"),
    (
        "gradients",
        "softmax",
        rf"\frac{{\partial \ln g(k; \boldsymbol{{\theta}})}}{{\partial \boldsymbol{{\theta}}}} = \mathbf{{e}}_k - {SM}",
    ),
    (
        "gradients",
        "gaussian",
        rf"\nabla \ln {GAUSS} = \begin{{pmatrix}} \frac{{x - \mu}}{{\sigma^{{2}}}} \\ \frac{{(x - \mu)^{{2}}}}{{\sigma^{{3}}}} - \frac{{1}}{{\sigma}} \end{{pmatrix}}",
    ),
    ("gradients", "gaussian", rf"\nabla_{{\mu, \sigma}} \ln {GAUSS} = \nabla \ln {GAUSS}"),
    ("gradients", "natural", r"A'(\eta) = \sigma(\eta)"),
    ("gradients", "natural", r"A''(\eta) = \sigma(\eta) (1 - \sigma(\eta))"),
    ("gradients", "natural", r"\frac{d^{2} A}{d\eta^{2}} = A''(\eta)"),
    ("gradients", "natural", r"\frac{d}{d\eta} \ln(1 + e^{\eta}) = \frac{e^{\eta}}{1 + e^{\eta}}"),
    (
        "gradients",
        "bernoulli",
        r"\frac{\partial^{3} \ln g(y; p)}{\partial p^{3}} = \frac{2 y}{p^{3}} - \frac{2 (1 - y)}{(1 - p)^{3}}",
    ),
    # shorthand of the literature
    ("shorthand", "bernoulli", r"\frac{\partial \ln g}{\partial p} = \frac{y - p}{p (1 - p)}"),
    (
        "shorthand",
        "bernoulli",
        r"\frac{\partial \log g}{\partial p} = \frac{y}{p} - \frac{1 - y}{1 - p}",
    ),
    (
        "shorthand",
        "policy",
        r"\nabla \ln \pi(a \mid s) = \mathbf{x}(s, a) - \sum_b \pi(b \mid s) \mathbf{x}(s, b)",
    ),
    ("shorthand", "policy", rf"\sum_a {PI} = 1"),
    ("shorthand", "williams", r"\frac{\partial \ln g_i}{\partial w_{ij}} = (y_i - p_i) x_j"),
    (
        "shorthand",
        "williams",
        r"\frac{\partial \ln g_i}{\partial p_i} = \frac{y_i - p_i}{p_i (1 - p_i)}",
    ),
    # expectations and moments
    ("expectations", "softmax", rf"\mathbb{{E}}[{GRAD_SM}] = \mathbf{{0}}"),
    (
        "expectations",
        "softmax",
        rf"\mathbb{{E}}_{{k \sim g}}[{GRAD_SM} {GRAD_SM}^{{\top}}] = {FISHER_SM}",
    ),
    (
        "expectations",
        "softmax",
        rf"\nabla_{{\boldsymbol{{\theta}}}} \mathbb{{E}}_{{k}}[r(k)] = \mathbb{{E}}_{{k}}[r(k) {GRAD_SM}]",
    ),
    (
        "expectations",
        "softmax",
        r"\operatorname{Var}[r(k)] = \mathbb{E}[r(k)^{2}] - \mathbb{E}[r(k)]^{2}",
    ),
    ("expectations", "bernoulli", r"\operatorname{Var}[f(y)] = p (1 - p) (f(1) - f(0))^{2}"),
    ("expectations", "bernoulli", r"\operatorname{Cov}[f(y), y] = p (1 - p) (f(1) - f(0))"),
    ("expectations", "bernoulli", r"\frac{d}{dp} \mathbb{E}_{y \sim g}[f(y)] = f(1) - f(0)"),
    (
        "expectations",
        "gaussian",
        rf"\nabla_{{\mu}} \mathbb{{E}}_{{p(x; \mu, \sigma)}}[f(x)] = \mathbb{{E}}_{{p(x; \mu, \sigma)}}[f(x) \nabla_{{\mu}} \log {GAUSS}]",
    ),
    (
        "expectations",
        "gaussian",
        r"\mathbb{E}_{x \sim p(\cdot; \mu, \sigma)}[x^{2}] = \mu^{2} + \sigma^{2}",
    ),
    ("expectations", "gaussian", r"\mathbb{E}_{x \sim p(\cdot; 0, 1)}[x^{4}] = 3"),
    ("expectations", "gaussian", r"\operatorname{Var}_{p(x; \mu, \sigma)}[x] = \sigma^{2}"),
    (
        "expectations",
        "poisson",
        r"\mathbb{E}_{\lambda}\left[\frac{\partial}{\partial \lambda} \log f(X|\lambda)\right] = 0",
    ),
    ("expectations", "poisson", r"\operatorname{Var} X = \mathbb{E} X^{2} - (\mathbb{E} X)^{2}"),
    (
        "expectations",
        "policy",
        rf"\mathbb{{E}}_{{a \sim \pi(\cdot \mid s, \boldsymbol{{\theta}})}}[v(s) \nabla \ln {PI}] = 0",
    ),
    # cases and indicators
    (
        "cases",
        "cases",
        r"\frac{\partial \ln g}{\partial p} = \begin{cases} \frac{1}{p} & \text{if } y = 1 \\ -\frac{1}{1 - p} & \text{if } y = 0 \end{cases}",
    ),
    ("cases", "cases", r"g(y; p) = p^{y} (1 - p)^{1 - y}"),
    ("cases", "cases", r"\mathbb{1}[y = 1] - p = p (1 - p) \frac{\partial \ln g}{\partial p}"),
    (
        "cases",
        "softmax",
        rf"\frac{{\partial \ln g(k; \boldsymbol{{\theta}})}}{{\partial \theta_j}} = \mathbb{{1}}_{{j = k}} - {SM}_j",
    ),
    (
        "cases",
        "natural",
        r"\begin{cases} 1 & \eta > 0 \\ 0 & \text{otherwise} \end{cases} = \mathbb{1}[\eta > 0]",
    ),
    # evaluated at
    ("evaluated at", "natural", r"\left. \frac{d A}{d \eta} \right|_{\eta = 0} = \frac{1}{2}"),
    ("evaluated at", "natural", r"A'(\eta) \Big|_{\eta = 0} = \sigma(0)"),
    ("evaluated at", "natural", r"\left. A(\eta) \right|_{\eta = 0}^{1} = \ln(1 + e) - \ln 2"),
    (
        "evaluated at",
        "softmax",
        rf"\left. {SM} \right|_{{\boldsymbol{{\theta}} = \mathbf{{0}}}} = \frac{{1}}{{K}} \mathbf{{1}}",
    ),
    # inequalities and other relations
    (
        "inequalities",
        "bernoulli",
        r"\mathbb{E}\left[\left(\frac{\partial \ln g}{\partial p}\right)^{2}\right] \ge 4",
    ),
    (
        "inequalities",
        "bernoulli",
        r"\operatorname{Var}[(f(y) - c) \frac{\partial \ln g}{\partial p}] \ge \operatorname{Var}[(f(y) - c) \frac{\partial \ln g}{\partial p}] - \mathbb{E}[(f(y) - c) \frac{\partial \ln g}{\partial p}]^{2}",
    ),
    ("inequalities", "natural", r"0 < A''(\eta) \le \frac{1}{4}"),
    ("inequalities", "softmax", rf"{SM}_k < 1"),
    (
        "inequalities",
        "softmax",
        rf"\boldsymbol{{\theta}}^{{\top}} ({FISHER_SM}) \boldsymbol{{\theta}} \ge 0",
    ),
    (
        "inequalities",
        "poisson",
        r"\operatorname{Var}_\lambda(W(X)) \ge \frac{\left(\frac{d}{d\lambda}\mathbb{E}_\lambda W(X)\right)^2}{\mathbb{E}_\lambda\left(\left(\frac{\partial}{\partial\lambda}\log f(X|\lambda)\right)^2\right)}",
    ),
    ("inequalities", "softmax", r"g(k; \boldsymbol{\theta}) \propto \exp(\theta_k)"),
    ("inequalities", "policy", rf"{PI} \propto e^{{h(s, a, \boldsymbol{{\theta}})}}"),
    ("inequalities", "bernoulli", r"\frac{\partial \ln g}{\partial p} \neq 0"),
    # special functions
    (
        "special functions",
        "beta",
        r"\frac{\partial \ln f(x; \alpha, \beta)}{\partial \alpha} = \psi(\alpha + \beta) - \psi(\alpha) + \ln x",
    ),
    (
        "special functions",
        "beta",
        r"f(x; \alpha, \beta) = \frac{x^{\alpha - 1} (1 - x)^{\beta - 1}}{\operatorname{B}(\alpha, \beta)}",
    ),
    ("special functions", "beta", r"\mathbb{E}[\ln x] = \psi(\alpha) - \psi(\alpha + \beta)"),
    (
        "special functions",
        "beta",
        r"\ln f(x; \alpha, \beta) = \ln \Gamma(\alpha + \beta) - \ln \Gamma(\alpha) - \ln \Gamma(\beta) + (\alpha - 1) \ln x + (\beta - 1) \ln(1 - x)",
    ),
    (
        "special functions",
        "gamma",
        r"\frac{\partial \ln f}{\partial \alpha} = \ln \beta - \psi(\alpha) + \ln x",
    ),
    (
        "special functions",
        "gamma",
        r"\operatorname{Var}\left[\frac{\partial \ln f}{\partial \alpha}\right] = \psi^{(1)}(\alpha)",
    ),
    (
        "special functions",
        "binomial",
        r"\frac{\partial \ln f}{\partial p} = \frac{x - n p}{p (1 - p)}",
    ),
    ("special functions", "binomial", r"\binom{t}{2} = \frac{t (t - 1)}{2}"),
    ("special functions", "binomial", r"\binom{t + 1}{2} = \binom{t}{2} + \binom{t}{1}"),
    (
        "special functions",
        "dirichlet",
        r"\nabla_{\alpha} \ln f(x; \alpha) = \psi(\mathbf{1}^{\top} \alpha) \mathbf{1} - \psi(\alpha) + \ln x",
    ),
    # a density on the simplex is integrated over it (stick-breaking coordinates, Euler's integrals)
    ("special functions", "dirichlet", r"\mathbb{E}[x] = \frac{\alpha}{\mathbf{1}^{\top} \alpha}"),
    (
        "special functions",
        "dirichlet",
        r"\mathbb{E}[\ln x_j] = \psi(\alpha_j) - \psi(\mathbf{1}^{\top} \alpha)",
    ),
    # artanh, and a density over (−1, 1) in artanh(a), integrated in u = artanh(a)
    (
        "special functions",
        "tanh",
        r"\frac{\partial \ln g(a; \mu, \sigma)}{\partial \sigma} = \frac{(\operatorname{artanh}(a) - \mu)^{2} - \sigma^{2}}{\sigma^{3}}",
    ),
    (
        "special functions",
        "tanh",
        r"\frac{\partial \ln g(a; \mu, \sigma)}{\partial \mu} = \frac{\operatorname{artanh}(a) - \mu}{\sigma^{2}}",
    ),
    ("special functions", "tanh", r"\mathbb{E}_{a}[\operatorname{artanh}(a)] = \mu"),
    (
        "special functions",
        "tanh",
        r"\mathbb{E}_{a}\left[ \nabla_{\mu, \sigma} \ln g \, \nabla_{\mu, \sigma} \ln g^{\top} \right] = \frac{1}{\sigma^{2}} \begin{pmatrix} 1 & 0 \\ 0 & 2 \end{pmatrix}",
    ),
    (
        "special functions",
        "multinomial",
        r"f(x; p) = \binom{n}{x_1, \dots, x_K} \prod_{i=1}^{K} p_i^{x_i}",
    ),
    ("special functions", "multinomial", r"\mathbb{E}[x] = n p"),
    # statistics texts' and the ML literature's other forms
    ("expectations", "poisson", r"E X = \lambda"),
    ("expectations", "poisson", r"E_{\lambda}(X - \lambda)^{2} = \lambda"),
    ("expectations", "gaussian", r"\mathbb{E}_{x \sim p(\mu, \sigma)}[x] = \mu"),
    (
        "vectors",
        "softmax",
        r"\lVert \boldsymbol{\theta} \rVert^{2} = \boldsymbol{\theta}^{\top} \boldsymbol{\theta}",
    ),
    (
        "vectors",
        "softmax",
        r"\langle \boldsymbol{\theta}, \mathbf{1} \rangle = \sum_{i=1}^{K} \theta_i",
    ),
    (
        "shorthand",
        "softmax",
        r"\frac{\partial \ln g(k; \boldsymbol{\theta})}{\partial \theta_j} = \delta_{jk} - \operatorname{softmax}(\boldsymbol{\theta})_j, \quad j = 1, \dots, K",
    ),
    (
        "gradients",
        "gaussian",
        r"\frac{\partial}{\partial \sigma^{2}} \ln p(x; \mu, \sigma) = -\frac{1}{2 \sigma^{2}} + \frac{(x - \mu)^{2}}{2 \sigma^{4}}",
    ),
]

# (item, slip, context, formula)
WRONG = [
    ("vectors", "flipped sign", "softmax", rf"{GRAD_SM} = {SM} - \mathbf{{e}}_k"),
    ("vectors", "missing basis vector", "softmax", rf"{GRAD_SM} = \mathbf{{1}} - {SM}"),
    ("vectors", "ones for zeros", "softmax", rf"({FISHER_SM}) \mathbf{{1}} = \mathbf{{1}}"),
    ("vectors", "outer for inner", "softmax", rf"{SM}^{{\top}} {SM} = {SM} {SM}^{{\top}}"),
    (
        "vectors",
        "transposed gradient",
        "layer",
        rf"\nabla_{{\mathbf{{W}}}} \ln g(k; \mathbf{{W}}) = \mathbf{{x}} (\mathbf{{e}}_k - {LAYER})^{{\top}}",
    ),
    (
        "vectors",
        "swapped index",
        "layer",
        rf"\frac{{\partial \ln g(k; W)}}{{\partial W_{{ij}}}} = (\delta_{{jk}} - {LAYER}_i) x_j",
    ),
    ("vectors", "scalar for vector", "softmax", rf"{GRAD_SM} = 1 - {SM}_k"),
    (
        "vectors",
        "missing outer product",
        "simplex",
        r"\operatorname{Cov}[\mathbf{e}_k, \mathbf{e}_k] = \operatorname{diag}(\pi)",
    ),
    (
        "gradients",
        "flipped sign",
        "softmax",
        rf"\nabla^{{2}}_{{\boldsymbol{{\theta}}}} \ln g(k; \boldsymbol{{\theta}}) = {FISHER_SM}",
    ),
    (
        "gradients",
        "wrong parameter",
        "gaussian",
        rf"\nabla \ln {GAUSS} = \begin{{pmatrix}} \frac{{(x - \mu)^{{2}}}}{{\sigma^{{3}}}} - \frac{{1}}{{\sigma}} \\ \frac{{x - \mu}}{{\sigma^{{2}}}} \end{{pmatrix}}",
    ),
    ("gradients", "first for second derivative", "natural", r"A''(\eta) = \sigma(\eta)"),
    ("gradients", "wrong order", "natural", r"\frac{d^{2} A}{d\eta^{2}} = A'(\eta)"),
    (
        "gradients",
        "wrong power",
        "bernoulli",
        r"\frac{\partial^{3} \ln g(y; p)}{\partial p^{3}} = \frac{2 y}{p^{2}} - \frac{2 (1 - y)}{(1 - p)^{3}}",
    ),
    (
        "shorthand",
        "flipped sign",
        "bernoulli",
        r"\frac{\partial \ln g}{\partial p} = \frac{p - y}{p (1 - p)}",
    ),
    (
        "shorthand",
        "swapped action",
        "policy",
        r"\nabla \ln \pi(a \mid s) = \mathbf{x}(s, a) - \sum_b \pi(a \mid s) \mathbf{x}(s, b)",
    ),
    (
        "shorthand",
        "swapped index",
        "williams",
        r"\frac{\partial \ln g_i}{\partial w_{ij}} = (y_i - p_i) x_i",
    ),
    (
        "shorthand",
        "wrong power",
        "williams",
        r"\frac{\partial \ln g_i}{\partial p_i} = \frac{y_i - p_i}{p_i^{2} (1 - p_i)}",
    ),
    (
        "expectations",
        "missing outer product",
        "softmax",
        rf"\mathbb{{E}}_{{k \sim g}}[{GRAD_SM} {GRAD_SM}^{{\top}}] = \operatorname{{diag}}({SM})",
    ),
    (
        "expectations",
        "not the score",
        "softmax",
        r"\nabla_{\boldsymbol{\theta}} \mathbb{E}_{k}[r(k)] = \mathbb{E}_{k}[r(k) \mathbf{e}_k]",
    ),
    (
        "expectations",
        "missing square",
        "bernoulli",
        r"\operatorname{Var}[f(y)] = p (1 - p) (f(1) - f(0))",
    ),
    (
        "expectations",
        "wrong sign",
        "bernoulli",
        r"\operatorname{Cov}[f(y), y] = p (1 - p) (f(0) - f(1))",
    ),
    (
        "expectations",
        "wrong parameter",
        "gaussian",
        rf"\nabla_{{\mu}} \mathbb{{E}}_{{p(x; \mu, \sigma)}}[f(x)] = \mathbb{{E}}_{{p(x; \mu, \sigma)}}[f(x) \nabla_{{\sigma}} \log {GAUSS}]",
    ),
    (
        "expectations",
        "wrong parameters",
        "gaussian",
        r"\mathbb{E}_{x \sim p(\cdot; 0, 1)}[x^{2}] = \sigma^{2}",
    ),
    (
        "expectations",
        "missing mean",
        "gaussian",
        r"\mathbb{E}_{x \sim p(\cdot; \mu, \sigma)}[x^{2}] = \sigma^{2}",
    ),
    (
        "expectations",
        "state-action baseline",
        "policy",
        rf"\mathbb{{E}}_{{a \sim \pi(\cdot \mid s, \boldsymbol{{\theta}})}}[h(s, a, \boldsymbol{{\theta}}) \nabla \ln {PI}] = 0",
    ),
    (
        "cases",
        "swapped cases",
        "cases",
        r"\frac{\partial \ln g}{\partial p} = \begin{cases} -\frac{1}{1 - p} & \text{if } y = 1 \\ \frac{1}{p} & \text{if } y = 0 \end{cases}",
    ),
    (
        "cases",
        "overlapping cases",
        "cases",
        r"\frac{\partial \ln g}{\partial p} = \begin{cases} \frac{1}{p} & \text{if } y = 1 \\ -\frac{1}{1 - p} & \text{if } y \le 1 \end{cases}",
    ),
    (
        "cases",
        "uncovered case",
        "cases",
        r"\frac{\partial \ln g}{\partial p} = \begin{cases} \frac{1}{p} & \text{if } y = 1 \end{cases}",
    ),
    (
        "cases",
        "wrong indicator",
        "softmax",
        rf"\frac{{\partial \ln g(k; \boldsymbol{{\theta}})}}{{\partial \theta_j}} = \mathbb{{1}}_{{j \ne k}} - {SM}_j",
    ),
    (
        "cases",
        "strict for loose",
        "natural",
        r"\begin{cases} 1 & \eta > 0 \\ 0 & \text{otherwise} \end{cases} = \mathbb{1}[\eta < 0]",
    ),
    (
        "evaluated at",
        "wrong point",
        "natural",
        r"\left. \frac{d A}{d \eta} \right|_{\eta = 1} = \frac{1}{2}",
    ),
    ("evaluated at", "wrong value", "natural", r"A'(\eta) \Big|_{\eta = 0} = 1"),
    (
        "evaluated at",
        "swapped bounds",
        "natural",
        r"\left. A(\eta) \right|_{\eta = 1}^{0} = \ln(1 + e) - \ln 2",
    ),
    (
        "evaluated at",
        "not normalised",
        "softmax",
        rf"\left. {SM} \right|_{{\boldsymbol{{\theta}} = \mathbf{{0}}}} = \mathbf{{1}}",
    ),
    (
        "inequalities",
        "bound too high",
        "bernoulli",
        r"\mathbb{E}\left[\left(\frac{\partial \ln g}{\partial p}\right)^{2}\right] \ge 5",
    ),
    ("inequalities", "reversed", "natural", r"A''(\eta) \ge \frac{1}{4}"),
    ("inequalities", "strict at its maximum", "natural", r"A''(\eta) < \frac{1}{5}"),
    (
        "inequalities",
        "flipped sign",
        "softmax",
        rf"\boldsymbol{{\theta}}^{{\top}} ({FISHER_SM}) \boldsymbol{{\theta}} \le -1",
    ),
    (
        "inequalities",
        "reversed bound",
        "poisson",
        r"\operatorname{Var}_\lambda(W(X)) \le \frac{\left(\frac{d}{d\lambda}\mathbb{E}_\lambda W(X)\right)^2}{\mathbb{E}_\lambda\left(\left(\frac{\partial}{\partial\lambda}\log f(X|\lambda)\right)^2\right)}",
    ),
    (
        "inequalities",
        "not proportional",
        "softmax",
        r"g(k; \boldsymbol{\theta}) \propto \exp(2 \theta_k)",
    ),
    ("inequalities", "not proportional", "policy", rf"{PI} \propto h(s, a, \boldsymbol{{\theta}})"),
    (
        "inequalities",
        "never differs",
        "bernoulli",
        r"\frac{\partial \ln g}{\partial p} \neq \frac{y - p}{p (1 - p)}",
    ),
    (
        "inequalities",
        "approximation",
        "bernoulli",
        r"\frac{\partial \ln g}{\partial p} \approx \frac{y - p}{p (1 - p)}",
    ),
    (
        "special functions",
        "flipped sign",
        "beta",
        r"\frac{\partial \ln f(x; \alpha, \beta)}{\partial \alpha} = \psi(\alpha) - \psi(\alpha + \beta) + \ln x",
    ),
    (
        "special functions",
        "B for Γ",
        "beta",
        r"f(x; \alpha, \beta) = \operatorname{B}(\alpha, \beta) x^{\alpha - 1} (1 - x)^{\beta - 1}",
    ),
    (
        "special functions",
        "wrong mean log",
        "beta",
        r"\mathbb{E}[\ln x] = \psi(\alpha) - \psi(\beta)",
    ),
    (
        "special functions",
        "ψ for ψ′",
        "gamma",
        r"\operatorname{Var}\left[\frac{\partial \ln f}{\partial \alpha}\right] = \psi(\alpha)",
    ),
    (
        "special functions",
        "missing n",
        "binomial",
        r"\frac{\partial \ln f}{\partial p} = \frac{x - p}{p (1 - p)}",
    ),
    ("special functions", "missing 2", "binomial", r"\binom{t}{2} = t (t - 1)"),
    (
        "special functions",
        "off-by-one total",
        "dirichlet",
        r"\mathbb{E}[x] = \frac{\alpha}{1 + \mathbf{1}^{\top} \alpha}",
    ),
    (
        "special functions",
        "ψ for the mean of ln",
        "dirichlet",
        r"\mathbb{E}[\ln x_j] = \ln \alpha_j - \ln(\mathbf{1}^{\top} \alpha)",
    ),
    (
        "special functions",
        "no log-det correction",
        "tanh",
        r"g(a; \mu, \sigma) = \frac{1}{\sigma \sqrt{2 \pi}} \exp\left( -\frac{(\operatorname{artanh}(a) - \mu)^{2}}{2 \sigma^{2}} \right)",
    ),
    ("special functions", "tanh for artanh", "tanh", r"\mathbb{E}_{a}[\tanh(a)] = \mu"),
    (
        "special functions",
        "Fisher of σ halved",
        "tanh",
        r"\mathbb{E}_{a}\left[ \nabla_{\mu, \sigma} \ln g \, \nabla_{\mu, \sigma} \ln g^{\top} \right] = \frac{1}{\sigma^{2}} \mathbf{I}",
    ),
    (
        "special functions",
        "swapped α",
        "dirichlet",
        r"\nabla_{\alpha} \ln f(x; \alpha) = \psi(\alpha) \mathbf{1} - \psi(\mathbf{1}^{\top} \alpha) + \ln x",
    ),
    (
        "special functions",
        "missing coefficient",
        "multinomial",
        r"f(x; p) = \prod_{i=1}^{K} p_i^{x_i}",
    ),
    ("expectations", "wrong mean", "poisson", r"E X = 2 \lambda"),
    ("expectations", "wrong variance", "poisson", r"E_{\lambda}(X - \lambda)^{2} = \lambda^{2}"),
    (
        "expectations",
        "wrong parameter",
        "gaussian",
        r"\mathbb{E}_{x \sim p(\mu, \sigma)}[x] = \sigma",
    ),
    (
        "vectors",
        "sum for norm",
        "softmax",
        r"\lVert \boldsymbol{\theta} \rVert^{2} = \mathbf{1}^{\top} \boldsymbol{\theta}",
    ),
    (
        "vectors",
        "one component",
        "softmax",
        r"\langle \boldsymbol{\theta}, \mathbf{1} \rangle = \theta_1",
    ),
    (
        "shorthand",
        "flipped sign with its range",
        "softmax",
        r"\frac{\partial \ln g(k; \boldsymbol{\theta})}{\partial \theta_j} = \operatorname{softmax}(\boldsymbol{\theta})_j - \delta_{jk}, \quad j = 1, \dots, K",
    ),
    (
        "gradients",
        "by σ for by σ²",
        "gaussian",
        r"\frac{\partial}{\partial \sigma^{2}} \ln p(x; \mu, \sigma) = -\frac{1}{\sigma} + \frac{(x - \mu)^{2}}{\sigma^{3}}",
    ),
]

ITEMS = [
    "vectors",
    "gradients",
    "shorthand",
    "expectations",
    "cases",
    "evaluated at",
    "inequalities",
    "special functions",
]


@pytest.mark.parametrize(("item", "context", "latex"), TRUE)
def test_true_formulas_pass(item, context, latex):
    results = check(context, latex)
    assert all(r.ok for r in results), [m for r in results for m in r.messages()]


@pytest.mark.parametrize(("item", "slip", "context", "latex"), WRONG)
def test_wrong_formulas_fail(item, slip, context, latex):
    results = check(context, latex)
    problems = [m for r in results for m in r.messages()]
    assert problems, f"{item}: {slip} was not caught: {latex}"
    assert "eq-under-test" in problems[0]


def test_every_item_has_true_cases_and_at_least_two_wrong_variants():
    true = Counter(item for item, *_ in TRUE)
    wrong = Counter(item for item, *_ in WRONG)
    for item in ITEMS:
        assert true[item] >= 2, item
        assert wrong[item] >= 2, item


def test_summary_no_false_alarms_no_misses():
    false_alarms = [latex for _, c, latex in TRUE if not all(r.ok for r in check(c, latex))]
    misses = [latex for _, _, c, latex in WRONG if all(r.ok for r in check(c, latex))]
    print(
        f"\nnotation battery: {len(TRUE)} true formulas, {len(WRONG)} wrong variants; "
        f"false alarms {len(false_alarms)}, misses {len(misses)}"
    )
    assert not false_alarms and not misses, (false_alarms, misses)


# --- shapes and refusals: clear errors, never a silent pass -------------------------------------

SHAPE_ERRORS = [
    ("softmax", rf"{GRAD_SM} = 0 + {SM}_k", "the sides do not conform: lhs is a vector of"),
    ("layer", r"\mathbf{W} \mathbf{W} = \mathbf{W}", "cannot multiply a"),
    (
        "softmax",
        r"\boldsymbol{\theta} \boldsymbol{\theta} = 0",
        "write a^{\\top} b for an inner product",
    ),
    ("softmax", r"\operatorname{diag}(\theta_k) = 0", "diag takes a vector; got a scalar"),
]


@pytest.mark.parametrize(("context", "latex", "message"), SHAPE_ERRORS)
def test_shapes_that_do_not_conform_are_named(context, latex, message):
    [result] = check(context, latex)
    assert not result.ok and message in result.problems[0], result.problems


def test_an_approximation_is_refused_with_a_hint():
    [result] = check("bernoulli", r"\frac{\partial \ln g}{\partial p} \approx 0")
    assert "the relation ≈ is not checked" in result.problems[0]
    assert "math-exempt" in result.problems[0]


def test_an_expectation_over_the_simplex_that_is_not_exact_there_is_refused():
    # E[exp(x_1)] under a Dirichlet is no product of Beta kernels: a quadrature inside a
    # quadrature would be neither exact nor fast, so it is an error with a hint, not a pass
    [result] = check("dirichlet", r"\mathbb{E}[\exp(x_1)] = 1")
    assert "the integral over the simplex of x is not exact" in result.problems[0]
    assert "Dirichlet-type integrands" in result.problems[0]


def test_a_vector_formula_reports_its_component():
    [result] = check("softmax", rf"{GRAD_SM} = {SM} - \mathbf{{e}}_k")
    assert "component " in result.problems[0], result.problems
