r"""Read the field's LaTeX notation into a small syntax tree.

The notation is LaTeX math as papers and textbooks print it:

* letters and Greek letters are symbols; ``\pi_k``, ``x_{j}``, ``W_{ij}`` are components;
  ``\bar{r}``, ``\hat{g}``, ``b^{*}`` are decorated names; bold ``\boldsymbol{\theta}``,
  ``\mathbf{W}``, ``\bm{x}`` name the same symbol as plain θ, W, x; a subscripted name the
  page declares (``G_t``, ``\theta_{\mu}``) is that name;
* ``\mathbf{1}``, ``\mathbf{0}``, ``\mathbf{e}_k``, ``\mathbf{I}`` are the ones, zero, basis
  and identity of the size the context gives; ``^{\top}`` transposes; juxtaposition multiplies
  (matrices as matrices), ``\cdot`` between vectors is the inner product, ``\odot`` the
  component-wise one; ``\operatorname{diag}(v)``, ``\operatorname{softmax}(W x)_k``,
  ``(A x)_i`` and ``\begin{pmatrix} … \end{pmatrix}``;
* a page-defined function applies to arguments (``g(y; p)``, ``\pi(a \mid s, \theta)``,
  ``\pi_{\theta}(a \mid s)``) and, written without some or all of them (``\ln g``,
  ``\pi(a \mid s)``), to its own; ``A'(\eta)`` is its derivative;
* ``\ln``, ``\log`` (natural), ``\exp``, ``\sqrt``, ``\tanh``, ``\operatorname{artanh}``,
  ``\sigma(\cdot)`` (the logistic function, unless the page declares ``\sigma``), ``\Gamma``,
  ``\psi`` (digamma), ``\operatorname{B}``, ``\binom{n}{k}``, ``\binom{n}{x_1, \dots, x_K}``,
  ``n!``; ``|x|`` (also ``\lvert x \rvert``);
* ``\frac{\partial \ln g}{\partial p}``, ``\frac{d}{dx}``, ``\frac{d^{2} A}{d\eta^{2}}``,
  ``\nabla_{\theta}``, bare ``\nabla``, ``\nabla^{2}_{\theta}``; ``\sum``, ``\prod``, ``\int``;
  sums and products written with an ellipsis (``x_1 + \dots + x_K``);
* ``\mathbb{E}[\dots]``, ``\mathbb{E}_{y}``, ``\mathbb{E}_{y \sim g}``, ``\mathbb{E}_{p(x;
  \theta)}``, ``\operatorname{Var}``, ``\operatorname{Cov}``; ``\delta_{jk}``,
  ``\mathbb{1}[a = b]``, ``\begin{cases} … \end{cases}``; ``\left. f \right|_{x = a}``;
* a function written without parentheses (``\ln p``, ``\sum_i``, ``\nabla_{\theta}``) applies
  to the rest of the product, up to the next ``+``, ``-`` or relation.

Spacing (``\,``, ``\quad``), sizing (``\left``, ``\Bigl``), alignment (``&``, ``\\``) and
``aligned`` environments are ignored.

>>> [lhs, rhs] = parse_equation(r"e = \frac{y - p}{p(1 - p)}", functions=set())
>>> rhs.den == Mul((Sym("p"), Add((Num("1"), Neg(Sym("p"))))))
True
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .errors import ParseError

# --- syntax tree ----------------------------------------------------------------------------


class Node:
    """Base of the syntax tree."""


@dataclass(frozen=True)
class Num(Node):
    value: str


@dataclass(frozen=True)
class Infinity(Node):
    """``\\infty`` (a bound of a sum or an integral)."""


@dataclass(frozen=True)
class Sym(Node):
    name: str
    indices: tuple[Node, ...] = ()
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Call(Node):
    """A page-defined function or declared map applied to arguments: ``g(y; p)``.

    ``subs`` are its subscripts (``\\pi_{\\theta}(a \\mid s)``: the parameters written below
    the name); ``primes`` its derivative order (``A''(\\eta)``). Arguments left out are the
    definition's own.
    """

    name: str
    args: tuple[Node, ...]
    pos: int = field(default=-1, compare=False)
    subs: tuple[Node, ...] = ()
    primes: int = 0


@dataclass(frozen=True)
class Func(Node):
    """A built-in function of one argument: ln, exp, sqrt, sigma (logistic), logit, atanh
    (the inverse of tanh), softmax, diag, trace."""

    name: str
    arg: Node


@dataclass(frozen=True)
class Special(Node):
    """A special function (see :mod:`mathcheck.special`): gamma, digamma, trigamma, beta."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Component(Node):
    """``(expr)_k``, ``\\operatorname{softmax}(W x)_k``: a component of a computed vector."""

    base: Node
    indices: tuple[Node, ...]
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Const(Node):
    """``\\mathbf{1}``, ``\\mathbf{0}``, ``\\mathbf{I}`` (``size`` None: sized by context)."""

    kind: str  # ones | zeros | identity
    size: Node | None = None


@dataclass(frozen=True)
class Basis(Node):
    """``\\mathbf{e}_k``: the k-th standard basis vector."""

    index: Node
    size: Node | None = None


@dataclass(frozen=True)
class MatrixLit(Node):
    """``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` or a tuple ``(a, b)`` (a row)."""

    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Stack(Node):
    """``(\\theta_1, \\dots, \\theta_K)``: the row of ``body`` for ``var`` from lo to hi."""

    var: str
    lo: Node
    hi: Node
    body: Node


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Mul(Node):
    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Dot(Node):
    """Factors joined by ``\\cdot``: the inner product of two vectors, else a product."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Hadamard(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Div(Node):
    num: Node
    den: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True)
class Transpose(Node):
    arg: Node


@dataclass(frozen=True)
class Factorial(Node):
    arg: Node


@dataclass(frozen=True)
class Binom(Node):
    """``\\binom{n}{k}``; ``k`` a vector or a list (``x_1, \\dots, x_K``) is multinomial."""

    n: Node
    k: Node


@dataclass(frozen=True)
class Derivative(Node):
    """``expr`` differentiated by each ``(variable, order)`` in turn."""

    expr: Node
    wrt: tuple[tuple[Sym, int], ...]


@dataclass(frozen=True)
class Gradient(Node):
    """``\\nabla_{\\theta} expr`` (``order`` 2: the Hessian); ``wrt`` None is a bare ``\\nabla``:
    the parameters of the page's latest density."""

    expr: Node
    wrt: tuple[Sym, ...] | None
    order: int = 1
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class BigOp(Node):
    """``\\sum`` or ``\\prod`` of ``body`` for ``var`` from ``lo`` to ``hi`` (None: its domain)."""

    op: str
    var: str
    lo: Node | None
    hi: Node | None
    body: Node


@dataclass(frozen=True)
class Integral(Node):
    """``\\int_{lo}^{hi} body \\, d var`` (no bounds: over the declared domain of ``var``)."""

    var: str
    lo: Node | None
    hi: Node | None
    body: Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Delta(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    """``left relation right``, a condition of a case or an indicator."""

    relation: str  # one of '=', '≠', '<', '≤', '>', '≥'
    left: Node
    right: Node


@dataclass(frozen=True)
class Indicator(Node):
    """``\\mathbb{1}[a = b]`` (any relation between a and b)."""

    left: Node
    right: Node
    relation: str = "="


@dataclass(frozen=True)
class Cases(Node):
    """``\\begin{cases} value & condition \\\\ … \\end{cases}``; an empty condition is
    ``otherwise``."""

    branches: tuple[tuple[Node, tuple[Compare, ...]], ...]
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class EvalAt(Node):
    """``\\left. body \\right|_{x = a}`` (with ``upper``: ``|_{x=a}^{b}`` = body(b) − body(a))."""

    body: Node
    bindings: tuple[tuple[Sym, Node], ...]
    upper: Node | None = None


@dataclass(frozen=True)
class Expect(Node):
    """``\\mathbb{E}_{…}[body]`` (op ``E``), ``\\operatorname{Var}`` (``Var``) or
    ``\\operatorname{Cov}[body, second]`` (``Cov``).

    ``var`` is the random variable when the subscript names it (``E_y``, ``E_{y \\sim g}``);
    ``dist`` the distribution when the subscript names one (``g``, ``p(x; \\theta)``); ``given``
    a parameter name (``E_{\\theta}``). All None: the page's latest density (see
    :mod:`mathcheck.distributions`).
    """

    var: str | None
    body: Node
    pos: int = field(default=-1, compare=False)
    op: str = "E"
    dist: Node | None = None
    second: Node | None = None


@dataclass(frozen=True)
class Blank(Node):
    """``\\cdot`` as an argument: ``p(\\cdot; \\theta)`` (the random variable's place)."""


def walk(node: Node):
    """Yield ``node`` and every node below it.

    >>> [type(n).__name__ for n in walk(Add((Num("1"), Sym("p"))))]
    ['Add', 'Num', 'Sym']
    """
    yield node
    for value in vars(node).values():
        yield from _nodes_in(value)


def _nodes_in(value):
    """The nodes in a field (Derivative.wrt, Cases and MatrixLit hold tuples of tuples)."""
    if isinstance(value, Node):
        yield from walk(value)
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)


# --- tokens -----------------------------------------------------------------------------------

GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
    "ell",
}
IGNORED = {
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "left",
    "right",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "displaystyle",
    "textstyle",
    "limits",
    "nolimits",
    "nonumber",
    "notag",
    "\\",
    "middle",
    "therefore",  # a row that starts "\\therefore 0 = …" states what follows
    "because",
}
ENVIRONMENTS = {"aligned", "split", "gathered", "align", "align*", "equation", "equation*"}
NESTED = {"cases", "pmatrix", "bmatrix", "matrix", "dcases"}  # read as nodes, rows and cells
DECORATIONS = {
    "bar": "bar",
    "hat": "hat",
    "tilde": "tilde",
    "overline": "bar",
    "widehat": "hat",
    "widetilde": "tilde",
    "mathcal": "cal",  # \mathcal{N}, \mathcal{F}: names of their own
    "mathscr": "scr",
}
BOLD = {"boldsymbol", "mathbf", "bm", "vec", "mathbold", "pmb"}
TEXT = {"text", "mathrm", "textrm", "textnormal", "mbox", "mathsf", "textsf", "operatorname"}
ELLIPSES = {"\\dots", "\\cdots", "\\ldots", "\\dotsb", "\\dotsm", "\\dotsc"}
UNSUPPORTED = {
    "vdots": "a vertical ellipsis is not read: write the vector as (x_1, \\dots, x_K)",
    "ddots": "a diagonal ellipsis is not read: write the matrix with \\operatorname{diag}",
    "partial": "a bare \\partial: write \\frac{\\partial f}{\\partial x} or \\partial_{x} f",
    "succeq": "matrix order is not read: state a scalar inequality, e.g. v^{\\top} F v \\ge 0",
}

# relations between the sides of a formula, and how messages show them
RELATIONS = {
    "=": "=",
    "\\doteq": "=",
    "\\triangleq": "=",
    "\\coloneqq": "=",
    "\\equiv": "=",
    "\\neq": "≠",
    "\\ne": "≠",
    "<": "<",
    "\\lt": "<",
    ">": ">",
    "\\gt": ">",
    "\\le": "≤",
    "\\leq": "≤",
    "\\leqslant": "≤",
    "\\ge": "≥",
    "\\geq": "≥",
    "\\geqslant": "≥",
    "\\approx": "≈",
    "\\propto": "∝",
}
DEFINES = ("=", "\\doteq", "\\triangleq", "\\coloneqq", "\\equiv", ":=")  # what a definition reads

_TOKEN = re.compile(
    r"(?P<cmd>\\(?:left|right)\.|\\(?:begin|end)\{[A-Za-z*]+\}|\\[A-Za-z]+\*?|\\[^A-Za-z])"
    r"|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<letter>[A-Za-z])|(?P<space>\s+)|(?P<char>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # 'cmd', 'num', 'letter', 'char', 'end'
    text: str
    pos: int


def tokenize(latex: str) -> list[Token]:
    r"""Split LaTeX into tokens, dropping spacing, sizing and alignment.

    Inside ``cases`` and matrices, ``&`` and ``\\`` separate cells and rows and are kept.

    >>> [t.text for t in tokenize(r"\left( p \, q \right)^{2}")]
    ['(', 'p', 'q', ')', '^', '{', '2', '}', '']
    """
    latex = _ENV.sub(_blank_environment, latex)
    latex = _DEF_EQUALS.sub(lambda m: " " * (len(m.group()) - 1) + "=", latex)
    latex = _LABELS.sub(_blank_environment, latex)
    tokens: list[Token] = []
    nested = 0
    for match in _TOKEN.finditer(latex):
        kind, text, pos = match.lastgroup, match.group(), match.start()
        if kind == "space":
            continue
        if text in ("&", "\\\\"):
            if nested:
                tokens.append(Token("char" if text == "&" else "cmd", text, pos))
            continue
        if kind == "cmd" and text[1:] in IGNORED:
            continue
        if kind == "cmd" and text.startswith(("\\begin{", "\\end{")):
            name = text[text.index("{") + 1 : -1]
            if name not in NESTED:
                raise ParseError(
                    f"unsupported environment {name}",
                    column=pos,
                    hint="use aligned for multi-line derivations, cases for definitions by "
                    "cases, pmatrix for vectors and matrices",
                )
            nested += 1 if text.startswith("\\begin") else -1
        if text == "\\vert":
            text = "|"
        tokens.append(Token(kind, text, pos))
    tokens.append(Token("end", "", len(latex)))
    return tokens


# \label{…}, \tag{…}: copied with a formula from a paper's source, they say nothing about it
_LABELS = re.compile(r"\\(?:label|tag\*?)\{[^{}]*\}")
# \overset{\text{def}}{=}, \stackrel{\mathrm{def}}{=}: a defining '=' (read as '=')
_DEF_EQUALS = re.compile(r"\\(?:overset|stackrel)\{(?:[^{}]|\{[^{}]*\})*\}\{=\}")
_ENV = re.compile(
    r"\\begin\{subarray\}\{[^}]*\}|\\end\{subarray\}"
    r"|\\(?:begin|end)\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}"
)


def _blank_environment(match: re.Match) -> str:
    # keep offsets so that column numbers still point into the author's text
    return " " * len(match.group())


class _Ellipsis(Node):
    """A ``\\dots`` between terms or factors, before it is read as a sum or product."""

    def __init__(self, pos: int):
        self.pos = pos


# --- parser -----------------------------------------------------------------------------------


class Parser:
    """Recursive-descent reader of one formula.

    ``functions`` are the names the page defined as functions or declared as maps (``g`` in
    ``g(y; p)``); ``symbols`` are the declared symbol names (they shadow built-ins such as
    ``\\sigma``, ``\\Gamma``, ``\\psi``, and name subscripted symbols such as ``G_t``).
    """

    def __init__(self, latex: str, *, functions: set[str], symbols: set[str] = frozenset()):
        self.latex = latex
        self.tokens = tokenize(latex)
        self.i = 0
        self.functions = functions
        self.symbols = symbols
        self._took_rest = False
        self._args = 0  # inside a call's arguments, '|' separates them
        self._integrals = 0  # inside an integral, 'd x' ends its body
        self._norms = 0  # inside \\| … \\|, the next \\| closes it
        self._in_abs = 0  # inside |x|, the next bar closes it
        self._gradients = 0  # inside the operand of ln or ∇, the next ∇ starts a new factor
        self._shape = False  # inside a declared shape m \\times n, \\times separates sizes
        self._conditions = 0  # inside a case's condition, \\text{and} ends a term
        self._series_count = 0  # fresh names for the index of a sum written with an ellipsis

    # token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def at(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind != "end"

    def take(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def expect(self, text: str, hint: str | None = None) -> Token:
        if not self.at(text):
            found = self.tok.text or "end of formula"
            if self.tok.text in RELATIONS and text in ("}", ")", "]"):
                raise ParseError(
                    f"{found} is not read by the verifier",
                    column=self.tok.pos,
                    hint="a relation stands between the sides of a formula; inside a bracket, "
                    "write a condition as \\mathbb{1}[a = b] or in a cases environment",
                )
            raise ParseError(
                f"expected '{text}' but found '{found}'", column=self.tok.pos, hint=hint
            )
        return self.take()

    def error(self, message: str, hint: str | None = None) -> ParseError:
        return ParseError(message, column=self.tok.pos, hint=hint)

    def _at_relation(self) -> bool:
        if self.tok.kind == "end":
            return False
        return self.tok.text in RELATIONS or (self.at(":") and self.peek().text == "=")

    def _relation(self) -> str:
        if self.at(":"):
            self.take()
            self.take()
            return "="
        return RELATIONS[self.take().text]

    # grammar
    def equation(self) -> list[Node]:
        """``a = b ≤ c``: the sides; ``relations`` and ``side_starts`` say what joins them and
        where each side starts."""
        self.side_starts = [self.tok.pos]
        self.relations: list[str] = []
        sides = [self.expr()]
        while self._at_relation():
            self.relations.append(self._relation())
            self.side_starts.append(self.tok.pos)
            sides.append(self.expr())
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}'", hint=self._hint_for(self.tok))
        return sides

    def expr(self) -> Node:
        terms: list[Node] = []
        signs: list[int] = []
        sign = 1
        if self.at("+") or self.at("-"):
            sign = -1 if self.take().text == "-" else 1
        while True:
            terms.append(self.term())
            signs.append(sign)
            if not (self.at("+") or self.at("-")):
                break
            sign = -1 if self.take().text == "-" else 1
        node = self._sum(terms, signs)
        if self.at("|") and self.peek().text == "_":
            node = self.evaluated_at(node)
        return node

    def _sum(self, terms: list[Node], signs: list[int]) -> Node:
        """Terms with their signs; ``a_1 + \\dots + a_K`` becomes a sum over an index."""
        out: list[Node] = []
        i = 0
        while i < len(terms):
            if isinstance(terms[i], _Ellipsis):
                if not out or i + 1 == len(terms) or -1 in (signs[i], signs[i + 1]):
                    raise ParseError(
                        "an ellipsis sums terms written as a_1 + \\dots + a_K",
                        column=terms[i].pos,
                        hint="write the first and the last term around + \\dots +, or "
                        "\\sum_{i=1}^{K}",
                    )
                used, node = self._series(out, terms[i + 1], "sum", terms[i].pos)
                del out[len(out) - used :]
                out.append(node)
                i += 2
                continue
            term = terms[i]
            out.append(Neg(term) if signs[i] < 0 else term)
            i += 1
        return out[0] if len(out) == 1 else Add(tuple(out))

    def _series(self, before: list[Node], last: Node, op: str, pos: int) -> tuple[int, Node]:
        """``before[-k:] … last`` as ``\\sum``/``\\prod`` (or a Stack for ``op`` "stack"):
        how many items of ``before`` it used, and the node."""
        first = before[-1]
        pairs = _differences(first, last)
        if not pairs or any(not _is_int(a) for a, _ in pairs):
            raise ParseError(
                "cannot read the pattern around the ellipsis",
                column=pos,
                hint="the first and the last item must differ only in an index, as in "
                "x_1 + \\dots + x_K",
            )
        start = int(pairs[0][0].value)
        hi = pairs[0][1]
        if any(int(a.value) != start or b != hi for a, b in pairs):
            raise ParseError(
                "the items around the ellipsis differ in more than one index", column=pos
            )
        self._series_count += 1
        var = f"i{self._series_count}_series"
        template = _substitute(first, pairs, Sym(var))
        used = 1
        while (
            used < len(before) and _substitute_index(template, var, start - 1) == before[-used - 1]
        ):
            used += 1
            start -= 1
        lo = Num(str(start)) if start >= 0 else Neg(Num(str(-start)))
        if op == "stack":
            return used, Stack(var, lo, hi, template)
        return used, BigOp(op, var, lo, hi, template)

    def evaluated_at(self, body: Node) -> Node:
        """``body |_{x = a}`` (or ``|_{x=a}^{b}``, the difference between b and a)."""
        self.expect("|")
        self.expect("_")
        braced = self.at("{")
        if braced:
            self.take()
        bindings = [self._binding()]
        while braced and self.at(","):
            self.take()
            bindings.append(self._binding())
        if braced:
            self.expect("}")
        upper = None
        if self.at("^"):
            self.take()
            upper = self.script()
            if len(bindings) != 1:
                raise self.error("evaluation between bounds takes one variable")
        return EvalAt(body, tuple(bindings), upper)

    def _binding(self) -> tuple[Sym, Node]:
        var = self.symbol_or_call(allow_call=False)
        if not isinstance(var, Sym):
            raise self.error("evaluate at a symbol's value", hint="write |_{\\theta = 0}")
        self.expect("=", hint="an evaluation bar reads |_{x = a}")
        return var, self.expr()

    def _ends_term(self) -> bool:
        tok = self.tok
        if tok.kind == "end":
            return True
        if tok.text in {"+", "-", ")", "]", "}", ",", ";", "\\}", "&", "\\\\", "\\mid", "\\sim"}:
            return True
        if tok.text in ("\\rangle", "\\rVert") or (self._norms and tok.text in ("\\|", "\\Vert")):
            return True
        if tok.text.startswith("\\end{") or tok.text == "\\right.":
            return True
        if self._conditions and tok.text[1:] in TEXT:
            return True
        if self._shape and tok.text == "\\times":
            return True
        if self._gradients and tok.text == "\\nabla":
            return True
        if tok.text == "|" and (self._args or self._in_abs or self.peek().text == "_"):
            return True
        if tok.text == "\\rvert":
            return True
        if self._integrals and self._at_differential():
            return True
        return self._at_relation()

    def term(self) -> Node:
        factors: list[Node] = []
        dots: list[int] = []  # positions in factors after which a \cdot stood
        while not self._ends_term():
            if self.tok.text in ("\\cdot", "\\times", "*"):
                if not factors:
                    raise self.error(f"'{self.tok.text}' needs a factor before it")
                if self.take().text == "\\cdot":
                    dots.append(len(factors))
                continue
            if self.at("\\odot"):
                self.take()
                if not factors:
                    raise self.error("'\\odot' needs a factor before it")
                factors[-1] = Hadamard(factors[-1], self.postfix(self.atom()))
                continue
            if self.at("/"):
                self.take()
                if not factors:
                    raise self.error("'/' needs a numerator before it")
                factors[-1] = Div(factors[-1], self._solidus_denominator())
                continue
            if self.tok.text in ELLIPSES:
                factors.append(_Ellipsis(self.take().pos))
                continue
            prefix = self.prefix_operator()
            if prefix is not None:
                if self._took_rest:
                    factors.append(prefix)
                    break  # a prefix operator took the rest of the product
                factors.append(self.postfix(prefix))  # \mathbb{E}[x]^{2}
                continue
            factors.append(self.postfix(self.atom()))
        if not factors:
            raise self.error(
                f"expected a term but found '{self.tok.text or 'end of formula'}'",
            )
        if len(factors) == 1:
            return factors[0]
        factors = self._products(factors, dots)
        if not dots:
            return factors[0] if len(factors) == 1 else Mul(tuple(factors))
        groups, start = [], 0
        for cut in [*dots, len(factors)]:
            part = factors[start:cut]
            groups.append(part[0] if len(part) == 1 else Mul(tuple(part)))
            start = cut
        return Dot(tuple(g for g in groups if g is not None))

    def _products(self, factors: list[Node], dots: list[int]) -> list[Node]:
        """``x_1! \\cdots x_K!`` (an ellipsis between factors) as a product over an index."""
        if not any(isinstance(f, _Ellipsis) for f in factors):
            return factors
        out: list[Node] = []
        i = 0
        while i < len(factors):
            if isinstance(factors[i], _Ellipsis):
                if not out or i + 1 == len(factors):
                    raise ParseError(
                        "an ellipsis multiplies factors written as x_1 \\cdots x_K",
                        column=factors[i].pos,
                    )
                used, node = self._series(out, factors[i + 1], "prod", factors[i].pos)
                del out[len(out) - used :]
                out.append(node)
                i += 2
                continue
            out.append(factors[i])
            i += 1
        dots.clear()  # a \cdot next to the ellipsis only joined the factors of the product
        return out

    def _solidus_denominator(self) -> Node:
        """After '/': one factor, or a number with the letters written against it
        (``/2\\sigma^{2}`` is /(2σ²), as in print)."""
        den = self.postfix(self.atom())
        if not isinstance(den, Num):
            return den
        factors = [den]
        while self.tok.kind == "letter" or (
            self.tok.kind == "cmd" and self.tok.text[1:] in GREEK and self.peek().text != "("
        ):
            factors.append(self.postfix(self.atom()))
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def prefix_operator(self) -> Node | None:
        """Operators that apply to the rest of the product: \\ln p q, \\sum_i, d/dp, ∇, E."""
        tok = self.tok
        self._took_rest = True
        if tok.text in _FUNC and self.peek().text not in ("(", "^"):
            self.take()
            if self.at("_"):
                raise self.error("only the natural logarithm is read", hint="write \\ln or \\log")
            return Func(_FUNC[tok.text], self._operand())
        if tok.text in ("\\sum", "\\prod"):
            return self.big_operator()
        if tok.text in ("\\frac", "\\dfrac", "\\tfrac") and self._is_derivative_operator():
            return self.derivative()
        if tok.text == "\\nabla":
            return self.gradient()
        if tok.text == "\\underE":
            self._expand_under_e()
            return self.prefix_operator()
        if tok.text == "\\int":
            return self.integral()
        if tok.text == "\\partial" and self.peek().text == "_":
            self.take()
            self.take()
            var = self._differentiation_variable()
            return Derivative(self.term(), ((var, 1),))
        moment = self._moment_operator()
        if moment is not None:
            return self.moment(*moment)
        return None

    def _moment_operator(self) -> tuple[str, int] | None:
        """(operator, tokens of its name) when an expectation, variance or covariance starts."""
        tok = self.tok
        if tok.text == "\\mathbb" and self.peek(2).text in ("E", "V") and self.peek(3).text == "}":
            return ("E" if self.peek(2).text == "E" else "Var"), 4
        if tok.text in ("\\E", "\\Var", "\\Cov", "\\Ex"):  # common macros (Spinning Up's \E)
            return MOMENTS.get(tok.text[1:], "E"), 1
        if tok.kind == "letter" and tok.text == "E" and not self._declared("E"):
            # plain E[X], E_\theta(X), E X as statistics texts print them
            after = self.peek().text
            if after in ("[", "(", "_", "\\{") or self.peek().kind == "letter":
                return "E", 1
        if tok.text[1:] in TEXT or tok.text == "\\operatorname*":
            name = self._text_at(self.i)
            if name is not None:
                word, length = name
                if word in MOMENTS:
                    return MOMENTS[word], length
        return None

    def _text_at(self, i: int) -> tuple[str, int] | None:
        """The word of ``\\operatorname{word}`` (or \\mathrm, \\text) at token ``i`` and how many
        tokens it spans; None when it is not a plain word."""
        if self.tokens[i + 1].text != "{":
            return None
        j, word = i + 2, ""
        while self.tokens[j].text != "}":
            tok = self.tokens[j]
            if tok.kind == "end":
                return None
            if tok.text == "\\mathbb" and self.tokens[j + 1].text == "{":
                word += self.tokens[j + 2].text
                j += 4
                continue
            word += tok.text
            j += 1
        return word, j + 1 - i

    def _is_derivative_operator(self) -> bool:
        if self.peek().text != "{":
            return False
        after = self.peek(2)
        if after.text == "\\partial":
            return True
        # \frac{d}{dx}, \frac{d^2 f}{d x^2}, \frac{\mathrm{d}}{\mathrm{d}x}: both parts open with d
        if not self._is_d(self.i + 2):
            return False
        close = self._group_end(self.i + 1)
        if not (self.tokens[close + 1].text == "{" and self._is_d(close + 2)):
            return False
        after = self.tokens[close + 3 if self.tokens[close + 2].kind == "letter" else close + 6]
        return self._names_variable(after)

    @staticmethod
    def _names_variable(tok: Token) -> bool:
        """A token that can start the variable of a differential (dx, d\\theta, d\\mathbf{w})."""
        return (
            tok.kind == "letter"
            or tok.text == "{"
            or (tok.kind == "cmd" and (tok.text[1:] in GREEK or tok.text[1:] in BOLD))
        )

    def _is_d(self, i: int) -> bool:
        tok = self.tokens[i]
        if tok.kind == "letter" and tok.text == "d":
            return True
        return tok.text[1:] in TEXT and self._text_at(i) == ("d", 4)

    def _take_d(self) -> None:
        if self.tok.kind == "letter":
            self.take()
        else:
            self.i += 4

    def _group_end(self, i: int) -> int:
        """The index of the '}' closing the '{' at token ``i``."""
        depth = 0
        for j in range(i, len(self.tokens)):
            if self.tokens[j].text == "{":
                depth += 1
            elif self.tokens[j].text == "}":
                depth -= 1
                if depth == 0:
                    return j
        raise ParseError("an unclosed '{'", column=self.tokens[i].pos)

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("^"):
                if self._at_transpose():
                    node = Transpose(node)
                    continue
                self.take()
                node = Pow(node, self.script())
            elif self.at("!"):
                self.take()
                node = Factorial(node)
            elif self.at("_") and isinstance(node, Component | Func | Call | MatrixLit | Expect):
                start = self.take().pos
                node = Component(node, self.index_list(), pos=start)
            else:
                return node

    def _at_transpose(self) -> bool:
        """``^{\\top}``, ``^\\top``, ``^{\\intercal}``, ``^{\\mathsf{T}}``, ``^T`` (T not declared):
        consumes it and says so."""
        start = self.i
        self.take()  # ^
        braced = self.at("{")
        if braced:
            self.take()
        tok = self.tok
        found = False
        if tok.text in ("\\top", "\\intercal", "\\mathsf{T}"):
            self.take()
            found = True
        elif tok.text[1:] in TEXT and self._text_at(self.i) == ("T", 4):
            self.i += 4
            found = True
        elif tok.kind == "letter" and tok.text == "T" and "T" not in self.symbols:
            self.take()
            found = True
        if found and (not braced or self.at("}")):
            if braced:
                self.take()
            return True
        self.i = start
        return False

    def script(self) -> Node:
        """The argument of ^: a braced group or a single token."""
        if self.at("{"):
            self.take()
            node = self.expr()
            self.expect("}")
            return node
        tok = self.take()
        if tok.kind == "num":
            # LaTeX reads p^23 as p^2 * 3; insist on braces rather than guess
            if len(tok.text) > 1:
                raise ParseError(
                    "a multi-digit exponent needs braces",
                    column=tok.pos,
                    hint=f"write ^{{{tok.text}}}",
                )
            return Num(tok.text)
        if tok.kind == "letter":
            return Sym(tok.text, pos=tok.pos)
        if tok.kind == "cmd" and tok.text[1:] in GREEK:
            return Sym(tok.text[1:], pos=tok.pos)
        raise ParseError(f"cannot read exponent '{tok.text}'", column=tok.pos, hint="use ^{...}")

    def group(self) -> Node:
        self.expect("{", hint="wrap the argument in braces")
        node = self.expr()
        if self.at("\\choose"):
            self.take()
            node = Binom(node, self.expr())
        self.expect("}")
        return node

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            if tok.text == "1" and self.at("_") and self._subscript_has_relation():
                return self.indicator()  # 1_{\{y = k\}}
            return Num(tok.text)
        if tok.text in ("(", "[", "\\{"):
            return self.bracket()
        if tok.text == "{":
            return self.group()
        if tok.text == "\\left.":
            self.take()
            node = self.expr()
            if self.at("\\right."):
                self.take()
            return node
        if tok.text == "{":
            return self.group()
        if tok.text in ("|", "\\lvert"):
            return self.absolute()
        if tok.kind == "letter":
            return self.symbol_or_call()
        if tok.kind == "cmd":
            return self.command()
        raise self.error(f"unexpected '{tok.text or 'end of formula'}'", hint=self._hint_for(tok))

    def bracket(self) -> Node:
        """``( … )`` or ``[ … ]``; with commas, a column vector ``(a, b, c)``."""
        opening = self.take()
        close = {"(": ")", "[": "]", "\\{": "\\}"}[opening.text]
        items = [self.expr()]
        while self.at(","):
            self.take()
            items.append(self._list_item())
        self.expect(close)
        node = items[0] if len(items) == 1 else self._column(items, opening.pos)
        if self.at("_"):  # (W x)_i, [P_{\theta}(s)]_a: a component of what the bracket holds
            start = self.take().pos
            return Component(node, self.index_list(), pos=start)
        return node

    def _list_item(self) -> Node:
        if self.tok.text in ELLIPSES:
            return _Ellipsis(self.take().pos)
        return self.expr()

    def _column(self, items: list[Node], pos: int) -> Node:
        """Comma-separated items (perhaps with an ellipsis) as a vector, written as a row:
        ``(a, b)^{\\top}`` is the column (a relation compares either with a column)."""
        if not any(isinstance(item, _Ellipsis) for item in items):
            return MatrixLit((tuple(items),))
        index = next(k for k, item in enumerate(items) if isinstance(item, _Ellipsis))
        if index == 0 or index + 1 != len(items) - 1 or index > 2:
            raise ParseError(
                "a vector with an ellipsis reads (x_1, \\dots, x_K)",
                column=pos,
            )
        used, node = self._series(items[:index], items[-1], "stack", pos)
        if used != index:
            raise ParseError("the items before the ellipsis do not follow one pattern", column=pos)
        return node

    def absolute(self) -> Node:
        """``|x|`` or ``\\lvert x \\rvert`` (not nested: an inner bar would close it)."""
        opened = self.take()
        self._in_abs += 1
        try:
            node = self.expr()
        finally:
            self._in_abs -= 1
        self.expect(
            "|" if opened.text == "|" else "\\rvert",
            hint="an absolute value reads |x| or \\lvert x \\rvert",
        )
        return Func("abs", node)

    def command(self) -> Node:
        tok = self.tok
        name = tok.text[1:]
        moment = self._moment_operator()
        if moment is not None:
            return self.moment(*moment)
        if name in ("frac", "dfrac", "tfrac"):
            if self._is_derivative_operator():
                return self.derivative()
            self.take()
            num = self.group()
            den = self.group()
            return Div(num, den)
        if name == "sqrt":
            self.take()
            if self.at("["):
                raise self.error("only square roots are read", hint="write x^{1/n}")
            return Func("sqrt", self.group())
        if tok.text in _FUNC:
            self.take()
            if self.at("^"):
                raise self.error(f"\\{name}^... is ambiguous", hint=f"write (\\{name} x)^{{2}}")
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func(_FUNC[tok.text], arg)
        if name in ("binom", "dbinom", "tbinom"):
            self.take()
            n = self.group()
            self.expect("{")
            items = [self.expr()]
            while self.at(","):
                self.take()
                items.append(self._list_item())
            self.expect("}")
            k = items[0] if len(items) == 1 else self._column(items, tok.pos)
            return Binom(n, k)
        if name in TEXT or name == "operatorname*":
            return self.operatorname()
        if name == "delta" and "delta" not in self.symbols and self.peek().text == "_":
            self.take()
            self.expect("_")
            left, right = self.index_pair()
            return Delta(left, right)
        if name == "mathbb":
            return self.blackboard()
        if name in BOLD:
            return self.bold()
        if name == "infty":
            self.take()
            return Infinity()
        if name in ("max", "min"):
            return self.extremum(name)
        if name in ("|", "lVert", "Vert"):
            return self.norm()
        if name == "langle":
            self.take()
            left = self.expr()
            self.expect(",", hint="an inner product reads \\langle a, b \\rangle")
            right = self.expr()
            self.expect("\\rangle")
            return Dot((left, right))
        if name in ("begin{pmatrix}", "begin{bmatrix}", "begin{matrix}"):
            return self.matrix()
        if name in ("begin{cases}", "begin{dcases}"):
            return self.cases()
        if name in ("underset", "overset"):
            return self.underset()
        if name == "mathop":
            self.take()
            return self.atom()
        if name == "sigma" and not self._declared("sigma") and self.peek().text == "(":
            self.take()
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func("sigma", arg)
        if name in ("Gamma", "psi") and not self._declared(name):
            special = self.special_greek(name)
            if special is not None:
                return special
        if name in DECORATIONS:
            return self.symbol_or_call()
        if name in GREEK:
            return self.symbol_or_call()
        if name in ("sum", "prod"):
            return self.big_operator()
        prefix = self.prefix_operator()
        if prefix is not None:
            return prefix
        if name in ("dots", "cdots", "ldots"):
            raise self.error(
                "an ellipsis is read only between terms, factors or list items",
                hint="write x_1 + \\dots + x_K, x_1 \\cdots x_K or (x_1, \\dots, x_K)",
            )
        if name in UNSUPPORTED:
            raise self.error(f"\\{name} is not read by the verifier", hint=UNSUPPORTED[name])
        if name in ("top", "intercal"):
            raise self.error(f"\\{name} is read as an exponent", hint="write v^{\\top}")
        raise self.error(f"unknown command \\{name}", hint=self._hint_for(tok))

    def extremum(self, name: str) -> Node:
        """``\\max(a, b)``, ``\\min\\{a, b\\}``: of the values listed (not over an index)."""
        self.take()
        if self.at("_"):
            raise self.error(
                f"\\{name} over an index is not read",
                hint=f"write \\{name}(a, b) with the values listed",
            )
        if not (self.at("(") or self.at("\\{")):
            raise self.error(f"\\{name} lists its values in parentheses: \\{name}(a, b)")
        close = ")" if self.take().text == "(" else "\\}"
        items = [self.expr()]
        while self.at(","):
            self.take()
            items.append(self.expr())
        self.expect(close)
        return Special(name, tuple(items))

    def norm(self) -> Node:
        """``\\|x\\|`` or ``\\lVert x \\rVert``: the Euclidean norm of a vector."""
        opening = self.take().text
        self._norms += 1
        try:
            arg = self.expr()
        finally:
            self._norms -= 1
        self.expect("\\rVert" if opening == "\\lVert" else opening)
        return Func("norm", arg)

    def _declared(self, name: str) -> bool:
        return name in self.symbols or name in self.functions

    def special_greek(self, name: str) -> Node | None:
        """``\\Gamma(x)``, ``\\psi(x)`` (digamma), ``\\psi^{(1)}(x)`` / ``\\psi'(x)`` (trigamma)."""
        start = self.i
        self.take()
        which = "gamma" if name == "Gamma" else "digamma"
        if name == "psi" and self.at("'"):
            self.take()
            which = "trigamma"
        elif name == "psi" and self.at("^") and self.peek().text == "{":
            self.take()
            order = self.group()
            if order != Num("1"):
                raise self.error("only ψ and ψ^{(1)} are read", hint="write \\psi^{(1)}(x)")
            which = "trigamma"
        if not self.at("("):
            self.i = start
            return None
        self.take()
        arg = self.expr()
        self.expect(")")
        return Special(which, (arg,))

    def operatorname(self) -> Node:
        """``\\operatorname{softmax}``, ``\\mathrm{Var}``, ``\\text{…}``: a named operator, or
        a function or symbol the page names with a word (``\\mathrm{Bern}(x | \\mu)``)."""
        start = self.tok.pos
        found = self._text_at(self.i)
        if found is not None and self._declared(found[0]):
            return self.symbol_or_call()
        if found is None:
            raise self.error(
                f"cannot read the name in {self.tok.text}",
                hint="write \\operatorname{softmax}(\\theta)",
            )
        name, length = found
        if self.tok.text in ("\\text", "\\textrm", "\\mbox", "\\textnormal", "\\textsf"):
            name = name.strip()
        self.i += length
        if name in _NAMED_FUNCTIONS:
            if not (self.at("(") or self.at("[")):
                raise self.error(
                    f"{name} takes its argument in parentheses", hint=f"write {name}(\\theta)"
                )
            close = ")" if self.take().text == "(" else "]"
            arg = self.expr()
            self.expect(close)
            func = _NAMED_FUNCTIONS[name]
            return Func(func, arg)
        if name in ("B", "Beta") and self.at("("):
            return self._beta()
        if name in ("digamma", "Gamma", "lgamma", "trigamma"):
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            if name == "lgamma":
                return Func("ln", Special("gamma", (arg,)))
            return Special({"Gamma": "gamma"}.get(name, name), (arg,))
        if name == "d":
            raise ParseError(
                "a differential d is read in \\frac{d}{dx} and \\int … \\, dx",
                column=start,
            )
        raise ParseError(
            f"the verifier does not read {name!r}",
            column=start,
            hint="named operators: softmax, logit, sigmoid, artanh, diag, tr, Var, Cov, E, B, "
            "digamma; "
            "prose belongs outside the formula; a condition goes in :where: (this formula "
            "only), :symbols: or a cases environment",
        )

    def _beta(self) -> Node:
        self.expect("(")
        a = self.expr()
        self.expect(",", hint="the Beta function reads B(\\alpha, \\beta)")
        b = self.expr()
        self.expect(")")
        return Special("beta", (a, b))

    def _expand_under_e(self) -> None:
        """Spinning Up's ``\\underE{x \\sim P}{body}``: ``\\E_{x \\sim P}[body]`` in place."""
        at = self.take()
        first_close = self._group_end(self.i)
        second_close = self._group_end(first_close + 1)
        lower = self.tokens[self.i : first_close + 1]
        body = self.tokens[first_close + 2 : second_close]
        rewritten = [Token("cmd", "\\E", at.pos), Token("char", "_", at.pos), *lower]
        rewritten += [Token("char", "[", self.tokens[first_close + 1].pos), *body]
        rewritten.append(Token("char", "]", self.tokens[second_close].pos))
        self.tokens[self.i : second_close + 1] = rewritten

    def underset(self) -> Node:
        """``\\underset{x \\sim p}{\\mathrm{E}}``: the operator with its subscript below it."""
        self.take()
        lower_open = self.i
        lower_close = self._group_end(lower_open)
        operator_close = self._group_end(lower_close + 1)
        lower = self.tokens[lower_open + 1 : lower_close]
        operator = self.tokens[lower_close + 2 : operator_close]
        rewritten = [*operator, Token("char", "_", lower_open), self.tokens[lower_open]]
        rewritten += [*lower, self.tokens[lower_close]]
        self.tokens[self.i : operator_close + 1] = rewritten
        return self.atom() if self._moment_operator() is None else self.prefix_or_moment()

    def prefix_or_moment(self) -> Node:
        node = self.prefix_operator()
        if node is None:  # pragma: no cover - guarded by the caller
            raise self.error("expected an operator")
        return node

    def blackboard(self) -> Node:
        start = self.tok.pos
        letter = self.peek(2).text
        if letter in ("E", "V") and self.peek(3).text == "}":
            return self.prefix_or_moment()
        self.take()
        self.expect("{")
        self.take()
        self.expect("}")
        if letter in ("1", "I"):
            indicator = self.indicator()
            if indicator is not None:
                return indicator
            if letter == "1":
                return self._sized(Const("ones"))
        raise ParseError(
            f"\\mathbb{{{letter}}} is not read here", column=start, hint="sets belong in :symbols:"
        )

    def indicator(self) -> Node | None:
        """``\\mathbb{1}[a = b]``, ``\\mathbb{1}\\{…\\}``, ``\\mathbb{1}_{a = b}``,
        ``\\mathbb{1}_{\\{…\\}}``;
        None when no condition follows (the ones vector)."""
        if self.at("[") or self.at("\\{") or self.at("("):
            close = {"[": "]", "\\{": "\\}", "(": ")"}[self.take().text]
            condition = self.comparison()
            self.expect(close)
            return Indicator(condition.left, condition.right, condition.relation)
        if self.at("_") and self._subscript_has_relation():
            self.take()
            self.expect("{")
            inner = self.at("\\{")
            if inner:
                self.take()
            condition = self.comparison()
            if inner:
                self.expect("\\}")
            self.expect("}")
            return Indicator(condition.left, condition.right, condition.relation)
        return None

    def _subscript_has_relation(self) -> bool:
        if self.peek().text != "{":
            return False
        close = self._group_end(self.i + 1)
        return any(t.text in RELATIONS for t in self.tokens[self.i + 2 : close] if t.kind != "end")

    def comparison(self) -> Compare:
        left = self.expr()
        if not self._at_relation():
            raise self.error(
                "a condition compares two values", hint="write \\mathbb{1}[y = k] or y \\le 0"
            )
        relation = self._relation()
        if relation not in ("=", "≠", "<", "≤", ">", "≥"):
            raise self.error(f"a condition cannot use {relation}")
        return Compare(relation, left, self.expr())

    def bold(self) -> Node:
        r"""``\boldsymbol{\theta}`` is θ; ``\mathbf{1}``, ``\mathbf{0}``, ``\mathbf{e}_k``,
        ``\mathbf{I}`` are constants (unless the page declares e or I)."""
        inner = self.peek(2)
        if self.peek().text == "{" and self.peek(3).text == "}":
            if inner.text in ("1", "0"):
                self.i += 4
                if inner.text == "1":
                    indicator = self.indicator()
                    if indicator is not None:
                        return indicator
                return self._sized(Const("ones" if inner.text == "1" else "zeros"))
            if inner.text == "I" and not self._declared("I"):
                self.i += 4
                return self._sized(Const("identity"))
            if inner.text == "e" and not self._declared("e") and self.peek(4).text == "_":
                self.i += 5
                return Basis(self.single_index())
        return self.symbol_or_call()

    def _sized(self, const: Const) -> Node:
        """``\\mathbf{1}_{K}``: a subscript on a constant gives its size."""
        if self.at("_"):
            self.take()
            return Const(const.kind, self.single_index())
        return const

    def matrix(self) -> Node:
        start = self.take()
        end = "\\end{" + start.text[len("\\begin{") :]
        rows: list[tuple[Node, ...]] = []
        cells: list[Node] = []
        while True:
            cells.append(self.expr())
            if self.at("&"):
                self.take()
                continue
            rows.append(tuple(cells))
            cells = []
            if self.at("\\\\"):
                self.take()
                if self.at(end):
                    break
                continue
            break
        self.expect(end)
        if len({len(r) for r in rows}) != 1:
            raise ParseError("the rows of a matrix have different lengths", column=start.pos)
        return MatrixLit(tuple(rows))

    def cases(self) -> Node:
        start = self.take()
        end = "\\end{" + start.text[len("\\begin{") :]
        branches: list[tuple[Node, tuple[Compare, ...]]] = []
        while True:
            value = self.expr()
            if self.at(","):
                self.take()
            self.expect("&", hint="each case reads value & condition")
            branches.append((value, self.conditions()))
            if self.at("\\\\"):
                self.take()
                if self.at(end):
                    break
                continue
            break
        self.expect(end)
        otherwise = [n for n, (_, cond) in enumerate(branches) if not cond]
        if otherwise and otherwise != [len(branches) - 1]:
            raise ParseError("only the last case can be 'otherwise'", column=start.pos)
        return Cases(tuple(branches), pos=start.pos)

    def conditions(self) -> tuple[Compare, ...]:
        """A case's condition: ``\\text{if } y = 1``, ``y = 1, k \\ne j``, ``\\text{otherwise}``."""
        self._conditions += 1
        try:
            return self._conditions_list()
        finally:
            self._conditions -= 1

    def _conditions_list(self) -> tuple[Compare, ...]:
        found: list[Compare] = []
        while not (self.at("\\\\") or self.tok.text.startswith("\\end{") or self.tok.kind == "end"):
            if self.tok.text[1:] in TEXT:
                word, length = self._text_at(self.i) or ("?", 1)
                words = word.split()
                self.i += length
                if words and words[0] in ("otherwise", "else"):
                    if found:
                        raise self.error("a case is either a condition or 'otherwise'")
                    return ()
                if not set(words) <= {"if", "for", "when", "and", "where", "whenever"}:
                    raise self.error(
                        f"the condition word {word.strip()!r} is not read",
                        hint="conditions read \\text{if } y = 1, y \\ne 0, \\text{otherwise}",
                    )
                continue
            if self.at(",") or self.at(".") or self.at("\\land") or self.at("\\wedge"):
                self.take()
                continue
            condition = self.comparison()
            found.append(condition)
            while self._at_relation():  # a < x < b
                relation = self._relation()
                found.append(Compare(relation, condition.right, self.expr()))
                condition = found[-1]
        if not found:
            raise self.error(
                "a case needs a condition", hint="write \\text{otherwise} for the rest"
            )
        return tuple(found)

    def moment(self, op: str, length: int) -> Node:
        """``\\mathbb{E}_{…}[…]``, ``\\operatorname{Var}(…)``, ``\\operatorname{Cov}[a, b]``."""
        start = self.tok.pos
        self.i += length
        var = dist = None
        if self.at("_"):
            self.take()
            var, dist = self._moment_subscript()
        if self.at("^"):
            raise self.error("a power of an expectation needs brackets", hint="write (E[x])^{2}")
        if self.at("[") or self.at("(") or self.at("\\{"):
            close = {"[": "]", "(": ")", "\\{": "\\}"}[self.take().text]
            body = self.expr()
            second = None
            if op == "Cov":
                self.expect(",", hint="a covariance reads \\operatorname{Cov}[a, b]")
                second = self.expr()
            if op == "E" and close == ")" and self.at(")") and self.peek().text == "^":
                # E(X − μ)² is the second moment, as statistics texts print it
                self.take()
                self.take()
                self._took_rest = False
                return Expect(var, Pow(body, self.script()), pos=start, op=op, dist=dist)
            if self.at("\\mid") or self.at("|"):
                raise self.error(
                    "conditional expectations are not read",
                    hint="write the expectation under the conditional density, "
                    "e.g. \\mathbb{E}_{a \\sim \\pi(\\cdot \\mid s)}[\\dots]",
                )
            self.expect(close)
            self._took_rest = False
        else:
            if op == "Cov":
                raise self.error("a covariance reads \\operatorname{Cov}[a, b]")
            body = self.term()  # \mathbb{E}_{\theta} W(X): the rest of the product
            second = None
            self._took_rest = True
        return Expect(var, body, pos=start, op=op, dist=dist, second=second)

    def _moment_subscript(self) -> tuple[str | None, Node | None]:
        """``_y``, ``_{y \\sim g}``, ``_{x \\sim p(\\cdot; \\theta)}``, ``_{p(x; \\theta)}``,
        ``_{\\pi}``,
        ``_{\\theta}``: the random variable (if named) and what names the distribution."""
        if not self.at("{"):
            tok = self.take()
            name = _symbol_name(tok)
            if name is None:
                raise ParseError(f"cannot read '{tok.text}' below an expectation", column=tok.pos)
            return None, Sym(name, pos=tok.pos)
        self.take()
        self._args += 1
        first = self._distribution_item()
        self._args -= 1
        var, dist = None, first
        if self.at("\\sim"):
            self.take()
            if not (isinstance(first, Sym) and not first.indices):
                raise self.error("the left of ~ is the random variable, a symbol")
            var = first.name
            self._args += 1
            dist = self._distribution_item()
            self._args -= 1
        self.expect(
            "}",
            hint="write \\mathbb{E}_{y}, \\mathbb{E}_{y \\sim g} or \\mathbb{E}_{p(x; \\theta)}",
        )
        return var, dist

    def _distribution_item(self) -> Node:
        if self.at("\\cdot"):
            self.take()
            return Blank()
        return self.term()

    def big_operator(self) -> Node:
        op = self.take().text[1:]
        self.expect("_", hint=f"write \\{op}_{{i=1}}^{{K}}")
        lo = hi = None
        if self.at("{"):
            self.take()
            var = self._index_variable()
            if self.at("="):
                self.take()
                lo = self.expr()
            elif self.at("\\in"):
                raise self.error(
                    f"\\{op} over a set is read from the index's declared domain",
                    hint=f"write \\{op}_{{{var}}} and declare {var} in :symbols:",
                )
            self.expect("}")
        else:
            var = self._index_variable()
        if self.at("^"):
            self.take()
            hi = self.script()
        if (lo is None) != (hi is None):
            raise self.error(f"\\{op} needs both bounds or neither", hint=f"\\{op}_{{i=1}}^{{K}}")
        body = self.term()
        return BigOp(op, var, lo, hi, body)

    def _index_variable(self) -> str:
        node = self.symbol_or_call(allow_call=False)
        if not isinstance(node, Sym):
            raise self.error("a sum or product needs an index variable")
        if node.indices:
            return _composite(node) or node.name
        return node.name

    def integral(self) -> Node:
        """``\\int_{lo}^{hi} body \\, dx``, ``\\int body \\, dx`` (over x's declared domain) and
        ``\\int_x body`` (the variable below the sign, as in Spinning Up)."""
        start = self.take().pos
        lo = hi = None
        var = None
        if self.at("_"):
            self.take()
            lower = self.script_or_group()
            if self.at("^"):
                self.take()
                lo, hi = lower, self.script()
            elif isinstance(lower, Sym) and not lower.indices:
                var = lower.name
            else:
                raise self.error(
                    "an integral's lower bound needs an upper one", hint="\\int_{0}^{1}"
                )
        self._integrals += 1
        try:
            body = self.term() if not self._at_differential() else Num("1")
        finally:
            self._integrals -= 1
        if self._at_differential():
            self._take_d()
            named = self.symbol_or_call(allow_call=False)
            if not isinstance(named, Sym):
                raise self.error("the differential names the integration variable: dx")
            if var is not None and named.name != var:
                raise self.error(f"\\int_{var} ends with d{named.name}")
            var = named.name
        if var is None:
            raise ParseError(
                "an integral needs its variable", column=start, hint="write \\int f(x) \\, dx"
            )
        self._took_rest = True
        return Integral(var, lo, hi, body, pos=start)

    def script_or_group(self) -> Node:
        if self.at("{"):
            return self.group()
        return self.script()

    def _at_differential(self) -> bool:
        if not self._is_d(self.i):
            return False
        after = self.tokens[self.i + (1 if self.tok.kind == "letter" else 4)]
        return self._names_variable(after) and after.text != "{"

    def derivative(self) -> Node:
        """\\frac{\\partial^n f}{\\partial x^n}, \\frac{d^n f}{dx^n} or the operator form
        \\frac{\\partial}{\\partial x} f."""
        self.take()  # \frac
        self.expect("{")
        partial = self.at("\\partial")
        if partial:
            self.take()
        else:
            self._take_d()
        order = 1
        if self.at("^"):
            self.take()
            order = _integer(self.script(), self)
        operand = None if self.at("}") else self.expr()
        self.expect("}")
        self.expect("{", hint="the denominator reads {\\partial x}")
        wrt: list[tuple[Sym, int, int]] = []  # (variable, order, by its power: ∂σ² is 2)
        while not self.at("}"):
            if partial:
                self.expect("\\partial", hint="each variable in the denominator needs \\partial")
            elif self._is_d(self.i):
                self._take_d()
            else:
                raise self.error("each variable in the denominator needs d", hint="\\frac{d f}{dx}")
            by = 1
            if self.at("("):  # ∂(σ²)²: twice by the variance
                self.take()
                var = self._differentiation_variable()
                self.expect("^", hint="write \\partial (\\sigma^{2})^{2}")
                by = _integer(self.script(), self)
                self.expect(")")
            else:
                var = self._differentiation_variable()
            power = 1
            if self.at("^"):
                self.take()
                power = _integer(self.script(), self)
            wrt.append((var, power, by))
        self.take()
        if order == 1 and len(wrt) == 1 and wrt[0][1] > 1 and wrt[0][2] == 1:
            wrt = [(wrt[0][0], 1, wrt[0][1])]  # ∂f/∂σ²: by the variance σ², as statistics writes
        if sum(p for _, p, _ in wrt) != order:
            raise self.error(
                f"derivative order {order} does not match the denominator",
                hint="\\frac{\\partial^{2} f}{\\partial x \\partial y} or {\\partial x^{2}}",
            )
        self._took_rest = operand is None
        if operand is None:
            operand = self.term()
        node = operand
        plain = [(v, p) for v, p, b in wrt if b == 1]
        if plain:
            node = Derivative(node, tuple(plain))
        for var, times, by in (w for w in wrt if w[2] > 1):
            for _ in range(times):  # d/d(x^n) = (1 / (n x^{n-1})) d/dx, for x > 0
                slope = Mul((Num(str(by)), Pow(var, Num(str(by - 1)))))
                node = Div(Derivative(node, ((var, 1),)), slope)
        return node

    def _differentiation_variable(self) -> Sym:
        if self.at("{"):
            self.take()
            var = self._differentiation_variable()
            self.expect("}")
            return var
        var = self.symbol_or_call(allow_call=False)
        if not isinstance(var, Sym):
            raise self.error("differentiate by a symbol")
        if self.at("^") and self._at_transpose():  # ∂θ^⊤ in a Hessian: the same variable
            pass
        return var

    def gradient(self) -> Node:
        """``\\nabla_{\\theta}``, ``\\nabla_{\\mu, \\sigma}``, ``\\nabla^{2}_{\\theta}``, bare
        ``\\nabla``."""
        start = self.take().pos
        wrt: tuple[Sym, ...] | None = None
        order = 1
        for _ in range(2):
            if self.at("_") and wrt is None:
                self.take()
                wrt = self._gradient_variables()
            elif self.at("^") and order == 1:
                self.take()
                order = _integer(self.script(), self)
                if order not in (1, 2):
                    raise self.error("∇ reads the gradient and the Hessian (∇²)")
        operand, transposed = _lift_transpose(self._operand())
        gradient = Gradient(operand, wrt, order, pos=start)
        return Transpose(gradient) if transposed else gradient

    def _operand(self) -> Node:
        """The rest of the product, for ln and ∇ written without brackets; it stops at the next
        ∇, so ``\\nabla \\ln p \\, \\nabla \\ln p^{\\top}`` is a product of two gradients."""
        self._gradients += 1
        try:
            operand = self.term()
        finally:
            self._gradients -= 1
        self._took_rest = not self.at("\\nabla")
        return operand

    def _gradient_variables(self) -> tuple[Sym, ...]:
        if not self.at("{"):
            return (self._differentiation_variable(),)
        self.take()
        found = [self._differentiation_variable()]
        while self.at(","):
            self.take()
            found.append(self._differentiation_variable())
        self.expect("}")
        return tuple(found)

    def symbol_or_call(self, allow_call: bool = True) -> Node:
        tok = self.take()
        if tok.kind == "cmd" and tok.text[1:] in DECORATIONS:
            self.expect("{")
            inner = self.take()
            if inner.text[1:] in BOLD:  # \hat{\boldsymbol{g}}
                self.expect("{")
                inner = self.take()
                self.expect("}")
            base = _symbol_name(inner)
            if base is None:
                raise ParseError("decorate a single symbol", column=inner.pos)
            self.expect("}")
            name = f"{base}{DECORATIONS[tok.text[1:]]}"
        elif tok.kind == "cmd" and tok.text[1:] in TEXT and self._text_at(self.i - 1):
            # \mathrm{Bern}(x | \mu): a function the page names with a word
            name, length = self._text_at(self.i - 1)
            self.i += length - 1
        elif tok.kind == "cmd" and tok.text[1:] in BOLD:
            self.expect("{")
            inner = self.tok
            if inner.text[1:] in DECORATIONS:
                node = self.symbol_or_call(allow_call=False)
                self.expect("}")
                name = node.name
            else:
                self.take()
                name = _symbol_name(inner)
                if name is None:
                    raise ParseError(f"cannot read bold '{inner.text}'", column=inner.pos)
                self.expect("}")
        else:
            name = _symbol_name(tok)
            if name is None:
                raise ParseError(f"unexpected '{tok.text}'", column=tok.pos)
        indices: tuple[Node, ...] = ()
        if self.at("_"):
            self.take()
            indices = self.index_list()
            composite = _composite(Sym(name, indices))
            if composite is not None and self._declared(composite):
                name, indices = composite, ()
        if self.at("^"):
            superscript = self._superscript_name(name)
            if superscript is not None:  # V^{\pi}, Q^{\pi}: a name the page declares
                name = superscript
        stars = ("*", "\\ast", "\\star")
        if self.at("^") and (
            self.peek().text in stars or (self.peek().text == "{" and self.peek(2).text in stars)
        ):
            self.take()
            braced = self.at("{")
            if braced:
                self.take()
            self.take()
            if braced:
                self.expect("}")
            name += "star"
        primes = self._primes() if allow_call and name in self.functions else 0
        if allow_call and name in self.functions and self.at("("):
            self.take()
            self._args += 1
            args = [self._argument()]
            while self.at(",") or self.at(";") or self.at("\\mid") or self.at("|"):
                self.take()
                args.append(self._argument())
            self._args -= 1
            self.expect(")")
            return Call(name, tuple(args), pos=tok.pos, subs=indices, primes=primes)
        if allow_call and name in self.functions:
            if primes:
                marks = "'" * primes
                raise ParseError(
                    f"{name}{marks} needs its argument",
                    column=tok.pos,
                    hint=f"write {name}{marks}(x)",
                )
            return Call(name, (), pos=tok.pos, subs=indices)  # at its own arguments
        if allow_call and name == "B" and self.at("(") and not self._declared("B"):
            return self._beta()
        return Sym(name, indices, pos=tok.pos)

    def _superscript_name(self, name: str) -> str | None:
        """``Q^{\\pi}`` is the declared name ``Q^pi`` (consumed); None when it is a power."""
        braced = self.peek().text == "{"
        tok = self.peek(2 if braced else 1)
        letter = _symbol_name(tok)
        if letter is None:
            return None
        composite = f"{name}^{letter}"
        if not self._declared(composite):
            return None
        self.i += 4 if braced else 2
        return composite

    def _argument(self) -> Node:
        if self.at("\\cdot") and self.peek().text in (",", ";", ")", "\\mid", "|"):
            self.take()
            return Blank()
        return self.expr()

    def _primes(self) -> int:
        """``A'``, ``A''``, ``A^{\\prime}``: the order of a derivative written with primes."""
        count = 0
        while self.at("'"):
            self.take()
            count += 1
        if count == 0 and self.at("^") and self.peek().text in ("\\prime", "{"):
            start = self.i
            self.take()
            braced = self.at("{")
            if braced:
                self.take()
            while self.at("\\prime"):
                self.take()
                count += 1
            if not count or (braced and not self.at("}")):
                self.i = start
                return 0
            if braced:
                self.take()
        return count

    def single_index(self) -> Node:
        if self.at("{"):
            return self.group()
        tok = self.take()
        if tok.kind == "num":
            return Num(tok.text)
        name = _symbol_name(tok)
        if name is None:
            raise ParseError(f"cannot read index '{tok.text}'", column=tok.pos)
        return Sym(name, pos=tok.pos)

    def index_list(self) -> tuple[Node, ...]:
        """Subscripts: _k, _{k}, _{jk} (two indices), _{j,k}, _{i+1}."""
        if not self.at("{"):
            return (self.single_index(),)
        start = self.i
        self.take()
        simple = []
        while self.tok.kind in ("letter", "num") or (
            self.tok.kind == "cmd" and self.tok.text[1:] in GREEK
        ):
            simple.append(self.take())
        if self.at("}") and simple:
            self.take()
            return tuple(
                Num(t.text) if t.kind == "num" else Sym(_symbol_name(t), pos=t.pos) for t in simple
            )
        self.i = start + 1
        parts = [self.expr()]
        while self.at(","):
            self.take()
            parts.append(self.expr())
        self.expect("}")
        return tuple(parts)

    def index_pair(self) -> tuple[Node, Node]:
        indices = self.index_list()
        if len(indices) != 2:
            raise self.error("\\delta takes two indices", hint="write \\delta_{jk}")
        return indices[0], indices[1]

    def _hint_for(self, tok: Token) -> str | None:
        if tok.text in ("}", ")", "]"):
            return "a bracket does not match"
        return None


# Functions written with \operatorname{…} (or \mathrm, \text): the word → the Func name.
# artanh/arctanh/atanh are the three spellings of tanh's inverse in print (the tanh-squashed
# Gaussian's density holds it).
_NAMED_FUNCTIONS = {
    "softmax": "softmax",
    "logit": "logit",
    "sigmoid": "sigma",
    "artanh": "atanh",
    "arctanh": "atanh",
    "atanh": "atanh",
    "diag": "diag",
    "tr": "tr",
    "trace": "tr",
    "exp": "exp",
    "log": "ln",
    "ln": "ln",
}

_FUNC = {
    "\\ln": "ln",
    "\\log": "ln",
    "\\exp": "exp",
    "\\tanh": "tanh",
    "\\sinh": "sinh",
    "\\cosh": "cosh",
    "\\sin": "sin",
    "\\cos": "cos",
    "\\tan": "tan",
    "\\arctan": "atan",
    "\\det": "det",
}
MOMENTS = {"E": "E", "Var": "Var", "Cov": "Cov", "V": "Var", "var": "Var", "cov": "Cov"}


def _symbol_name(tok: Token) -> str | None:
    if tok.kind == "letter":
        return tok.text
    if tok.kind == "cmd" and tok.text[1:] in GREEK:
        return tok.text[1:]
    return None


def _composite(node: Sym) -> str | None:
    """The name of a subscripted symbol (``G_t`` → ``G_t``, ``\\theta_{\\mu}`` → ``theta_mu``)
    when every subscript is a plain letter, Greek letter or number."""
    parts = []
    for index in node.indices:
        if isinstance(index, Sym) and not index.indices:
            parts.append(index.name)
        elif isinstance(index, Num):
            parts.append(index.value)
        else:
            return None
    return f"{node.name}_{''.join(parts)}" if parts else None


def _lift_transpose(node: Node) -> tuple[Node, bool]:
    """``\\nabla \\ln p(x)^{\\top}`` transposes the gradient, not the scalar p(x): take a
    transpose that ends the operand out of it."""
    if isinstance(node, Transpose):
        return node.arg, True
    if isinstance(node, Func) and node.name in ("ln", "exp"):
        inner, lifted = _lift_transpose(node.arg)
        return Func(node.name, inner), lifted
    if isinstance(node, Mul):
        last, lifted = _lift_transpose(node.factors[-1])
        return Mul((*node.factors[:-1], last)), lifted
    return node, False


def _integer(node: Node, parser: Parser) -> int:
    if isinstance(node, Num) and node.value.isdigit():
        return int(node.value)
    raise parser.error("a derivative order must be a whole number")


def _is_int(node: Node) -> bool:
    return isinstance(node, Num) and node.value.isdigit()


def _differences(a: Node, b: Node) -> list[tuple[Node, Node]] | None:
    """Where two trees differ (pairs of subtrees); None when their shapes differ elsewhere."""
    if a == b:
        return []
    if type(a) is not type(b) or not dataclasses.is_dataclass(a) or isinstance(a, Num | Sym):
        if isinstance(a, Sym) and isinstance(b, Sym) and a.name == b.name:
            return _sequence_differences(a.indices, b.indices)
        return [(a, b)]
    out: list[tuple[Node, Node]] = []
    for f in dataclasses.fields(a):
        if not f.compare:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, Node) and isinstance(y, Node):
            found = _differences(x, y)
        elif isinstance(x, tuple) and isinstance(y, tuple):
            found = _sequence_differences(x, y)
        else:
            found = [] if x == y else None
        if found is None:
            return [(a, b)]
        out += found
    return out


def _sequence_differences(x: tuple, y: tuple) -> list[tuple[Node, Node]] | None:
    if len(x) != len(y):
        return None
    out: list[tuple[Node, Node]] = []
    for u, v in zip(x, y, strict=True):
        if isinstance(u, Node) and isinstance(v, Node):
            found = _differences(u, v)
        elif isinstance(u, tuple) and isinstance(v, tuple):
            found = _sequence_differences(u, v)
        else:
            found = [] if u == v else None
        if found is None:
            return None
        out += found
    return out


def _substitute(node: Node, pairs: list[tuple[Node, Node]], by: Node) -> Node:
    """``node`` with each first member of ``pairs`` (found at its place) replaced by ``by``."""
    targets = {id(a) for a, _ in pairs}
    return _rebuild(node, lambda n: by if id(n) in targets else None)


def _substitute_index(node: Node, var: str, value: int) -> Node:
    """``node`` with the index variable ``var`` replaced by the number ``value``."""
    number = Num(str(value)) if value >= 0 else Neg(Num(str(-value)))
    return _rebuild(
        node, lambda n: number if isinstance(n, Sym) and n.name == var and not n.indices else None
    )


def _rebuild(node, replacement):
    """A copy of ``node`` in which every subtree that ``replacement`` maps to a node is replaced."""
    if isinstance(node, Node):
        found = replacement(node)
        if found is not None:
            return found
    if isinstance(node, tuple):
        return tuple(_rebuild(m, replacement) for m in node)
    if isinstance(node, Node) and dataclasses.is_dataclass(node):
        changes = {
            f.name: _rebuild(getattr(node, f.name), replacement) for f in dataclasses.fields(node)
        }
        return dataclasses.replace(node, **changes)
    return node


def parse_equation(
    latex: str, *, functions: set[str], symbols: set[str] = frozenset()
) -> list[Node]:
    r"""Parse ``a = b = c`` into its sides (one side for a bare expression).

    >>> len(parse_equation(r"\ln g(y; p) = y \ln p + (1 - y) \ln(1 - p)", functions={"g"}))
    2
    """
    return Parser(latex, functions=functions, symbols=symbols).equation()


def split_top_level(latex: str) -> tuple[str, str]:
    r"""Split ``lhs = rhs`` at its first top-level '=' (or ``:=``, ``\doteq``, ``\triangleq``,
    ``\coloneqq``, ``\equiv``), for reading definitions.

    >>> split_top_level(r"g(y; p) = p^{y} (1 - p)^{1 - y}")
    ('g(y; p) ', ' p^{y} (1 - p)^{1 - y}')
    >>> split_top_level(r"h \doteq 2")
    ('h ', ' 2')
    """
    depth = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            word = re.match(r"\\[A-Za-z]+|\\.?", latex[i:], re.DOTALL).group()
            if depth == 0 and word in DEFINES:
                return latex[:i], " " * (len(word) - 1) + latex[i + len(word) :]
            i += len(word)
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == ":" and latex[i + 1 : i + 2] == "=" and depth == 0:
            return latex[:i], " " + latex[i + 2 :]
        elif ch == "=" and depth == 0:
            return latex[:i], latex[i + 1 :]
        i += 1
    raise ParseError("a definition reads name = expression", hint="write g(y; p) = ...")
