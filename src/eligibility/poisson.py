r"""Poisson: log-mass, characteristic eligibility and Fisher information.

The rate is named as :class:`torch.distributions.Poisson` names it: ``rate`` is λ > 0. The
natural parameter η = ln λ is passed as ``log_rate`` (torch has no keyword for it; this is
the Poisson's counterpart of ``logits``). Every function is batched, broadcasts like torch,
keeps the dtype and stays differentiable.

This module is the book's worked example of adding a distribution: one module (this one),
one page (``docs/poisson.md``) and one test file (``tests/test_poisson.py``).

>>> import torch
>>> eligibility(torch.tensor([0.0, 2.0, 4.0]), rate=torch.tensor(2.0))
tensor([-1.,  0.,  1.])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check


def _one_of(rate, log_rate) -> str:
    if (rate is None) == (log_rate is None):
        raise ValueError("pass exactly one of rate or log_rate")
    return "rate" if rate is not None else "log_rate"


def _count(value: Tensor) -> None:
    """A Poisson outcome: a non-negative whole number."""
    check.not_nan(value, "value")
    bad = (value < 0) | (value != torch.round(value)) | torch.isinf(value)
    if bad.any():
        raise ValueError(
            f"value must be a non-negative integer for Poisson; got {value[bad][0].item():g} "
            f"at {check._where(bad)}"
        )


def _param(rate, log_rate, validate: bool) -> tuple[Tensor, str]:
    kind = _one_of(rate, log_rate)
    param = check.as_tensor(rate if kind == "rate" else log_rate, kind)
    if validate:
        if kind == "rate":
            check.positive(param, "rate")
        else:
            check.not_nan(param, "log_rate")
    return param, kind


def _params(value, rate, log_rate, validate: bool) -> tuple[Tensor, Tensor, str]:
    param, kind = _param(rate, log_rate, validate)
    value = check.as_tensor(value, "value", like=param).to(param.dtype)
    if validate:
        check.broadcast(value.shape, param.shape)
        _count(value)
    value, param = torch.broadcast_tensors(value, param)
    return value, param, kind


def log_prob(value, *, rate=None, log_rate=None, validate: bool = True) -> Tensor:
    r"""ln g(y; λ) = y ln λ − λ − ln y!, as ``torch.distributions.Poisson``.

    Examples
    --------
    >>> log_prob(torch.tensor(0.0), rate=torch.tensor(1.0))
    tensor(-1.)
    >>> log_prob(torch.tensor(2.0), log_rate=torch.tensor(0.0))
    tensor(-1.6931)

    Notes
    -----
    Implements ``eq-poisson-pmf``: g(y; λ) = λ^y e^(−λ) / y!. With ``log_rate`` η it is
    yη − e^η − ln y!, ``eq-poisson-pmf-log-rate``.
    """
    value, param, kind = _params(value, rate, log_rate, validate)
    if kind == "rate":
        return torch.xlogy(value, param) - param - torch.lgamma(value + 1)
    return value * param - torch.exp(param) - torch.lgamma(value + 1)


def eligibility(value, *, rate=None, log_rate=None, validate: bool = True) -> Tensor:
    r"""The characteristic eligibility ∂ ln g(y; ·)/∂(the parameter passed).

    With ``rate`` λ: y/λ − 1 = (y − λ)/λ. With ``log_rate`` η = ln λ: y − e^η = y − λ.

    Examples
    --------
    >>> eligibility(torch.tensor(3.0), rate=torch.tensor(2.0))
    tensor(0.5000)
    >>> eligibility(torch.tensor(3.0), log_rate=torch.log(torch.tensor(2.0)))
    tensor(1.)

    Notes
    -----
    Implements ``eq-poisson-eligibility-rate`` and ``eq-poisson-eligibility-log-rate``. The
    log-rate form is the rate form times dλ/dη = λ: the chain rule. It is the exponential
    family's T(y) − E[T(y)] with T(y) = y.
    """
    value, param, kind = _params(value, rate, log_rate, validate)
    if kind == "rate":
        return value / param - 1
    return value - torch.exp(param)


def fisher_information(*, rate=None, log_rate=None, validate: bool = True) -> Tensor:
    r"""E[e²]: 1/λ for ``rate``, e^η = λ for ``log_rate``.

    Examples
    --------
    >>> fisher_information(rate=torch.tensor([0.5, 4.0]))
    tensor([2.0000, 0.2500])
    >>> fisher_information(log_rate=torch.tensor(0.0))
    tensor(1.)

    Notes
    -----
    Implements ``eq-poisson-fisher-rate`` and ``eq-poisson-fisher-log-rate`` (exact series
    over ℕ). The two are related by the square of dλ/dη = λ: I_η = I_λ λ².
    """
    param, kind = _param(rate, log_rate, validate)
    if kind == "rate":
        return 1 / param
    return torch.exp(param)
