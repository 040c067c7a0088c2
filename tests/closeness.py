"""How closely a closed form must match its reference, and the dtypes and batch shapes the
property tests draw from.

float64: 1e-9 relative. float32: 2e-4 relative to the largest component of the tensor
compared: the closed forms and torch's log_prob round differently, and a component can be the
difference of two terms of size 1/π ~ 1e3 (weights drawn down to 1e-3), so float32 rounding of
~6e-8 per operation leaves errors up to ~1e-4 of the tensor's scale.
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st

dtypes = st.sampled_from([torch.float64, torch.float32])
batch_shapes = st.sampled_from([(), (3,), (2, 3)])


def close(actual: torch.Tensor, expected: torch.Tensor, dtype: torch.dtype) -> None:
    """Assert ``actual`` matches the reference ``expected`` to the tolerance of ``dtype``."""
    if dtype == torch.float32:
        scale = max(1.0, float(expected.abs().max()))
        torch.testing.assert_close(actual.double(), expected.double(), rtol=2e-4, atol=2e-4 * scale)
    else:
        torch.testing.assert_close(actual, expected.to(actual.dtype), rtol=1e-9, atol=1e-12)
