r"""The tanh-squashed Gaussian: a = tanh(u), u ~ N(μ, σ²); the policy for actions in (−1, 1).

As in :class:`torch.distributions.TransformedDistribution` with a ``TanhTransform``, the
density of a is the Gaussian density of u = artanh(a) divided by |da/du| = 1 − tanh²(u), so
ln g(a) = ln N(u; μ, σ²) − ln(1 − a²). The correction depends on the action only, not on
(μ, σ): the eligibilities are the Gaussian's at u, and so is the Fisher information. The
correction matters for the log-probability itself (an entropy bonus, a likelihood ratio).

Near |a| = 1 the artanh of float32 actions loses everything, so every function also takes the
pre-squash draw u (``pre_tanh``), as sampling code has it, and then uses the stable
ln(1 − tanh²(u)) = 2 (ln 2 − u − softplus(−2u)).

>>> import torch
>>> log_abs_det_jacobian(torch.tensor(0.0))
tensor(0.)
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from . import _validation as check
from . import normal
from .normal import NormalEligibility


def log_abs_det_jacobian(pre_tanh) -> Tensor:
    r"""ln |d tanh(u)/du| = ln(1 − tanh²(u)), computed stably as 2 (ln 2 − u − softplus(−2u)).

    Examples
    --------
    >>> log_abs_det_jacobian(torch.tensor([0.0, 20.0]))
    tensor([  0.0000, -38.6137])

    Notes
    -----
    The log-det correction of ``eq-bounded-tanh-density``; ``torch.distributions.TanhTransform``
    uses the same form.
    """
    u = check.as_tensor(pre_tanh, "pre_tanh")
    return 2 * (math.log(2) - u - torch.nn.functional.softplus(-2 * u))


def _pre_tanh(value, pre_tanh, like, validate: bool) -> Tensor:
    if pre_tanh is not None:
        return check.as_tensor(pre_tanh, "pre_tanh", like=like)
    value = check.as_tensor(value, "value", like=like)
    if validate:
        check.not_nan(value, "value")
        bad = ~((value > -1) & (value < 1))
        if bad.any():
            raise ValueError(
                "value must lie in the open interval (−1, 1) for a tanh-squashed Gaussian; "
                f"got {value[bad][0].item():g}"
            )
    return torch.atanh(value)


def log_prob(value=None, *, loc, scale, pre_tanh=None, validate: bool = True) -> Tensor:
    r"""ln g(a; μ, σ) = ln N(artanh a; μ, σ²) − ln(1 − a²).

    Pass the action ``value`` a, or the pre-squash draw ``pre_tanh`` u (more accurate near ±1).

    Examples
    --------
    >>> log_prob(torch.tensor(0.5), loc=torch.tensor(0.0), scale=torch.tensor(1.0))
    tensor(-0.7821)

    Notes
    -----
    Implements ``eq-bounded-tanh-density``.
    """
    loc = check.as_tensor(loc, "loc")
    u = _pre_tanh(value, pre_tanh, loc, validate)
    return normal.log_prob(u, loc=loc, scale=scale, validate=validate) - log_abs_det_jacobian(u)


def eligibility(
    value=None, *, loc, scale, pre_tanh=None, log_scale: bool = False, validate: bool = True
) -> NormalEligibility:
    r"""(∂/∂μ, ∂/∂σ) of ln g(a): the Gaussian's eligibilities at u = artanh(a).

    Examples
    --------
    >>> eligibility(torch.tanh(torch.tensor(2.0)), loc=torch.tensor(0.0), scale=torch.tensor(1.0))
    NormalEligibility(loc=tensor(2.0000), scale=tensor(3.0000))

    Notes
    -----
    Implements ``eq-bounded-tanh-eligibility-loc`` and ``eq-bounded-tanh-eligibility-scale``:
    the correction −ln(1 − a²) does not depend on (μ, σ), so its derivative is zero.
    """
    loc = check.as_tensor(loc, "loc")
    u = _pre_tanh(value, pre_tanh, loc, validate)
    return normal.eligibility(u, loc=loc, scale=scale, log_scale=log_scale, validate=validate)


def fisher_information(*, loc, scale, log_scale: bool = False, validate: bool = True) -> Tensor:
    r"""The Gaussian's: diag(1/σ², 2/σ²) (or diag(1/σ², 2) in s = ln σ), shape ``(..., 2, 2)``.

    Examples
    --------
    >>> fisher_information(loc=torch.tensor(0.0), scale=torch.tensor(2.0))
    tensor([[0.2500, 0.0000],
            [0.0000, 0.5000]])

    Notes
    -----
    A one-to-one map of the outcome (here tanh) changes no eligibility, hence no Fisher
    information (``eq-bounded-tanh-fisher``).
    """
    return normal.fisher_information(loc=loc, scale=scale, log_scale=log_scale, validate=validate)
