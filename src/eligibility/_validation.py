"""Input checks shared by the distribution modules.

Every check raises :class:`ValueError` naming the argument and the rule it broke, before any
arithmetic. Callers skip them all with ``validate=False`` (as torch's ``validate_args``).
"""

from __future__ import annotations

import torch
from torch import Tensor


def as_tensor(x, name: str, *, like: Tensor | None = None) -> Tensor:
    """``x`` as a floating tensor (keeping float32/float64; ints become the default dtype)."""
    if isinstance(x, Tensor):
        return x if x.is_floating_point() else x.to(torch.get_default_dtype())
    dtype = like.dtype if like is not None and like.is_floating_point() else None
    try:
        return torch.as_tensor(x, dtype=dtype or torch.get_default_dtype())
    except (TypeError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{name} must be a number or a tensor of numbers; got {x!r}") from exc


def _where(mask: Tensor) -> str:
    index = tuple(int(i) for i in torch.nonzero(mask)[0])
    return f"index {index[0]}" if len(index) == 1 else f"index {index}"


def one_of(probs, logits) -> str:
    """Which parameterisation was passed: exactly one of probs or logits."""
    if (probs is None) == (logits is None):
        raise ValueError("pass exactly one of probs or logits")
    return "probs" if probs is not None else "logits"


def not_nan(x: Tensor, name: str) -> None:
    if torch.isnan(x).any():
        raise ValueError(f"{name} must not be NaN; got NaN at {_where(torch.isnan(x))}")


def weights(probs: Tensor, name: str = "probs") -> None:
    """Non-negative, finite, not NaN, and not all zero along the last dimension."""
    not_nan(probs, name)
    if (probs < 0).any():
        bad = probs < 0
        raise ValueError(
            f"{name} must be non-negative; got {probs[bad][0].item():g} at {_where(bad)}"
        )
    if torch.isinf(probs).any():
        raise ValueError(f"{name} must be finite; got inf at {_where(torch.isinf(probs))}")
    if (probs.sum(-1) == 0).any():
        raise ValueError(f"{name} must not be all zero along the last dimension")


def probability(p: Tensor, name: str = "probs") -> None:
    """A Bernoulli probability: in [0, 1]."""
    not_nan(p, name)
    bad = (p < 0) | (p > 1)
    if bad.any():
        raise ValueError(f"{name} must lie in [0, 1]; got {p[bad][0].item():g} at {_where(bad)}")


def finite_logits(logits: Tensor, name: str = "logits") -> None:
    not_nan(logits, name)


def positive(x: Tensor, name: str) -> None:
    not_nan(x, name)
    bad = ~(x > 0)
    if bad.any():
        raise ValueError(f"{name} must be positive; got {x[bad][0].item():g} at {_where(bad)}")


def binary(value: Tensor) -> None:
    not_nan(value, "value")
    bad = (value != 0) & (value != 1)
    if bad.any():
        raise ValueError(
            f"value must be 0 or 1 for Bernoulli; got {value[bad][0].item():g} at {_where(bad)}"
        )


def class_index(value: Tensor, num_classes: int) -> None:
    if value.is_floating_point():
        not_nan(value, "value")
        bad = value != torch.round(value)
        if bad.any():
            raise ValueError(
                f"value must be an integer class index; got {value[bad][0].item():g} at "
                f"{_where(bad)}"
            )
    bad = (value < 0) | (value >= num_classes)
    if bad.any():
        raise ValueError(
            f"value must be an integer class index in [0, K) with K={num_classes}; "
            f"got {value[bad][0].item():g} at {_where(bad)}"
        )


def counts(value: Tensor, total_count: int) -> None:
    not_nan(value, "value")
    if (value < 0).any():
        bad = value < 0
        raise ValueError(f"value counts must be non-negative; got {value[bad][0].item():g}")
    if (value != torch.round(value)).any():
        bad = value != torch.round(value)
        raise ValueError(f"value counts must be integers; got {value[bad][0].item():g}")
    sums = value.sum(-1)
    if (sums != total_count).any():
        bad = sums != total_count
        raise ValueError(
            f"value counts must sum to total_count={total_count}; got {sums[bad][0].item():g}"
        )


def count(total_count) -> int:
    """total_count: a non-negative whole number."""
    if isinstance(total_count, Tensor):
        if total_count.numel() != 1:
            raise ValueError("total_count must be a single whole number (not a tensor of them)")
        total_count = total_count.item()
    if isinstance(total_count, bool) or int(total_count) != total_count or total_count < 0:
        raise ValueError(f"total_count must be a non-negative whole number; got {total_count!r}")
    return int(total_count)


def broadcast(value_shape: torch.Size, param_shape: torch.Size, event: int = 0) -> torch.Size:
    """The batch shape of value and parameter (the last ``event`` dims of param excluded)."""
    batch = param_shape[: len(param_shape) - event] if event else param_shape
    try:
        return torch.broadcast_shapes(value_shape, batch)
    except RuntimeError:
        kind = "probs/logits" if event else "the parameter"
        raise ValueError(
            f"value of shape {tuple(value_shape)} does not broadcast with {kind} of shape "
            f"{tuple(param_shape)}"
        ) from None


def policy_rewards(rewards, probs, logits, validate: bool) -> tuple[Tensor, Tensor, str]:
    """Validated ``(rewards, parameter, "probs" | "logits")`` of a categorical policy with one
    reward per class (shapes ``(..., K)``)."""
    kind = one_of(probs, logits)
    param = as_tensor(probs if kind == "probs" else logits, kind)
    rewards = as_tensor(rewards, "rewards", like=param)
    if validate:
        if param.dim() == 0:
            raise ValueError(f"{kind} must have a last dimension of K classes; got a scalar")
        if rewards.dim() == 0 or rewards.shape[-1] != param.shape[-1]:
            raise ValueError(
                f"rewards must have a last dimension of K={param.shape[-1]} (one reward per "
                f"class); got shape {tuple(rewards.shape)}"
            )
        not_nan(rewards, "rewards")
        (weights if kind == "probs" else finite_logits)(param)
    return rewards, param, kind
