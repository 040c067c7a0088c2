r"""Bernoulli: log-mass, characteristic eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Bernoulli` names them: ``probs`` is the
mean p, ``logits`` is θ with p = σ(θ). Every function is batched, broadcasts like torch, keeps
the dtype and stays differentiable.

>>> import torch
>>> eligibility(torch.tensor([1.0, 0.0]), probs=torch.tensor(0.25))
tensor([ 4.0000, -1.3333])
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from . import _validation as check


def _params(value, probs, logits, validate: bool) -> tuple[Tensor, Tensor, str]:
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    value = check.as_tensor(value, "value", like=param).to(param.dtype)
    if validate:
        check.broadcast(value.shape, param.shape)
        check.binary(value)
        if kind == "probs":
            check.probability(param)
        else:
            check.finite_logits(param)
    value, param = torch.broadcast_tensors(value, param)
    return value, param, kind


def log_prob(value, *, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""ln g(y; p) = y ln p + (1 − y) ln(1 − p), as ``torch.distributions.Bernoulli``.

    Examples
    --------
    >>> log_prob(torch.tensor(1.0), logits=torch.tensor(0.0))
    tensor(-0.6931)

    Notes
    -----
    Implements ``eq-bernoulli-pmf``: g(y; p) = p^y (1 − p)^(1 − y). With logits,
    ln g = yθ − ln(1 + e^θ), computed stably.
    """
    value, param, kind = _params(value, probs, logits, validate)
    if kind == "probs":
        return torch.xlogy(value, param) + torch.xlogy(1 - value, 1 - param)
    return -F.binary_cross_entropy_with_logits(param, value, reduction="none")


def eligibility(value, *, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""The characteristic eligibility ∂ ln g(y; ·)/∂(the parameter passed).

    With ``probs`` (the mean p): (y − p) / (p (1 − p)). With ``logits`` θ: y − σ(θ).

    Examples
    --------
    >>> eligibility(torch.tensor(1.0), logits=torch.tensor(0.0))
    tensor(0.5000)
    >>> eligibility(torch.tensor(0.0), probs=torch.tensor(0.5))
    tensor(-2.)

    Notes
    -----
    Implements ``eq-bernoulli-eligibility-probs`` and ``eq-bernoulli-eligibility-logits``.
    The logit form is the mean form times dp/dθ = p (1 − p): the chain rule.
    """
    value, param, kind = _params(value, probs, logits, validate)
    if kind == "probs":
        return (value - param) / (param * (1 - param))
    return value - torch.sigmoid(param)


def fisher_information(*, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""E[e²]: 1 / (p (1 − p)) for ``probs``, p (1 − p) for ``logits``.

    Examples
    --------
    >>> fisher_information(probs=torch.tensor(0.5))
    tensor(4.)
    >>> fisher_information(logits=torch.tensor(0.0))
    tensor(0.2500)

    Notes
    -----
    Implements ``eq-bernoulli-fisher-probs`` and ``eq-bernoulli-fisher-logits``. The two are
    related by the square of dp/dθ = p (1 − p): I_θ = I_p (dp/dθ)².
    """
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    if validate:
        (check.probability if kind == "probs" else check.finite_logits)(param)
    if kind == "probs":
        return 1 / (param * (1 - param))
    p = torch.sigmoid(param)
    return p * (1 - p)
