r"""The values formulas compute with: scalars, vectors, matrices, and constants sized by context.

A scalar is a sympy expression; a vector or a matrix is a ``sympy.ImmutableMatrix`` (a vector is
a column, ``v^{\top}`` a row); a product that leaves a 1 × 1 matrix (``\theta^{\top} x``) is a
scalar again. The ones vector ``\mathbf{1}``, the zero vector ``\mathbf{0}``, the basis vector
``\mathbf{e}_k`` and the identity ``\mathbf{I}`` are :class:`Sized`-by-context constants: their
size is the one the other operand of a sum or product gives them, as in the field's writing
(``\mathbf{e}_k - \pi``, ``\mathbf{1}^{\top} \pi``). Operands whose shapes do not conform raise a
:class:`ShapeError` naming both shapes.

>>> import sympy
>>> a, b = sympy.symbols("a b")
>>> v = Matrix([a, b])
>>> mul(transpose(v), v)
a**2 + b**2
>>> add(ONES, v)
Matrix([
[a + 1],
[b + 1]])
>>> mul(v, v)
Traceback (most recent call last):
...
mathcheck.values.ShapeError: cannot multiply a vector of 2 components by a vector of 2 ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import sympy

from .errors import ScopeError

Matrix = sympy.ImmutableMatrix


class ShapeError(ScopeError):
    """Operands whose shapes do not conform (a 3-vector plus a 2-vector, a scalar = a vector)."""


class Sized:
    """A value whose size the context gives: ones, zeros, a basis vector, the identity, and
    sums, multiples, transposes and outer products of them (``\\mathbf{e}_k - \\mathbf{1}``,
    ``\\mathbf{e}_k \\mathbf{e}_k^{\\top}``).

    ``orient`` is ``column``, ``row`` or ``square``; ``build(n)`` is the value at size n.
    """

    def __init__(self, orient: str, build: Callable[[int], Matrix], name: str):
        self.orient = orient
        self.build = build
        self.name = name

    def at(self, n: int) -> Matrix:
        """The value at size ``n`` (a column, a row or an n × n matrix)."""
        return Matrix(self.build(n))

    def describe(self) -> str:
        return f"{self.name} (sized by what it meets)"

    def map(self, fn: Callable[[Matrix], Matrix], name: str | None = None, orient=None) -> Sized:
        return Sized(orient or self.orient, lambda n: fn(self.at(n)), name or self.name)

    def __repr__(self) -> str:
        return f"Sized({self.orient}, {self.name})"


def _constant(kind: str, index: int | None = None) -> Sized:
    if kind == "identity":
        return Sized("square", lambda n: sympy.eye(n), "I")

    def build(n: int) -> Matrix:
        if kind == "basis" and not 1 <= index <= n:
            raise ShapeError(f"the basis vector e_{index} has no component {index} in ℝ^{n}")
        fill = {"ones": 1, "zeros": 0}
        return Matrix([fill[kind] if kind != "basis" else int(i + 1 == index) for i in range(n)])

    name = {"ones": "𝟏", "zeros": "𝟎", "basis": f"e_{index}"}[kind]
    return Sized("column", build, name)


ONES, ZEROS, IDENTITY = _constant("ones"), _constant("zeros"), _constant("identity")

Value = sympy.Expr | Matrix | Sized


def basis(k: int) -> Sized:
    """``\\mathbf{e}_k``: the k-th standard basis vector, sized by context."""
    return _constant("basis", k)


# --- what a value is ---------------------------------------------------------------------------


def is_matrix(value: Value) -> bool:
    return isinstance(value, sympy.MatrixBase)


def is_scalar(value: Value) -> bool:
    return not isinstance(value, sympy.MatrixBase | Sized)


def describe(value: Value) -> str:
    """``a scalar``, ``a vector of 3 components``, ``a row vector of 3``, ``a 2×3 matrix``.

    >>> describe(Matrix([[1, 2, 3]])), describe(Matrix([1, 2])), describe(sympy.Integer(1))
    ('a row vector of 3 components', 'a vector of 2 components', 'a scalar')
    """
    if isinstance(value, Sized):
        return value.describe()
    if not is_matrix(value):
        return "a scalar"
    rows, cols = value.shape
    if cols == 1:
        return f"a vector of {rows} components"
    if rows == 1:
        return f"a row vector of {cols} components"
    return f"a {rows}×{cols} matrix"


def _scalar_of(value: Matrix) -> Value:
    """A 1 × 1 product is the scalar it holds (θ^⊤x is a number)."""
    return value[0, 0] if value.shape == (1, 1) else value


# --- arithmetic ----------------------------------------------------------------------------------


def add(a: Value, b: Value) -> Value:
    """``a + b``: scalars, or values of one shape (a constant sized by context takes theirs)."""
    if is_scalar(a) and is_scalar(b):
        return a + b
    if isinstance(a, Sized) and isinstance(b, Sized) and a.orient == b.orient:
        return Sized(a.orient, lambda n: a.at(n) + b.at(n), f"{a.name} + {b.name}")
    a, b = _fit(a, b, "add")
    if is_matrix(a) and is_matrix(b) and a.shape == b.shape:
        return a + b
    raise ShapeError(f"cannot add {describe(a)} and {describe(b)}")


def total(values: Iterable[Value]) -> Value:
    """The sum of ``values`` (0 for none); scalars use one ``sympy.Add``, which is fast."""
    values = list(values)
    if all(is_scalar(v) for v in values):
        return sympy.Add(*values)
    return functools.reduce(add, values)


def neg(a: Value) -> Value:
    if isinstance(a, Sized):
        return a.map(lambda m: -m, f"−{a.name}")
    return -a


def _fit(a: Value, b: Value, what: str) -> tuple[Value, Value]:
    """Give a sized-by-context constant the shape of the matrix it meets in a sum."""
    if isinstance(a, Sized) and is_matrix(b):
        return _sized_like(a, b, what), b
    if isinstance(b, Sized) and is_matrix(a):
        return a, _sized_like(b, a, what)
    if isinstance(a, Sized) and isinstance(b, Sized):
        raise ShapeError(f"cannot {what} {a.describe()} and {b.describe()}: neither has a size")
    return a, b


def _sized_like(constant: Sized, other: Matrix, what: str) -> Matrix:
    rows, cols = other.shape
    if constant.orient == "column" and rows == 1 and what == "compare":
        constant = transpose(constant)  # a vector compared with a row of its components
    want = {"column": cols == 1, "row": rows == 1, "square": rows == cols}[constant.orient]
    if not want:
        raise ShapeError(f"cannot {what} {constant.describe()} and {describe(other)}")
    return constant.at(rows if constant.orient != "row" else cols)


def mul(a: Value, b: Value) -> Value:
    """Juxtaposition ``a b``: a scalar scales; two matrices multiply (rows × columns)."""
    if is_scalar(a) or is_scalar(b):
        if is_scalar(a) and is_scalar(b):
            return a * b
        if isinstance(a, Sized):
            return a.map(lambda m: m * b)
        if isinstance(b, Sized):
            return b.map(lambda m: a * m)
        return a * b
    if isinstance(a, Sized) and isinstance(b, Sized) and (a.orient, b.orient) == ("column", "row"):
        return Sized("square", lambda n: a.at(n) * b.at(n), f"{a.name} {b.name}ᵀ")
    a, b = _fit_product(a, b)
    if a.shape[1] != b.shape[0]:
        hint = None
        if a.shape == b.shape and 1 in a.shape:
            hint = "write a^{\\top} b for an inner product, a b^{\\top} for an outer one"
        raise ShapeError(
            f"cannot multiply {describe(a)} by {describe(b)}",
            hint=hint,
        )
    return _scalar_of(Matrix(a * b))


def _fit_product(a: Value, b: Value) -> tuple[Matrix, Matrix]:
    """Size a constant in a product by the dimension it must share with the other factor."""
    if isinstance(a, Sized) and isinstance(b, Sized):
        raise ShapeError(f"cannot multiply {a.describe()} by {b.describe()}: neither has a size")
    if isinstance(a, Sized):  # a (· × n) times b (n × ·): a's inner size is b's rows
        if a.orient == "column" and b.shape[0] != 1:
            raise ShapeError(f"cannot multiply {a.describe()} by {describe(b)}")
        n = b.shape[0] if a.orient != "column" else None
        if n is None:
            raise ShapeError(
                f"the size of {a.describe()} is not known in this product",
                hint="give it a size, e.g. \\mathbf{1}_{K}",
            )
        return a.at(n), b
    if isinstance(b, Sized):  # b's inner size is a's columns
        if b.orient == "row" and a.shape[1] != 1:
            raise ShapeError(f"cannot multiply {describe(a)} by {b.describe()}")
        if b.orient == "row":
            raise ShapeError(
                f"the size of {b.describe()} is not known in this product",
                hint="give it a size, e.g. \\mathbf{1}_{K}",
            )
        return a, b.at(a.shape[1])
    return a, b


def dot(a: Value, b: Value) -> Value:
    """``a \\cdot b``: the inner product of two vectors of one shape, else a product."""
    if is_matrix(a) and is_matrix(b) and a.shape == b.shape and 1 in a.shape:
        return sum((x * y for x, y in zip(a, b, strict=True)), sympy.Integer(0))
    if isinstance(a, Sized) and is_matrix(b) and 1 in b.shape:
        return dot(_sized_like(a, b, "multiply"), b)
    if isinstance(b, Sized) and is_matrix(a) and 1 in a.shape:
        return dot(a, _sized_like(b, a, "multiply"))
    return mul(a, b)


def hadamard(a: Value, b: Value) -> Value:
    """``a \\odot b``: the component-wise product of two values of one shape."""
    a, b = _fit(a, b, "multiply component-wise")
    if is_scalar(a) or is_scalar(b):
        return mul(a, b)
    if a.shape != b.shape:
        raise ShapeError(f"cannot multiply {describe(a)} and {describe(b)} component-wise")
    return Matrix(a.shape[0], a.shape[1], [x * y for x, y in zip(a, b, strict=True)])


def div(a: Value, b: Value) -> Value:
    """``a / b``: division by a scalar (component-wise for a vector or a matrix)."""
    if is_scalar(b):
        if isinstance(a, Sized):
            return a.map(lambda m: m / b)
        return a / b
    raise ShapeError(f"cannot divide by {describe(b)}", hint="write the inverse as A^{-1}")


def power(a: Value, exponent: Value) -> Value:
    """``a^{e}``: scalars; for a square matrix, a whole power or the inverse ``A^{-1}``."""
    if is_scalar(a) and is_scalar(exponent):
        return a**exponent
    if not is_scalar(exponent):
        raise ShapeError(f"an exponent must be a scalar; got {describe(exponent)}")
    if isinstance(a, Sized):
        raise ShapeError(f"cannot raise {a.describe()} to a power")
    rows, cols = a.shape
    if rows != cols or not (isinstance(exponent, sympy.Integer)):
        raise ShapeError(
            f"cannot raise {describe(a)} to the power {exponent}",
            hint="write v^{\\top} v for a squared norm; only square matrices have powers",
        )
    if exponent < 0:
        return Matrix(a.inv()) ** int(-exponent)
    return Matrix(a ** int(exponent))


def transpose(a: Value) -> Value:
    if isinstance(a, Sized):
        flip = {"column": "row", "row": "column", "square": "square"}[a.orient]
        return a.map(lambda m: m.T, f"{a.name}ᵀ", orient=flip)
    return a.T if is_matrix(a) else a


def apply(fn: Callable[[sympy.Expr], sympy.Expr], a: Value) -> Value:
    """A scalar function applied component-wise (``\\exp(v)``, ``\\sigma(W x)``)."""
    if isinstance(a, Sized):
        return a.map(lambda m: m.applyfunc(fn))
    return a.applyfunc(fn) if is_matrix(a) else fn(a)


def _unsized(a: Sized) -> Matrix:
    raise ShapeError(
        f"the size of {a.describe()} is not known here", hint="give it a size: \\mathbf{1}_{K}"
    )


# --- vector functions ------------------------------------------------------------------------


def column(value: Value, what: str) -> Matrix:
    """``value`` as a column vector, or a ShapeError naming ``what`` needs one."""
    if isinstance(value, Sized):
        _unsized(value)
    if is_matrix(value) and value.shape[1] == 1:
        return value
    if is_matrix(value) and value.shape[0] == 1:
        return value.T
    raise ShapeError(f"{what} takes a vector; got {describe(value)}")


def softmax(value: Value) -> Matrix:
    """exp(v_k) / Σ_i exp(v_i), a vector like its argument.

    >>> softmax(Matrix([0, 0]))
    Matrix([
    [1/2],
    [1/2]])
    """
    v = column(value, "softmax")
    exps = [sympy.exp(c) for c in v]
    norm = sympy.Add(*exps)
    return Matrix([e / norm for e in exps])


def diag(value: Value) -> Matrix:
    """``\\operatorname{diag}(v)``: the square matrix with v on its diagonal."""
    v = column(value, "diag")
    return Matrix(sympy.diag(*v))


def trace(value: Value) -> sympy.Expr:
    if not (is_matrix(value) and value.shape[0] == value.shape[1]):
        raise ShapeError(f"a trace takes a square matrix; got {describe(value)}")
    return value.trace()


def determinant(value: Value) -> sympy.Expr:
    if not (is_matrix(value) and value.shape[0] == value.shape[1]):
        raise ShapeError(f"a determinant takes a square matrix; got {describe(value)}")
    return value.det()


def component(value: Value, indices: list[int], what: str) -> sympy.Expr:
    """Component ``indices`` (1-based) of a vector (one index) or a matrix (two)."""
    if isinstance(value, Sized):
        _unsized(value)
    if not is_matrix(value):
        raise ShapeError(f"{what} is a scalar; it takes no index")
    rows, cols = value.shape
    if len(indices) == 1 and 1 in (rows, cols):
        (i,) = indices
        size = max(rows, cols) if (rows, cols) != (1, 1) else 1
        if not 1 <= i <= size:
            raise ShapeError(f"index {i} of {what} is outside 1..{size}")
        return value[i - 1]
    if len(indices) == 2:
        i, j = indices
        if not (1 <= i <= rows and 1 <= j <= cols):
            raise ShapeError(f"index ({i}, {j}) of {what} is outside its {rows}×{cols} shape")
        return value[i - 1, j - 1]
    raise ShapeError(f"{what} is {describe(value)}; it takes {1 if 1 in (rows, cols) else 2} index")


# --- relations between sides ---------------------------------------------------------------------


def conform(sides: list[Value], names: list[str]) -> list[Value]:
    """Sides of one relation, all of one shape: a constant sized by context takes the shape of
    the sides around it, and a literal 0 is the zero of any shape.

    >>> import sympy
    >>> conform([Matrix([1, 2]), sympy.Integer(0)], ["lhs", "rhs"])
    [Matrix([
    [1],
    [2]]), Matrix([
    [0],
    [0]])]
    """
    shaped = [s for s in sides if is_matrix(s)]
    if not shaped:
        if any(isinstance(s, Sized) for s in sides):
            raise ShapeError(
                "the size of 𝟏, 𝟎 or e_k is not known: no side of the relation has a size",
                hint="give it a size, e.g. \\mathbf{0}_{K}",
            )
        return sides
    shape = shaped[0].shape
    out: list[Value] = []
    for side, name in zip(sides, names, strict=True):
        if isinstance(side, Sized):
            side = _sized_like(side, shaped[0], "compare")
        elif is_scalar(side) and side == 0:
            side = Matrix.zeros(*shape)
        if is_matrix(side) and 1 in shape and side.shape == shape[::-1]:
            side = side.T  # (a, b) written on a line is the column it equals, component-wise
        if not is_matrix(side) or side.shape != shape:
            first = names[sides.index(shaped[0])]
            raise ShapeError(
                f"the sides do not conform: {first} is {describe(shaped[0])}, "
                f"{name} is {describe(side)}",
                hint="both sides of a relation have one shape (0 is the zero of any shape)",
            )
        out.append(side)
    return out


def components(values: list[Value]) -> list[tuple[tuple[int, ...] | None, list[sympy.Expr]]]:
    """Split values of one shape into one list of scalars per component, with its 0-based index.

    All scalars give one entry with index None (the fast path of every scalar formula).

    >>> components([Matrix([1, 2]), Matrix([3, 4])])
    [((0, 0), [1, 3]), ((1, 0), [2, 4])]
    """
    if all(is_scalar(v) for v in values):
        return [(None, values)]
    shaped = conform(values, [f"expression {n + 1}" for n in range(len(values))])
    rows, cols = shaped[0].shape
    return [((i, j), [v[i, j] for v in shaped]) for i in range(rows) for j in range(cols)]
