r"""Categorical: log-mass, characteristic eligibility and Fisher information.

Parameters are named as :class:`torch.distributions.Categorical` names them. ``probs`` are
**non-negative weights that torch normalises** (π_k / Σπ), exactly as torch reads them;
``logits`` θ give the probabilities softmax(θ). ``value`` is a 0-based class index of shape
``(...)``; parameters have shape ``(..., K)``; results broadcast the two batch shapes.

The seed puzzle of the book: torch's gradient of ``log_prob(0).exp()`` for
``probs = [0.69, 0.1, 0.2, 0.01]`` is ``prob * eligibility``:

>>> import torch
>>> probs = torch.tensor([0.69, 0.1, 0.2, 0.01])
>>> prob = log_prob(torch.tensor(0), probs=probs).exp()
>>> prob * eligibility(torch.tensor(0), probs=probs)
tensor([ 0.3100, -0.6900, -0.6900, -0.6900])
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import _validation as check


def _params(value, probs, logits, validate: bool) -> tuple[Tensor, Tensor, str]:
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    if param.dim() == 0:
        raise ValueError(f"{kind} must have a last dimension of K classes; got a scalar")
    value = value if isinstance(value, Tensor) else torch.as_tensor(value)
    if validate:
        check.broadcast(value.shape, param.shape, event=1)
        (check.weights if kind == "probs" else check.finite_logits)(param)
        check.class_index(value, param.shape[-1])
    if value.dtype != torch.long:
        value = value.long()
    if value.shape == param.shape[:-1]:  # the common case: no broadcasting to do
        return value.unsqueeze(-1), param, kind
    batch = torch.broadcast_shapes(value.shape, param.shape[:-1])
    return value.expand(batch).unsqueeze(-1), param.expand(*batch, param.shape[-1]), kind


def log_prob(value, *, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""ln g(k; π) = ln π_k − ln Σ_i π_i (``probs``) or log_softmax(θ)_k (``logits``).

    Examples
    --------
    >>> log_prob(torch.tensor(1), probs=torch.tensor([1.0, 3.0]))
    tensor(-0.2877)
    >>> log_prob(torch.tensor(1), logits=torch.tensor([0.0, 0.0]))
    tensor(-0.6931)

    Notes
    -----
    Matches ``torch.distributions.Categorical(...).log_prob(value)``.
    """
    index, param, kind = _params(value, probs, logits, validate)
    if kind == "probs":
        return torch.log(param.gather(-1, index)).squeeze(-1) - torch.log(param.sum(-1))
    return torch.log_softmax(param, -1).gather(-1, index).squeeze(-1)


def eligibility(value, *, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""∂ ln g(k; ·)/∂(the parameter passed), shaped like the broadcast parameter ``(..., K)``.

    With ``probs`` (weights π, as torch reads them): e_j = δ_jk / π_k − 1 / Σ_i π_i.
    With ``logits`` θ: e_j = δ_jk − softmax(θ)_j.

    Examples
    --------
    >>> eligibility(torch.tensor(0), probs=torch.tensor([1.0, 1.0]))
    tensor([ 0.5000, -0.5000])
    >>> eligibility(torch.tensor(0), logits=torch.tensor([0.0, 0.0]))
    tensor([ 0.5000, -0.5000])

    Notes
    -----
    Implements ``eq-categorical-eligibility-probs`` and ``eq-categorical-eligibility-logits``.
    The probs form is orthogonal to π (Σ_j π_j e_j = 0) and scales as 1/κ when π is scaled by
    κ; unsampled classes get −1/Σπ, not 0, because torch normalises the weights. Only the
    sampled class is divided by, so a tiny weight on an unsampled class stays finite.
    """
    index, param, kind = _params(value, probs, logits, validate)
    if kind == "probs":
        total = param.sum(-1, keepdim=True)
        out = (-1 / total).expand_as(param).clone()
        return out.scatter_add(-1, index, 1 / param.gather(-1, index))
    # onehot − softmax without materialising the one-hot: negate the softmax in place (when
    # autograd does not need it) and add 1 at the sampled class
    out = torch.softmax(param, -1)
    out = out.neg() if out.requires_grad else out.neg_()
    return out.scatter_add_(-1, index, out.new_ones(()).expand(index.shape))


def eligibility_simplex(value, *, probs, validate: bool = True) -> Tensor:
    r"""The eligibility for probabilities held on the simplex: the component tangent to it.

    For q on the simplex (Σq = 1), moving q must keep Σq = 1, so only the projection of the
    gradient onto the tangent space {v : Σ_j v_j = 0} is a usable direction:
    e_j − (1/K) Σ_i e_i = δ_jk / q_k − 1 / (K q_k).

    It is the Euclidean projection of :func:`eligibility` (whose −1/Σq part is constant over j
    and so drops out); both agree along every direction that stays on the simplex. In the
    Fisher metric instead, the gradient on the simplex is onehot(k) − q, the logit eligibility
    (``eq-categorical-natural-simplex``).

    Examples
    --------
    >>> eligibility_simplex(torch.tensor(0), probs=torch.tensor([0.5, 0.5]))
    tensor([ 1., -1.])

    Notes
    -----
    Implements ``eq-categorical-eligibility-simplex``. Requires ``probs`` (q) summing to 1.
    """
    index, param, _ = _params(value, probs, None, validate)
    if validate:
        tol = 1e-4 if param.dtype in (torch.float16, torch.bfloat16, torch.float32) else 1e-9
        if ((param.sum(-1) - 1).abs() > tol).any():
            raise ValueError("probs must sum to 1 along the last dimension for the simplex form")
    k_prob = param.gather(-1, index)
    out = (-1 / (param.shape[-1] * k_prob)).expand_as(param).clone()
    return out.scatter_add(-1, index, 1 / k_prob)


def fisher_information(*, probs=None, logits=None, validate: bool = True) -> Tensor:
    r"""E[e eᵀ], shape ``(..., K, K)``.

    Logits: diag(p) − p pᵀ with p = softmax(θ), singular (F𝟙 = 0). Probs (weights π,
    s = Σπ, as torch reads them): F_jl = δ_jl / (π_j s) − 1 / s², singular too (Fπ = 0).

    Examples
    --------
    >>> fisher_information(logits=torch.zeros(2))
    tensor([[ 0.2500, -0.2500],
            [-0.2500,  0.2500]])
    >>> fisher_information(probs=torch.tensor([1.0, 1.0]))
    tensor([[ 0.2500, -0.2500],
            [-0.2500,  0.2500]])

    Notes
    -----
    Implements ``eq-categorical-fisher-logits`` and ``eq-categorical-fisher-probs``.
    """
    kind = check.one_of(probs, logits)
    param = check.as_tensor(probs if kind == "probs" else logits, kind)
    if validate:
        (check.weights if kind == "probs" else check.finite_logits)(param)
    if kind == "logits":
        pi = torch.softmax(param, -1)
        return torch.diag_embed(pi) - pi.unsqueeze(-1) * pi.unsqueeze(-2)
    total = param.sum(-1, keepdim=True)
    diag = torch.diag_embed(1 / (param * total))
    return diag - (1 / total**2).unsqueeze(-1)
