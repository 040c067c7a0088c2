"""The exponential-family theorem for every distribution of the book, against torch autograd:
the package's eligibility in natural parameters is T(y) − ∇A(η), and its Fisher information is
the Hessian ∇²A, with ∇A and ∇²A by autograd of the log-partition function A."""

from __future__ import annotations

import pytest
import torch
from torch.autograd.functional import hessian

from eligibility import bernoulli, categorical, multinomial, poisson

F64 = torch.float64


def grad_a(log_partition, eta: torch.Tensor) -> torch.Tensor:
    """∇A(η) by autograd, one row per parameter vector."""
    eta = eta.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(log_partition(eta).sum(), eta)
    return grad


def logsumexp(t: torch.Tensor) -> torch.Tensor:
    return torch.logsumexp(t, -1)


@pytest.mark.parametrize("seed", range(3))
def test_the_eligibility_is_the_statistic_minus_its_mean(seed):
    torch.manual_seed(seed)
    theta = torch.randn(5, dtype=F64)
    y = torch.distributions.Bernoulli(logits=theta).sample()
    softplus = torch.nn.functional.softplus
    torch.testing.assert_close(bernoulli.eligibility(y, logits=theta), y - grad_a(softplus, theta))

    theta = torch.randn(5, 4, dtype=F64)
    k = torch.distributions.Categorical(logits=theta).sample()
    onehot = torch.nn.functional.one_hot(k, 4).to(F64)
    torch.testing.assert_close(
        categorical.eligibility(k, logits=theta), onehot - grad_a(logsumexp, theta)
    )

    x = torch.distributions.Multinomial(6, logits=theta).sample()
    torch.testing.assert_close(
        multinomial.eligibility(x, total_count=6, logits=theta),
        x - grad_a(lambda t: 6 * logsumexp(t), theta),
    )

    eta = torch.randn(5, dtype=F64)
    y = torch.distributions.Poisson(torch.exp(eta)).sample()
    torch.testing.assert_close(poisson.eligibility(y, log_rate=eta), y - grad_a(torch.exp, eta))


@pytest.mark.parametrize("seed", range(3))
def test_the_fisher_information_is_the_hessian_of_the_log_partition_function(seed):
    generator = torch.Generator().manual_seed(seed)
    theta = torch.randn(3, generator=generator, dtype=F64)
    torch.testing.assert_close(
        hessian(logsumexp, theta), categorical.fisher_information(logits=theta)
    )
    torch.testing.assert_close(
        hessian(lambda t: 6 * logsumexp(t), theta),
        multinomial.fisher_information(total_count=6, logits=theta),
    )
    eta = torch.randn((), generator=generator, dtype=F64)
    torch.testing.assert_close(hessian(torch.exp, eta), poisson.fisher_information(log_rate=eta))
    torch.testing.assert_close(
        hessian(torch.nn.functional.softplus, eta), bernoulli.fisher_information(logits=eta)
    )
