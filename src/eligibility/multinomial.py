r"""Multinomial: n trials over K classes; log-mass, eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Multinomial` names them: ``total_count``
n, ``probs`` (non-negative weights torch normalises) or ``logits``. ``value`` holds counts of
shape ``(..., K)`` summing to n.

>>> import torch
>>> eligibility(torch.tensor([2.0, 1.0]), total_count=3, probs=torch.tensor([1.0, 1.0]))
tensor([ 0.5000, -0.5000])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check
from . import categorical


def _params(value, total_count, probs, logits, validate: bool):
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    n = check.count(total_count) if validate else int(total_count)
    value = check.as_tensor(value, "value", like=param).to(param.dtype)
    if validate:
        if value.dim() == 0 or value.shape[-1] != param.shape[-1]:
            raise ValueError(
                f"value must hold K={param.shape[-1]} counts in its last dimension; "
                f"got shape {tuple(value.shape)}"
            )
        check.broadcast(value.shape[:-1], param.shape, event=1)
        (check.weights if kind == "probs" else check.finite_logits)(param)
        check.counts(value, n)
    value, param = torch.broadcast_tensors(value, param)
    return value, param, n, kind


def log_prob(value, *, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""ln g(x; π) = ln n! − Σ ln x_i! + Σ x_i ln(π_i / Σπ), as torch's Multinomial.

    Examples
    --------
    >>> log_prob(torch.tensor([1.0, 1.0]), total_count=2, probs=torch.tensor([1.0, 1.0]))
    tensor(-0.6931)

    Notes
    -----
    The multinomial coefficient n!/Π x_i! does not depend on π: it drops out of every
    eligibility.
    """
    value, param, n, kind = _params(value, total_count, probs, logits, validate)
    coefficient = torch.lgamma(value.new_tensor(n + 1.0)) - torch.lgamma(value + 1).sum(-1)
    if kind == "probs":
        log_pi = torch.log(param) - torch.log(param.sum(-1, keepdim=True))
    else:
        log_pi = torch.log_softmax(param, -1)
    # x ln π with the convention 0 · ln 0 = 0 (a zero weight on a class never drawn)
    terms = torch.where(value == 0, torch.zeros_like(log_pi), value * log_pi)
    return coefficient + terms.sum(-1)


def eligibility(value, *, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""∂ ln g(x; ·)/∂(the parameter passed), shaped like the broadcast parameter ``(..., K)``.

    With ``probs`` (weights π): e_j = x_j / π_j − n / Σ_i π_i. With ``logits``:
    e = x − n softmax(θ). It is the sum of the n categorical eligibilities of the trials.

    Examples
    --------
    >>> eligibility(torch.tensor([1.0, 0.0]), total_count=1, logits=torch.zeros(2))
    tensor([ 0.5000, -0.5000])

    Notes
    -----
    Implements ``eq-multinomial-eligibility-probs`` and ``eq-multinomial-eligibility-logits``.
    """
    value, param, n, kind = _params(value, total_count, probs, logits, validate)
    if kind == "probs":
        ratio = torch.where(value == 0, torch.zeros_like(param), value / param)
        return ratio - n / param.sum(-1, keepdim=True)
    return value - n * torch.softmax(param, -1)


def fisher_information(*, total_count, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""n times the categorical Fisher information; in logits n (diag p − p pᵀ), p = softmax(θ).

    Examples
    --------
    >>> fisher_information(total_count=4, logits=torch.zeros(2))
    tensor([[ 1., -1.],
            [-1.,  1.]])

    Notes
    -----
    Implements ``eq-multinomial-fisher-logits``: the n trials are independent, so their
    Fisher informations add.
    """
    n = check.count(total_count) if validate else int(total_count)
    return n * categorical.fisher_information(probs=probs, logits=logits, validate=validate)
