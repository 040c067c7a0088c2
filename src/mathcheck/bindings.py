"""Evaluate a formula's bound Python expression (``:torch:``, ``:package:``) at sample points.

The expression sees the page's symbols by their names (``p``, ``pi``, ``theta``, ``k``):
continuous scalars as float64 tensors of shape (rows,), vectors as (rows, K), matrices as
(rows, m, n), indices as 0-dim int64 tensors, other discrete values as 0-dim float64 tensors
(a discrete vector as one (m,) tensor), sizes (``K``, ``n``) as ints.
A name that is a Python keyword gets a trailing underscore (``lambda_``).
``torch`` and ``math`` are there; any other module it names by a dotted path
(``eligibility.bernoulli.eligibility(y, probs=p)``) is imported as written, so the verifier never
imports a book's package unless a page binds a formula to it.
"""

from __future__ import annotations

import contextlib
import importlib
import keyword
import math
import re

import numpy as np

from .domains import DiscreteVector, FiniteSet, IntRange, Matrix
from .errors import FormulaError
from .scope import Scope
from .translate import Translator


def python_name(name: str) -> str:
    """The name code sees: ``lambda`` is a Python keyword, so it becomes ``lambda_``.

    >>> python_name("lambda"), python_name("pi")
    ('lambda_', 'pi')
    """
    return f"{name}_" if keyword.iskeyword(name) else name


def namespace(scope: Scope, assignment: dict, columns: dict[str, np.ndarray], sizes: set[str]):
    import torch

    ns: dict[str, object] = {}
    for name, value in assignment.items():
        dom = scope.declarations[name].domain
        if name in sizes:
            ns[name] = int(value)
        elif isinstance(dom, IntRange):
            ns[name] = torch.tensor(int(value))
        elif isinstance(dom, FiniteSet):
            ns[name] = torch.tensor(float(value), dtype=torch.float64)
        elif isinstance(dom, DiscreteVector):  # y ∈ {0, 1}^m: one (m,) tensor for every point
            ns[name] = torch.tensor([float(v) for v in value], dtype=torch.float64)
    for name, column in columns.items():
        tensor = torch.from_numpy(np.ascontiguousarray(column, dtype=np.float64))
        dom = scope.declarations[name].domain
        if isinstance(dom, Matrix):  # sampled flat, row-major: (rows, m, n) as torch writes it
            tensor = tensor.reshape(len(tensor), -1, _columns(dom, assignment, scope))
        ns[name] = tensor
    return {python_name(name): value for name, value in ns.items()}


def _columns(dom: Matrix, assignment: dict, scope: Scope) -> int:
    return Translator(scope, assignment).size(dom.cols)


def evaluate(expression: str, ns: dict, rows: int, *, what: str, grad_of: str | None = None):
    """Evaluate ``expression``; with ``grad_of``, return d(sum of it)/d(that name) instead."""
    import torch

    glob = {"torch": torch, "math": math, "__builtins__": {}}
    for path in set(re.findall(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", expression)):
        root = path.split(".")[0]
        if root in ns or root in ("torch", "math"):
            continue  # a page's symbol, or what every binding sees anyway
        _import_longest(path)
        with contextlib.suppress(ImportError):
            glob[root] = importlib.import_module(root)
    local = dict(ns)
    target = None
    if grad_of is not None:
        target = local[grad_of].clone().requires_grad_(True)
        local[grad_of] = target
    # an index is an int64 tensor (it may index), and torch computes lgamma(int) in its default
    # dtype: float64 then, or a count k would cost torch.distributions' log_prob 8 digits
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        value = eval(compile(expression, f"<{what}>", "eval"), glob, local)
    except Exception as exc:  # the author's expression: report whatever it raised
        raise FormulaError(f"{what} `{expression}` raised {type(exc).__name__}: {exc}") from None
    finally:
        torch.set_default_dtype(previous)
    if not isinstance(value, torch.Tensor):
        raise FormulaError(f"{what} `{expression}` gave {type(value).__name__}, not a tensor")
    if target is not None:
        grad = None  # a result that does not depend on the target has gradient zero
        if value.requires_grad:
            (grad,) = torch.autograd.grad(value.sum(), target, allow_unused=True)
        value = torch.zeros_like(target) if grad is None else grad
    try:
        return np.broadcast_to(value.detach().double().numpy(), (rows, *value.shape[1:]))
    except ValueError:
        raise FormulaError(
            f"{what} `{expression}` gave shape {tuple(value.shape)}; "
            f"expected one value per sample point ({rows},)"
        ) from None


def _import_longest(path: str) -> None:
    """Import ``a``, ``a.b``, ``a.b.c`` … as far as they are modules (``a.b.f`` stops at b)."""
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        try:
            importlib.import_module(".".join(parts[:i]))
        except ImportError:
            return
