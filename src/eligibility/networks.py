r"""Into the network: eligibilities of layers whose outputs parameterise a distribution.

The chain rule carries a unit's eligibility back to the weights that computed its parameter:
a Bernoulli-logistic layer, a softmax layer, and Sutton & Barto's linear softmax policy. The
chapter *Into the network* (docs/networks.md) uses this module.

>>> import torch
>>> softmax_layer_eligibility(torch.tensor(1), torch.zeros(2, 1), torch.tensor([2.0]))
tensor([[-1.],
        [ 1.]])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check
from . import categorical

__all__ = [
    "bernoulli_layer_eligibility",
    "linear_softmax_eligibility",
    "softmax_layer_eligibility",
]


def _layer(weights, inputs, bias, validate: bool) -> tuple[Tensor, Tensor]:
    """Validated weights and inputs, and the layer's logits W x + c."""
    weights = check.as_tensor(weights, "weights")
    inputs = check.as_tensor(inputs, "inputs", like=weights)
    if bias is not None:
        bias = check.as_tensor(bias, "bias", like=weights)
    if validate:
        if weights.dim() < 2:
            raise ValueError(
                "weights must have shape (..., M, N) (one row per unit); "
                f"got {tuple(weights.shape)}"
            )
        if inputs.dim() < 1 or inputs.shape[-1] != weights.shape[-1]:
            raise ValueError(
                f"inputs must have a last dimension of N={weights.shape[-1]} (the columns of "
                f"weights); got shape {tuple(inputs.shape)}"
            )
        check.not_nan(weights, "weights")
        check.not_nan(inputs, "inputs")
        if bias is not None:
            if bias.dim() < 1 or bias.shape[-1] != weights.shape[-2]:
                raise ValueError(
                    f"bias must have a last dimension of M={weights.shape[-2]} (the rows of "
                    f"weights); got shape {tuple(bias.shape)}"
                )
            check.not_nan(bias, "bias")
    logits = (weights * inputs.unsqueeze(-2)).sum(-1)
    return inputs, logits if bias is None else logits + bias


def bernoulli_layer_eligibility(
    value, weights, inputs, *, bias=None, validate: bool = True
) -> Tensor:
    r"""Eligibility of the weights of a Bernoulli-logistic layer: (y − σ(W x + c)) xᵀ.

    ``value`` ``(..., M)`` are the units' outputs (0 or 1), ``weights`` ``(..., M, N)``,
    ``inputs`` ``(..., N)``, ``bias`` ``(..., M)`` or ``None`` (no bias, c = 0); the result
    ``(..., M, N)`` is ∂ ln g(y; W) / ∂W_ml. The bias's own eligibility is y − σ(W x + c).

    Examples
    --------
    >>> w = torch.zeros(2, 3)
    >>> bernoulli_layer_eligibility(torch.tensor([1.0, 0.0]), w, torch.tensor([1.0, 2.0, 0.0]))
    tensor([[ 0.5000,  1.0000,  0.0000],
            [-0.5000, -1.0000,  0.0000]])

    Notes
    -----
    Each unit m fires with probability σ(Σ_l W_ml x_l + c_m); the chain rule multiplies its logit
    eligibility y_m − σ(·) by ∂θ_m / ∂W_ml = x_l (``eq-networks-bernoulli-layer``).
    """
    inputs, logits = _layer(weights, inputs, bias, validate)
    value = check.as_tensor(value, "value", like=logits)
    if validate:
        check.binary(value)
    return (value - torch.sigmoid(logits)).unsqueeze(-1) * inputs.unsqueeze(-2)


def softmax_layer_eligibility(
    value, weights, inputs, *, bias=None, validate: bool = True
) -> Tensor:
    r"""Eligibility of the weights of a softmax layer: (onehot(k) − softmax(W x + c)) xᵀ.

    ``value`` ``(...)`` is the 0-based class drawn, ``weights`` ``(..., K, N)``, ``inputs``
    ``(..., N)``, ``bias`` ``(..., K)`` or ``None`` (no bias, c = 0); the result
    ``(..., K, N)`` is ∂ ln g(k; W) / ∂W_jl. The bias's own eligibility is
    onehot(k) − softmax(W x + c).

    Examples
    --------
    >>> softmax_layer_eligibility(torch.tensor(0), torch.zeros(2, 2), torch.tensor([1.0, -2.0]))
    tensor([[ 0.5000, -1.0000],
            [-0.5000,  1.0000]])

    Notes
    -----
    ∂ ln g / ∂W_jl = (δ_jk − softmax(W x + c)_j) x_l (``eq-networks-softmax-layer``).
    """
    inputs, logits = _layer(weights, inputs, bias, validate)
    e = categorical.eligibility(value, logits=logits, validate=validate)
    return e.unsqueeze(-1) * inputs.unsqueeze(-2)


def linear_softmax_eligibility(value, theta, features, *, validate: bool = True) -> Tensor:
    r"""Sutton and Barto's eligibility vector of a linear softmax policy: x(k) − Σ_i g(i) x(i).

    ``value`` ``(...)`` is the 0-based action k taken, ``theta`` ``(..., D)`` the weights and
    ``features`` ``(..., K, D)`` the feature vector x(s, i) of every action i in the state; the
    result ``(..., D)`` is ∂ ln g(k; θ) / ∂θ (Sutton and Barto write the policy π(k | s, θ)).

    Examples
    --------
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> linear_softmax_eligibility(torch.tensor(1), torch.zeros(2), x)
    tensor([-0.5000,  0.5000])

    Notes
    -----
    With preferences θ · x(i) and g = softmax of them, ∂ ln g(k) / ∂θ = x(k) − Σ_i g(i) x(i)
    (``eq-networks-sutton-barto``) (Sutton & Barto 2018, eq.
    :number:`13.9 <an equation, section or chapter number>`).
    """
    theta = check.as_tensor(theta, "theta")
    features = check.as_tensor(features, "features", like=theta)
    if validate:
        if features.dim() < 2 or theta.dim() < 1 or features.shape[-1] != theta.shape[-1]:
            raise ValueError(
                f"features must have shape (..., K, D) with D={theta.shape[-1:]} the length of "
                f"theta; got {tuple(features.shape)}"
            )
        check.not_nan(theta, "theta")
        check.not_nan(features, "features")
    preferences = (features * theta.unsqueeze(-2)).sum(-1)
    probs = torch.softmax(preferences, -1)
    value = value if isinstance(value, Tensor) else torch.as_tensor(value)
    if validate:
        check.class_index(value, features.shape[-2])
    index = value.long().unsqueeze(-1).unsqueeze(-1).expand(*value.shape, 1, features.shape[-1])
    index = index.expand(*torch.broadcast_shapes(index.shape[:-2], features.shape[:-2]), 1, -1)
    taken = features.expand(*index.shape[:-2], *features.shape[-2:]).gather(-2, index).squeeze(-2)
    return taken - (probs.unsqueeze(-1) * features).sum(-2)
