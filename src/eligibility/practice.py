r"""Torch in practice: four ways to get one eligibility per sample, and what each costs.

A batch of N draws needs N gradients of ``log_prob``, one per draw, not the gradient of their
sum. :func:`per_sample_eligibility` computes them

- ``"closed form"``: the package's formula (:mod:`eligibility.categorical`, …);
- ``"vmap"``: ``torch.func.vmap(torch.func.grad(log_prob))``;
- ``"expanded"``: one ``backward`` of the summed ``log_prob`` with respect to a copy of the
  parameter expanded to the batch (each draw depends on its own row only);
- ``"loop"``: one ``torch.autograd.grad`` per draw.

They agree to rounding; ``benchmarks/bench_per_sample.py`` measures their cost as ratios and
the chapter *Torch in practice* (docs/torch-practice.md) reads its committed results.

>>> import torch
>>> per_sample_eligibility(torch.distributions.Categorical, torch.tensor([0, 1]), "logits",
...                        method="expanded", logits=torch.zeros(2))
tensor([[ 0.5000, -0.5000],
        [-0.5000,  0.5000]])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import bernoulli, beta, binomial, categorical, dirichlet, multinomial, normal, poisson
from .reference import _event_dim, autograd_eligibility, autograd_loop_eligibility

__all__ = ["METHODS", "per_sample_eligibility"]

METHODS = ("closed form", "vmap", "expanded", "loop")

# torch.distributions class → the package module with its closed forms
_MODULES = {
    torch.distributions.Bernoulli: bernoulli,
    torch.distributions.Beta: beta,
    torch.distributions.Binomial: binomial,
    torch.distributions.Categorical: categorical,
    torch.distributions.Dirichlet: dirichlet,
    torch.distributions.Multinomial: multinomial,
    torch.distributions.Normal: normal,
    torch.distributions.Poisson: poisson,
}


def per_sample_eligibility(dist_cls, value, wrt: str, *, method: str = "closed form", **params):
    r"""∂ log_prob(value_n) / ∂ params[wrt] for every draw n, by the chosen ``method``.

    Parameters
    ----------
    dist_cls : type
        A ``torch.distributions`` class (``"closed form"`` needs one the package covers).
    value : Tensor
        The draws, batch shape first.
    wrt : str
        The parameter to differentiate by (``"logits"``, ``"probs"``, ``"loc"``, …).
    method : str
        One of :data:`METHODS`.
    **params
        The distribution's keyword arguments, as torch names them.

    Returns
    -------
    Tensor
        The parameter's shape broadcast to the batch, one row per draw.

    Examples
    --------
    >>> value = torch.tensor([1.0, -1.0])
    >>> per_sample_eligibility(torch.distributions.Normal, value, "loc", loc=torch.tensor(0.0),
    ...                        scale=torch.tensor(2.0))
    tensor([ 0.2500, -0.2500])

    Notes
    -----
    ``"expanded"`` is valid because the draws are independent: the gradient of Σ_n ln g(y_n; θ_n)
    with respect to a per-draw copy θ_n is the gradient of ln g(y_n; θ_n) alone.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    if wrt not in params:
        raise ValueError(f"wrt must name one of the parameters {sorted(params)}; got {wrt!r}")
    if method == "closed form":
        return _closed_form(dist_cls, value, wrt, params)
    if method == "vmap":
        return autograd_eligibility(dist_cls, value, wrt, **params)
    if method == "loop":
        return autograd_loop_eligibility(dist_cls, value, wrt, **params)
    return _expanded(dist_cls, value, wrt, params)


def _closed_form(dist_cls, value, wrt: str, params: dict) -> Tensor:
    module = _MODULES.get(dist_cls)
    if module is None:
        known = ", ".join(sorted(c.__name__ for c in _MODULES))
        raise ValueError(f"dist_cls has no closed form in the package; it covers {known}")
    out = module.eligibility(value, **params)
    if isinstance(out, tuple):  # a NamedTuple with one field per parameter
        return getattr(out, wrt)
    return out  # probs or logits: with respect to the one passed, which wrt names


def _expanded(dist_cls, value, wrt: str, params: dict) -> Tensor:
    value = torch.as_tensor(value)
    dist = dist_cls(**params, validate_args=False)
    event = len(dist.event_shape)
    batch = torch.broadcast_shapes(value.shape[: value.dim() - event], dist.batch_shape)
    target = params[wrt]
    trailing = target.shape[target.dim() - _event_dim(dist_cls, wrt) :]
    leaf = target.expand(*batch, *trailing).detach().clone().requires_grad_(True)
    log_prob = dist_cls(**{**params, wrt: leaf}, validate_args=False).log_prob(value)
    (grad,) = torch.autograd.grad(log_prob.sum(), leaf)
    return grad
