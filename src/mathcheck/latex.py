r"""Read the book's LaTeX notation into a small syntax tree.

The notation is a subset of LaTeX math with the book's conventions:

* letters and Greek letters are symbols; ``\pi_k``, ``x_{j}`` are indexed symbols;
  ``\bar{r}``, ``\hat{g}``, ``b^{*}`` are decorated names;
* juxtaposition multiplies (``p(1 - p)``, ``2\sigma^{2}``) unless the name is a function the
  page defined (``g(y; p)``);
* ``\ln``, ``\log`` (natural), ``\exp``, ``\sqrt``, ``\sigma(\cdot)`` (the logistic function,
  unless the page declares a symbol ``\sigma``), ``\operatorname{softmax}(\theta)_k``,
  ``\operatorname{logit}``, ``\binom``, ``n!``; ``|x|`` (also ``\lvert x \rvert``), the gamma
  function ``\Gamma(x)`` (unless the page declares a symbol ``\Gamma``) and the beta function
  ``\operatorname{B}(a, b)``, read as Γ(a) Γ(b) / Γ(a + b);
* ``\frac{\partial \ln g}{\partial p}``, ``\frac{\partial^{2} f}{\partial p^{2}}``,
  ``\frac{\partial}{\partial \pi_j} f``; ``\sum_{i=1}^{K}``, ``\prod_{i=1}^{K}``;
  ``\delta_{jk}``; ``\mathbb{1}[a = b]``; ``\mathbb{E}_{y}[\dots]`` (expectation over the
  distribution the page defined for ``y``);
* a function written without parentheses (``\ln p``, ``\sum_i``, ``\frac{\partial}{\partial p}``)
  applies to the rest of the product, up to the next ``+``, ``-`` or ``=``.

Spacing (``\,``, ``\quad``), sizing (``\left``, ``\Bigl``), alignment (``&``, ``\\``) and
``aligned`` environments are ignored.

>>> [lhs, rhs] = parse_equation(r"e = \frac{y - p}{p(1 - p)}", functions=set())
>>> rhs.den == Mul((Sym("p"), Add((Num("1"), Neg(Sym("p"))))))
True
"""

from __future__ import annotations

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
class Sym(Node):
    name: str
    indices: tuple[Node, ...] = ()
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Call(Node):
    """A page-defined function applied to arguments: ``g(y; p)``."""

    name: str
    args: tuple[Node, ...]
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Func(Node):
    """A built-in function: ln, exp, sqrt, sigma (logistic), logit."""

    name: str
    arg: Node


@dataclass(frozen=True)
class Softmax(Node):
    vector: str
    index: Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Mul(Node):
    factors: tuple[Node, ...]


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
class Factorial(Node):
    arg: Node


@dataclass(frozen=True)
class Binom(Node):
    n: Node
    k: Node


@dataclass(frozen=True)
class Derivative(Node):
    """``expr`` differentiated by each ``(variable, order)`` in turn."""

    expr: Node
    wrt: tuple[tuple[Sym, int], ...]


@dataclass(frozen=True)
class BigOp(Node):
    """``\\sum`` or ``\\prod`` of ``body`` for ``var`` from ``lo`` to ``hi`` (None: its domain)."""

    op: str
    var: str
    lo: Node | None
    hi: Node | None
    body: Node


@dataclass(frozen=True)
class Delta(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Indicator(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Expect(Node):
    """``\\mathbb{E}_{var}[body]``: expectation over the page's distribution of ``var``."""

    var: str
    body: Node
    pos: int = field(default=-1, compare=False)


def walk(node: Node):
    """Yield ``node`` and every node below it.

    >>> [type(n).__name__ for n in walk(Add((Num("1"), Sym("p"))))]
    ['Add', 'Num', 'Sym']
    """
    yield node
    for value in vars(node).values():
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, tuple):  # Derivative.wrt holds (Sym, order) pairs
                item = item[0]
            if isinstance(item, Node):
                yield from walk(item)


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
    "nonumber",
    "notag",
    "\\",
    "middle",
}
ENVIRONMENTS = {"aligned", "split", "gathered", "align", "align*", "equation", "equation*"}
DECORATIONS = {"bar": "bar", "hat": "hat", "tilde": "tilde", "overline": "bar"}
UNSUPPORTED = {
    "dots": "an ellipsis is not a formula: write \\sum_{i=1}^{K} or \\prod_{i=1}^{K}",
    "cdots": "an ellipsis is not a formula: write \\sum_{i=1}^{K} or \\prod_{i=1}^{K}",
    "ldots": "an ellipsis is not a formula: write \\sum_{i=1}^{K} or \\prod_{i=1}^{K}",
    "text": "prose inside a checked formula is not read: move conditions to :symbols:",
    "mathrm": "upright text is not read: use \\operatorname{name} for a named function",
    "top": "vector notation is not read: write the formula component-wise (index j, k)",
    "nabla": "vector notation is not read: write the formula component-wise (index j, k)",
    "int": "integrals are not read; state the result, or exempt the formula with a reason",
}

# relations between the sides of a formula, and how messages show them
RELATIONS = {
    "=": "=",
    "\\neq": "≠",
    "\\ne": "≠",
    "<": "<",
    ">": ">",
    "\\le": "≤",
    "\\leq": "≤",
    "\\ge": "≥",
    "\\geq": "≥",
    "\\approx": "≈",
    "\\propto": "∝",
}

_TOKEN = re.compile(
    r"(?P<cmd>\\[A-Za-z]+\*?|\\[^A-Za-z])|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<letter>[A-Za-z])"
    r"|(?P<space>\s+)|(?P<char>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # 'cmd', 'num', 'letter', 'char', 'end'
    text: str
    pos: int


def tokenize(latex: str) -> list[Token]:
    r"""Split LaTeX into tokens, dropping spacing, sizing and alignment.

    >>> [t.text for t in tokenize(r"\left( p \, q \right)^{2}")]
    ['(', 'p', 'q', ')', '^', '{', '2', '}', '']
    """
    latex = _ENV.sub(_blank_environment, latex)
    latex = re.sub(r"\\(left|right)\.", lambda m: " " * len(m.group()), latex)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(latex):
        kind, text, pos = match.lastgroup, match.group(), match.start()
        if kind == "space" or (kind == "char" and text == "&"):
            continue
        if kind == "cmd" and text[1:] in IGNORED:
            continue
        if kind == "cmd" and text[1:] in ("begin", "end"):
            raise ParseError(
                f"unsupported environment after {text}",
                column=pos,
                hint="use aligned for multi-line derivations",
            )
        tokens.append(Token(kind, text, pos))
    tokens.append(Token("end", "", len(latex)))
    return tokens


_ENV = re.compile(r"\\(?:begin|end)\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")


def _blank_environment(match: re.Match) -> str:
    # keep offsets so that column numbers still point into the author's text
    return " " * len(match.group())


# --- parser -----------------------------------------------------------------------------------


class Parser:
    """Recursive-descent reader of one formula.

    ``functions`` are the names the page defined as functions (``g`` in ``g(y; p)``);
    ``symbols`` are the declared symbol names (they shadow built-ins such as ``\\sigma``).
    """

    def __init__(self, latex: str, *, functions: set[str], symbols: set[str] = frozenset()):
        self.latex = latex
        self.tokens = tokenize(latex)
        self.i = 0
        self.functions = functions
        self.symbols = symbols

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
            raise ParseError(
                f"expected '{text}' but found '{found}'", column=self.tok.pos, hint=hint
            )
        return self.take()

    def error(self, message: str, hint: str | None = None) -> ParseError:
        return ParseError(message, column=self.tok.pos, hint=hint)

    # grammar
    def equation(self) -> list[Node]:
        """``a = b ≤ c``: the sides; ``relations`` and ``side_starts`` say what joins them and
        where each side starts."""
        self.side_starts = [self.tok.pos]
        self.relations: list[str] = []
        sides = [self.expr()]
        while self.tok.kind != "end" and self.tok.text in RELATIONS:
            self.relations.append(RELATIONS[self.take().text])
            self.side_starts.append(self.tok.pos)
            sides.append(self.expr())
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}'", hint=self._hint_for(self.tok))
        return sides

    def expr(self) -> Node:
        terms: list[Node] = []
        sign = 1
        if self.at("+") or self.at("-"):
            sign = -1 if self.take().text == "-" else 1
        term = self.term()
        terms.append(Neg(term) if sign < 0 else term)
        while self.at("+") or self.at("-"):
            sign = -1 if self.take().text == "-" else 1
            term = self.term()
            terms.append(Neg(term) if sign < 0 else term)
        return terms[0] if len(terms) == 1 else Add(tuple(terms))

    def _ends_term(self) -> bool:
        tok = self.tok
        return (
            tok.kind == "end"
            or tok.text in {"+", "-", ")", "]", "}", ",", ";", "\\}", "\\rvert"}
            or (tok.text == "|" and getattr(self, "_in_abs", 0) > 0)  # closes |x|
            or tok.text in RELATIONS
        )

    def term(self) -> Node:
        factors: list[Node] = []
        while not self._ends_term():
            if self.tok.text in ("\\cdot", "\\times", "*"):
                if not factors:
                    raise self.error(f"'{self.tok.text}' needs a factor before it")
                self.take()
                continue
            if self.at("/"):
                self.take()
                if not factors:
                    raise self.error("'/' needs a numerator before it")
                factors[-1] = Div(factors[-1], self.postfix(self.atom()))
                continue
            prefix = self.prefix_operator()
            if prefix is not None:
                factors.append(prefix)
                if self._took_rest:
                    break  # a prefix operator took the rest of the product
                continue
            factors.append(self.postfix(self.atom()))
        if not factors:
            raise self.error(
                f"expected a term but found '{self.tok.text or 'end of formula'}'",
            )
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def prefix_operator(self) -> Node | None:
        """Operators that apply to the rest of the product: \\ln p q, \\sum_i, d/dp."""
        tok = self.tok
        self._took_rest = True
        if tok.text in ("\\ln", "\\log", "\\exp") and self.peek().text not in ("(", "^"):
            self.take()
            if self.at("_"):
                raise self.error("only the natural logarithm is read", hint="write \\ln or \\log")
            return Func(_FUNC[tok.text], self.term())
        if tok.text in ("\\sum", "\\prod"):
            return self.big_operator()
        if tok.text in ("\\frac", "\\dfrac", "\\tfrac") and self._is_derivative_operator():
            return self.derivative()
        return None

    def _is_derivative_operator(self) -> bool:
        return self.peek().text == "{" and self.peek(2).text == "\\partial"

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("^"):
                self.take()
                node = Pow(node, self.script())
            elif self.at("!"):
                self.take()
                node = Factorial(node)
            else:
                return node

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
        self.expect("}")
        return node

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return Num(tok.text)
        if tok.text in ("(", "["):
            self.take()
            node = self.expr()
            self.expect(")" if tok.text == "(" else "]")
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

    def absolute(self) -> Node:
        """``|x|`` or ``\\lvert x \\rvert`` (not nested: an inner bar would close it)."""
        opened = self.take()
        self._in_abs = getattr(self, "_in_abs", 0) + 1
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
        if name in ("ln", "log", "exp"):
            self.take()
            if self.at("^"):
                raise self.error(f"\\{name}^... is ambiguous", hint=f"write (\\{name} x)^{{2}}")
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func(_FUNC[tok.text], arg)
        if name == "binom":
            self.take()
            return Binom(self.group(), self.group())
        if name == "operatorname":
            return self.operatorname()
        if name == "delta" and "delta" not in self.symbols and self.peek().text == "_":
            self.take()
            self.expect("_")
            left, right = self.index_pair()
            return Delta(left, right)
        if name == "mathbb":
            return self.blackboard()
        if name == "Gamma" and "Gamma" not in self.symbols and self.peek().text == "(":
            self.take()
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func("gamma", arg)
        if name == "sigma" and "sigma" not in self.symbols and self.peek().text == "(":
            self.take()
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func("sigma", arg)
        if name in DECORATIONS:
            return self.symbol_or_call()
        if name in GREEK:
            return self.symbol_or_call()
        if name in ("sum", "prod"):
            return self.big_operator()
        if name in UNSUPPORTED:
            raise self.error(f"\\{name} is not read by the verifier", hint=UNSUPPORTED[name])
        if name == "partial":
            raise self.error("a bare \\partial", hint="write \\frac{\\partial f}{\\partial x}")
        raise self.error(f"unknown command \\{name}", hint=self._hint_for(tok))

    def operatorname(self) -> Node:
        start = self.take().pos
        self.expect("{")
        name = ""
        while not self.at("}"):
            if self.tok.kind == "end":
                raise self.error("unclosed \\operatorname{")
            name += self.take().text
        self.take()
        if name == "softmax":
            index = None
            if self.at("_"):
                self.take()
                index = self.single_index()
            self.expect("(", hint="write \\operatorname{softmax}(\\theta)_k")
            vec = self.take()
            vector = _symbol_name(vec)
            if vector is None:
                raise ParseError(
                    "softmax takes a vector symbol",
                    column=vec.pos,
                    hint="write \\operatorname{softmax}(\\theta)_k",
                )
            self.expect(")")
            if index is None:
                self.expect("_", hint="softmax is read component-wise: add the index, e.g. _k")
                index = self.single_index()
            return Softmax(vector, index, pos=start)
        if name in ("logit", "sigmoid"):
            self.expect("(")
            arg = self.expr()
            self.expect(")")
            return Func("sigma" if name == "sigmoid" else "logit", arg)
        if name == "B":  # the beta function, B(a, b) = Γ(a) Γ(b) / Γ(a + b)
            self.expect("(", hint="the beta function reads \\operatorname{B}(a, b)")
            a = self.expr()
            self.expect(",", hint="the beta function reads \\operatorname{B}(a, b)")
            b = self.expr()
            self.expect(")")
            gamma = Func("gamma", Add((a, b)))
            return Div(Mul((Func("gamma", a), Func("gamma", b))), gamma)
        raise ParseError(
            f"unknown operator {name}",
            column=start,
            hint="the verifier reads softmax, logit and sigmoid",
        )

    def blackboard(self) -> Node:
        start = self.take().pos
        self.expect("{")
        letter = self.take().text
        self.expect("}")
        if letter == "E":
            var = None
            if self.at("_"):
                self.take()
                if self.at("{"):
                    self.take()
                    var = _symbol_name(self.take())
                    self.expect("}", hint="write \\mathbb{E}_{y}[...] with the random variable")
                else:
                    var = _symbol_name(self.take())
            if var is None:
                raise ParseError(
                    "an expectation needs its random variable",
                    column=start,
                    hint="write \\mathbb{E}_{y}[\\dots]",
                )
            if not (self.at("[") or self.at("(") or self.at("\\{")):
                raise self.error("expected '[' after \\mathbb{E}_{...}")
            close = {"[": "]", "(": ")", "\\{": "\\}"}[self.take().text]
            body = self.expr()
            self.expect(close)
            return Expect(var, body, pos=start)
        if letter == "1":
            if not (self.at("[") or self.at("\\{")):
                raise self.error("expected '[' after \\mathbb{1}", hint="write \\mathbb{1}[a = b]")
            close = "]" if self.take().text == "[" else "\\}"
            left = self.expr()
            self.expect("=", hint="an indicator reads \\mathbb{1}[a = b]")
            right = self.expr()
            self.expect(close)
            return Indicator(left, right)
        raise ParseError(
            f"\\mathbb{{{letter}}} is not read here", column=start, hint="sets belong in :symbols:"
        )

    def big_operator(self) -> Node:
        op = self.take().text[1:]
        self.expect("_", hint=f"write \\{op}_{{i=1}}^{{K}}")
        lo = hi = None
        if self.at("{"):
            self.take()
            var = _symbol_name(self.take())
            if self.at("="):
                self.take()
                lo = self.expr()
            self.expect("}")
        else:
            var = _symbol_name(self.take())
        if var is None:
            raise self.error(f"\\{op} needs an index variable", hint=f"\\{op}_{{i=1}}^{{K}}")
        if self.at("^"):
            self.take()
            hi = self.script()
        if (lo is None) != (hi is None):
            raise self.error(f"\\{op} needs both bounds or neither", hint=f"\\{op}_{{i=1}}^{{K}}")
        body = self.term()
        return BigOp(op, var, lo, hi, body)

    def derivative(self) -> Node:
        """\\frac{\\partial^n f}{\\partial x^n} or the operator \\frac{\\partial}{\\partial x} f."""
        self.take()  # \frac
        self.expect("{")
        self.expect("\\partial")
        order = 1
        if self.at("^"):
            self.take()
            order = _integer(self.script(), self)
        operand = None if self.at("}") else self.expr()
        self.expect("}")
        self.expect("{", hint="the denominator reads {\\partial x}")
        wrt: list[tuple[Sym, int]] = []
        while not self.at("}"):
            self.expect("\\partial", hint="each variable in the denominator needs \\partial")
            var = self.symbol_or_call(allow_call=False)
            if not isinstance(var, Sym):
                raise self.error("differentiate by a symbol")
            power = 1
            if self.at("^"):
                self.take()
                power = _integer(self.script(), self)
            wrt.append((var, power))
        self.take()
        if sum(p for _, p in wrt) != order:
            raise self.error(
                f"derivative order {order} does not match the denominator",
                hint="\\frac{\\partial^{2} f}{\\partial x \\partial y} or {\\partial x^{2}}",
            )
        self._took_rest = operand is None
        if operand is None:
            operand = self.term()
        return Derivative(operand, tuple(wrt))

    def symbol_or_call(self, allow_call: bool = True) -> Node:
        tok = self.take()
        if tok.kind == "cmd" and tok.text[1:] in DECORATIONS:
            self.expect("{")
            inner = self.take()
            base = _symbol_name(inner)
            if base is None:
                raise ParseError("decorate a single symbol", column=inner.pos)
            self.expect("}")
            name = f"{base}{DECORATIONS[tok.text[1:]]}"
        else:
            name = _symbol_name(tok)
            if name is None:
                raise ParseError(f"unexpected '{tok.text}'", column=tok.pos)
        indices: tuple[Node, ...] = ()
        if self.at("_"):
            self.take()
            indices = self.index_list()
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
        if allow_call and name in self.functions and self.at("("):
            self.take()
            args = [self.expr()]
            while self.at(",") or self.at(";"):
                self.take()
                args.append(self.expr())
            self.expect(")")
            if indices:
                raise ParseError("a defined function takes no subscript", column=tok.pos)
            return Call(name, tuple(args), pos=tok.pos)
        if allow_call and name in self.functions:
            raise ParseError(
                f"function {name} needs its arguments",
                column=tok.pos,
                hint=f"write {name}(...) as it was defined",
            )
        return Sym(name, indices, pos=tok.pos)

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


_FUNC = {"\\ln": "ln", "\\log": "ln", "\\exp": "exp"}


def _symbol_name(tok: Token) -> str | None:
    if tok.kind == "letter":
        return tok.text
    if tok.kind == "cmd" and tok.text[1:] in GREEK:
        return tok.text[1:]
    return None


def _integer(node: Node, parser: Parser) -> int:
    if isinstance(node, Num) and node.value.isdigit():
        return int(node.value)
    raise parser.error("a derivative order must be a whole number")


def parse_equation(
    latex: str, *, functions: set[str], symbols: set[str] = frozenset()
) -> list[Node]:
    r"""Parse ``a = b = c`` into its sides (one side for a bare expression).

    >>> len(parse_equation(r"\ln g(y; p) = y \ln p + (1 - y) \ln(1 - p)", functions={"g"}))
    2
    """
    return Parser(latex, functions=functions, symbols=symbols).equation()


def split_top_level(latex: str) -> tuple[str, str]:
    r"""Split ``lhs = rhs`` at its first top-level '=' (for reading definitions).

    >>> split_top_level(r"g(y; p) = p^{y} (1 - p)^{1 - y}")
    ('g(y; p) ', ' p^{y} (1 - p)^{1 - y}')
    """
    depth = 0
    for i, ch in enumerate(latex):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "=" and depth == 0:
            return latex[:i], latex[i + 1 :]
    raise ParseError("a definition reads name = expression", hint="write g(y; p) = ...")
