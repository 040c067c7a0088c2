r"""Independent references for the eligibility: autograd through ``torch.distributions`` and
central finite differences. Tests and the book compare the closed forms against these.

>>> import torch
>>> probs = torch.tensor([0.69, 0.1, 0.2, 0.01], dtype=torch.float64)
>>> autograd_eligibility(torch.distributions.Categorical, torch.tensor(0), "probs", probs=probs)
tensor([ 0.4493, -1.0000, -1.0000, -1.0000], dtype=torch.float64)
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def _event_dim(dist_cls, name: str) -> int:
    constraint = getattr(dist_cls, "arg_constraints", {}).get(name)
    return getattr(constraint, "event_dim", 0) if constraint is not None else 0


def autograd_eligibility(dist_cls, value, wrt: str, **params) -> Tensor:
    """Per-sample ∂ log_prob(value) / ∂ params[wrt] by ``torch.func.vmap(torch.func.grad)``.

    ``params`` are the distribution's keyword arguments (tensors are batched and broadcast
    with ``value``; others, such as ``total_count``, are passed through). The result has the
    shape of ``params[wrt]`` broadcast to the batch.

    Examples
    --------
    >>> autograd_eligibility(torch.distributions.Bernoulli, torch.tensor([1.0, 0.0]), "probs",
    ...                      probs=torch.tensor(0.25))
    tensor([ 4.0000, -1.3333])
    """
    dist = dist_cls(**params, validate_args=False)
    event = len(dist.event_shape)
    value = torch.as_tensor(value)
    batch = torch.broadcast_shapes(value.shape[: value.dim() - event], dist.batch_shape)
    tensors: dict[str, Tensor] = {}
    for name, param in params.items():
        if isinstance(param, Tensor) and param.is_floating_point():
            trailing = param.shape[param.dim() - _event_dim(dist_cls, name) :]
            tensors[name] = param.expand((*batch, *trailing)).reshape(-1, *trailing)
    statics = {n: p for n, p in params.items() if n not in tensors}
    flat_value = value.expand((*batch, *dist.event_shape)).reshape(-1, *dist.event_shape)
    others = [n for n in tensors if n != wrt]

    def log_prob(target: Tensor, rest: list[Tensor], sample: Tensor) -> Tensor:
        kwargs = {wrt: target, **dict(zip(others, rest, strict=True)), **statics}
        return dist_cls(**kwargs, validate_args=False).log_prob(sample)

    try:
        grads = torch.func.vmap(torch.func.grad(log_prob))(
            tensors[wrt], [tensors[n] for n in others], flat_value
        )
    except RuntimeError:
        # some log_probs (Multinomial's boolean-mask indexing) cannot be vmapped: samples are
        # independent, so the gradient of the summed log_prob w.r.t. a per-sample copy of the
        # parameter is the same per-sample gradient
        leaf = tensors[wrt].detach().clone().requires_grad_(True)
        total = log_prob(leaf, [tensors[n] for n in others], flat_value).sum()
        (grads,) = torch.autograd.grad(total, leaf)
    return grads.reshape((*batch, *tensors[wrt].shape[1:]))


def autograd_loop_eligibility(dist_cls, value, wrt: str, **params) -> Tensor:
    """The same as :func:`autograd_eligibility`, one ``torch.autograd.grad`` per sample.

    The slow, obviously-correct reference (and the benchmark's per-sample loop).

    Examples
    --------
    >>> autograd_loop_eligibility(torch.distributions.Bernoulli, torch.tensor([1.0, 0.0]),
    ...                           "logits", logits=torch.tensor(0.0))
    tensor([ 0.5000, -0.5000])
    """
    dist = dist_cls(**params, validate_args=False)
    event = len(dist.event_shape)
    value = torch.as_tensor(value)
    batch = torch.broadcast_shapes(value.shape[: value.dim() - event], dist.batch_shape)
    trailing = params[wrt].shape[params[wrt].dim() - _event_dim(dist_cls, wrt) :]
    target = params[wrt].expand((*batch, *trailing)).reshape(-1, *trailing)
    flat_value = value.expand((*batch, *dist.event_shape)).reshape(-1, *dist.event_shape)
    rows = []
    for i in range(target.shape[0]):
        leaf = target[i].detach().clone().requires_grad_(True)
        kwargs = {**params, wrt: leaf}
        for name, param in params.items():
            if name != wrt and isinstance(param, Tensor) and param.is_floating_point():
                trail = param.shape[param.dim() - _event_dim(dist_cls, name) :]
                kwargs[name] = param.expand((*batch, *trail)).reshape(-1, *trail)[i]
        logp = dist_cls(**kwargs, validate_args=False).log_prob(flat_value[i])
        (grad,) = torch.autograd.grad(logp, leaf)
        rows.append(grad)
    return torch.stack(rows).reshape((*batch, *trailing))


def finite_difference(fn: Callable[[Tensor], Tensor], param: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences of ``fn(param).sum()`` for every element of ``param``, in float64.

    For per-sample eligibilities, pass ``param`` already broadcast to the batch: each output
    then depends on its own slice and the sum's gradient is the per-sample gradient.

    Examples
    --------
    >>> finite_difference(lambda p: torch.log(p), torch.tensor([0.5, 2.0]))
    tensor([2.0000, 0.5000], dtype=torch.float64)
    """
    base = param.detach().to(torch.float64)
    flat = base.reshape(-1)
    out = torch.empty_like(flat)
    for i in range(flat.numel()):
        up, down = flat.clone(), flat.clone()
        step = eps * max(1.0, abs(float(flat[i])))
        up[i] += step
        down[i] -= step
        diff = fn(up.reshape(base.shape)).sum() - fn(down.reshape(base.shape)).sum()
        out[i] = diff / (2 * step)
    return out.reshape(base.shape)
