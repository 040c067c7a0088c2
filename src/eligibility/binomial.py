r"""Binomial: y successes in n trials; log-mass, eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Binomial` names them: ``total_count`` n,
and ``probs`` p ∈ [0, 1] (a probability, not weights: torch does not normalise it) or
``logits`` θ with p = σ(θ). The Binomial is the Multinomial with two classes, counts
(y, n − y) and probabilities (p, 1 − p); its eligibilities are that Multinomial's, read along
the one free direction. It is the policy for an action that counts.

>>> import torch
>>> eligibility(torch.tensor(3.0), total_count=4, probs=torch.tensor(0.5))
tensor(4.)
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check


def _params(value, total_count, probs, logits, validate: bool):
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    n = check.count(total_count) if validate else int(total_count)
    if validate:
        (check.probability if kind == "probs" else check.finite_logits)(param, kind)
    if value is None:
        return None, param, n, kind
    value = check.as_tensor(value, "value", like=param).to(param.dtype)
    if validate:
        check.broadcast(value.shape, param.shape)
        check.not_nan(value, "value")
        bad = (value < 0) | (value > n) | (value != torch.round(value))
        if bad.any():
            raise ValueError(
                f"value must be a whole number of successes in [0, total_count={n}]; "
                f"got {value[bad][0].item():g}"
            )
    value, param = torch.broadcast_tensors(value, param)
    return value, param, n, kind


def log_prob(value, *, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""ln g(y; p) = ln C(n, y) + y ln p + (n − y) ln(1 − p), as torch's Binomial.

    Examples
    --------
    >>> log_prob(torch.tensor(1.0), total_count=2, probs=torch.tensor(0.5))
    tensor(-0.6931)
    >>> log_prob(torch.tensor(1.0), total_count=2, logits=torch.tensor(0.0))
    tensor(-0.6931)

    Notes
    -----
    Implements ``eq-bounded-binomial-pmf``. With logits, y θ − n ln(1 + e^θ) + ln C(n, y),
    written with ``softplus`` so that large |θ| stays finite.
    """
    value, param, n, kind = _params(value, total_count, probs, logits, validate)
    coefficient = (
        torch.lgamma(torch.tensor(n + 1.0, dtype=param.dtype))
        - torch.lgamma(value + 1)
        - torch.lgamma(n - value + 1)
    )
    if kind == "probs":
        return coefficient + torch.xlogy(value, param) + torch.xlogy(n - value, 1 - param)
    return coefficient + value * param - n * torch.nn.functional.softplus(param)


def eligibility(value, *, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""∂ ln g(y; ·)/∂(the parameter passed): (y − n p)/(p (1 − p)) or y − n σ(θ).

    Examples
    --------
    >>> eligibility(torch.tensor(1.0), total_count=4, probs=torch.tensor(0.5))
    tensor(-4.)
    >>> eligibility(torch.tensor(1.0), total_count=4, logits=torch.tensor(0.0))
    tensor(-1.)

    Notes
    -----
    Implements ``eq-bounded-binomial-eligibility-probs`` and
    ``eq-bounded-binomial-eligibility-logits``: Bernoulli's eligibility summed over n trials,
    and the two-class Multinomial's (``eq-multinomial-eligibility-logits``) with θ₂ = 0.
    """
    value, param, n, kind = _params(value, total_count, probs, logits, validate)
    if kind == "probs":
        return (value - n * param) / (param * (1 - param))
    return value - n * torch.sigmoid(param)


def fisher_information(*, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""E[e²]: n/(p (1 − p)) for ``probs``, n σ(θ)(1 − σ(θ)) for ``logits``.

    Examples
    --------
    >>> fisher_information(total_count=4, probs=torch.tensor(0.5))
    tensor(16.)
    >>> fisher_information(total_count=4, logits=torch.tensor(0.0))
    tensor(1.)

    Notes
    -----
    Implements ``eq-bounded-binomial-fisher-probs`` and ``eq-bounded-binomial-fisher-logits``:
    n times the Bernoulli's.
    """
    _, param, n, kind = _params(None, total_count, probs, logits, validate)
    if kind == "probs":
        return n / (param * (1 - param))
    p = torch.sigmoid(param)
    return n * p * (1 - p)
