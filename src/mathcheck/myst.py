r"""Find the formulas of a MyST page without Sphinx: the fast path behind the command line.

The page is tokenised by markdown-it-py with the plugins myst-parser itself uses
(:func:`parser`), so this finds what the Sphinx build finds: the verifier's directives
(``math-def``, ``math-claim``, ``math-derivation``, ``math-exempt``) with their options, in
reading order, inside other directives whose body is MyST (``prf:proof``, ``tab-item`` …) and
in reStructuredText (``{eval-rst}``); and every other display formula, which the build reports
as unverified: ``$$`` blocks (in list items and block quotes too), ``{math}``, amsmath
environments, ``.. math::`` and raw HTML that MathJax would typeset (:func:`html_display_math`).

>>> text = '''
... ``` {math-claim} eq-x
... :symbols: p \\in (0, 1)
... p = p
... ```
... - an item
...
...   $$ a + b $$
... ````{prf:proof}
... By parts.
...
... ```{math-claim} eq-y
... q = q
... ```
... ````
... '''
>>> formulas, stray = extract(text, "page.md")
>>> formulas[0].label, formulas[0].line, formulas[0].content_line, formulas[0].latex
('eq-x', 2, 4, 'p = p')
>>> formulas[1].label, formulas[1].line  # inside a directive whose body is MyST
('eq-y', 12)
>>> stray
[(8, '$$ a + b $$')]
"""

from __future__ import annotations

import dataclasses
import functools
import re
import textwrap
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import make_fence_rule
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from .reading import states_relation
from .records import Formula, inline_label

DIRECTIVES = {
    "math-def": "definition",
    "math-claim": "claim",
    "math-derivation": "derivation",
    "math-exempt": "exempt",
}
# the MyST syntax extensions that decide what is display math (myst_enable_extensions)
EXTENSIONS = ("dollarmath", "amsmath", "colon_fence", "deflist")
# directives whose body is not MyST (code, data, other markup): never searched for formulas
LITERAL = {
    "code-cell",
    "code-block",
    "code",
    "sourcecode",
    "literalinclude",
    "toctree",
    "bibliography",
    "formula-table",
    "formula-ledger",
    "csv-table",
    "glue",
    "glue:any",
    "glue:figure",
    "glue:math",
    "mermaid",
    "graphviz",
}
# the sphinx-proof blocks whose statement is a claim (see Formula kind "statement")
STATEMENTS = {"prf:theorem", "prf:lemma", "prf:proposition", "prf:corollary"}
# the roles of inline math: plain math is a claim when it states a relation; the others mark it
INLINE_ROLES = {"math": {}, "notation": {"notation": True}, "algebra": {"algebra": True}}
# the blocks a {math-exempt} role exempts the inline relations of (besides sphinx-proof's)
ADMONITIONS = {
    "admonition",
    "attention",
    "caution",
    "danger",
    "error",
    "hint",
    "important",
    "note",
    "seealso",
    "tip",
    "warning",
}
# directives whose argument is a file or a name, not a title in MyST
UNTITLED = {"figure", "image", "include", "literalinclude", "math", "raw", "eval-rst", "glue"}
# HTML that MathJax typesets as a display formula: an element of class "math" holding \[ … \],
# $$ … $$ or an environment (Sphinx's MathJax set-up processes the class "math" only)
_HTML_MATH = re.compile(r"""class\s*=\s*["'][^"']*\bmath\b""", re.IGNORECASE)
_HTML_DISPLAY = re.compile(r"\\\[|\$\$|\\begin\{|<div\b[^>]*\bmath\b", re.IGNORECASE)
_RST_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?P<name>[\w:-]+)::[ \t]*(?P<arg>.*)$")


def html_display_math(html: str) -> bool:
    """Whether raw HTML holds a display formula MathJax would show (and nobody verifies).

    >>> html_display_math('<div class="math">\\\\[ a = b \\\\]</div>')
    True
    >>> html_display_math("<b>x</b>")
    False
    """
    return bool(_HTML_MATH.search(html) and _HTML_DISPLAY.search(html))


@functools.cache
def parser(extensions: tuple[str, ...] = EXTENSIONS) -> MarkdownIt:
    """markdown-it-py configured as myst-parser configures it for ``extensions``."""
    md = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(myst_block_plugin)
        .use(myst_role_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    )
    if "dollarmath" in extensions:
        md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True)
    if "colon_fence" in extensions:
        rule = make_fence_rule(markers=(":",), token_type="colon_fence", exact_match=False)
        alt = ["paragraph", "reference", "blockquote", "list", "footnote_def"]
        md.block.ruler.before("fence", "colon_fence", rule, {"alt": alt})
    if "amsmath" in extensions:
        md.use(amsmath_plugin)
    if "deflist" in extensions:
        md.use(deflist_plugin)
    return md


def extract(
    text: str, source: str, extensions: tuple[str, ...] = EXTENSIONS
) -> tuple[list[Formula], list[tuple[int, str]]]:
    """The verifier's formulas in reading order, and the display math nobody verifies."""
    found = _Found(source, tuple(extensions))
    found.markdown(text, 0)
    return found.formulas, found.stray


class _Found:
    """What a walk over a page has found so far."""

    def __init__(self, source: str, extensions: tuple[str, ...]):
        self.source = source
        self.extensions = extensions
        self.formulas: list[Formula] = []
        self.stray: list[tuple[int, str]] = []
        self.prose: list[tuple[int, str]] = []  # the text of paragraphs, headings, tables
        self.on_line: dict[int, int] = {}  # line → inline formulas found on it so far
        self.exempted: list[str] = []  # reasons of {math-exempt} roles since the last statement

    def markdown(self, text: str, offset: int) -> None:
        """Walk MyST ``text`` whose first line is line ``offset + 1`` of the page."""
        for token in parser(self.extensions).parse(text + "\n"):
            line = offset + (token.map[0] if token.map else 0) + 1
            if token.type in ("fence", "colon_fence"):
                content = token.content
                if token.type == "colon_fence" and content.startswith(":::"):
                    content = "\n" + content  # as myst-parser does, to tell options from fences
                self.fence(token.info, content, line)
            elif token.type.startswith("math_block") or token.type == "amsmath":
                self.stray.append((line, _shown(token)))
            elif token.type == "html_block" and html_display_math(token.content):
                self.stray.append((line, token.content.strip()))
            elif token.type == "inline":
                self.prose += _text(token.children or [], line)
                self.inline(token.children or [], line)

    def inline(self, children: list, line: int) -> None:
        """The inline tokens of one paragraph (or title, or cell) that starts at ``line``."""
        for child in children:
            if child.type == "math_inline_double":
                self.stray.append((line, f"$${child.content}$$"))
            elif child.type == "html_inline" and html_display_math(child.content):
                self.stray.append((line, child.content.strip()))
            elif child.type == "math_inline":
                self.math(child.content, line, {})
            elif child.type == "myst_role" and child.meta.get("name") in INLINE_ROLES:
                self.math(child.content, line, INLINE_ROLES[child.meta["name"]])
            elif child.type == "myst_role" and child.meta.get("name") == "math-exempt":
                self.exempted.append(child.content.strip())
            if child.children:
                self.inline(child.children, line)
                line += sum(_newlines(c) for c in child.children)
            line += _newlines(child)

    def math(self, latex: str, line: int, marks: dict) -> None:
        """Inline math at ``line``: a formula when it states a relation or is marked."""
        if not (marks or states_relation(latex)):
            return
        n = self.on_line.get(line, 0)
        self.on_line[line] = n + 1
        label = inline_label(self.source, line, n)
        formula = Formula("inline", label, latex, self.source, line, line, **marks)
        self.formulas.append(formula)

    def fence(self, info: str, content: str, line: int) -> None:
        """A fenced block at ``line``: a directive, or code."""
        parts = info.strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        argument = parts[1] if len(parts) > 1 else ""
        if not (name.startswith("{") and name.endswith("}")):
            return  # plain code
        self.directive(name[1:-1], argument, content.splitlines(), line)

    def directive(self, name: str, argument: str, body: list[str], line: int) -> None:
        """A directive at ``line`` with ``body`` (the lines after its first line)."""
        if name in DIRECTIVES:
            self.formulas.append(_formula(name, argument, body, self.source, line))
        elif name == "math":
            _, start = _options(body)
            self.stray.append((line, "\n".join(body[start:]).strip()))
        elif name == "eval-rst":
            self.rst(body, line)
        elif name == "raw":
            if "html" in argument.split() and html_display_math("\n".join(body)):
                self.stray.append((line, "\n".join(body).strip()))
        elif name not in LITERAL:
            options, start = _options(body)
            if argument and name not in UNTITLED:  # a title, read as MyST inline text
                self.inline(parser(self.extensions).parseInline(argument)[0].children, line)
            if name == "prf:proof" and start < len(body):
                # sphinx-proof prepends "Proof. " to the first line: a fence there is text
                body = [*body[:start], f"Proof. {body[start]}", *body[start + 1 :]]
            outer, first = self.exempted, len(self.formulas)
            self.exempted = []
            self.markdown("\n".join(body[start:]), line + start)
            if not is_block(name):  # a tab, a card …: its roles belong to the block around it
                self.exempted = outer + self.exempted
                return
            if self.exempted:  # what no block inside it exempted
                reason = "; ".join(self.exempted)
                self.formulas[first:] = [
                    dataclasses.replace(f, reason=reason)
                    if f.kind == "inline" and not (f.reason or f.notation or f.algebra)
                    else f
                    for f in self.formulas[first:]
                ]
            if name in STATEMENTS:  # from its text's first line, as the build sees it
                self.formulas.append(
                    statement(
                        self.source,
                        options.get("label", ""),
                        argument,
                        line + start + 1,
                        line + len(body),
                        self.exempted,
                    )
                )
            self.exempted = outer

    def rst(self, lines: list[str], line: int) -> None:
        """reStructuredText whose first line is line ``line + 1``: its directives, nested ones
        included (a directive's body is the block indented below it)."""
        i = 0
        while i < len(lines):
            match = _RST_DIRECTIVE.match(lines[i])
            if not match:
                i += 1
                continue
            indent = len(match["indent"].expandtabs())
            end = i + 1
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
            ):
                end += 1
            body = textwrap.dedent("\n".join(lines[i + 1 : end])).splitlines()
            self.directive_rst(match["name"], match["arg"].strip(), body, line + i + 1)
            i = end

    def directive_rst(self, name: str, argument: str, body: list[str], line: int) -> None:
        if name in DIRECTIVES or name in ("math", "raw"):
            self.directive(name, argument, body, line)
        elif name not in LITERAL:
            _, start = _options(body)
            self.rst(body[start:], line + start)


def prose(text: str, extensions: tuple[str, ...] = EXTENSIONS) -> list[tuple[int, str]]:
    r"""The prose of a MyST page, line by line: text outside code, math and roles, in
    paragraphs, headings, tables and the bodies of directives written in MyST.

    >>> prose("A $x = 0.5$ and {glue:text}`k:.2f`, then\n0.31 `0.7`.")
    [(1, 'A '), (1, ' and '), (1, ', then'), (2, '0.31 '), (2, '.')]
    """
    found = _Found("", tuple(extensions))
    found.markdown(text, 0)
    return found.prose


def _text(children, line: int) -> list[tuple[int, str]]:
    """The plain text of an inline token's children, each with its line (a line break inside
    a paragraph is a ``softbreak`` child)."""
    out = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "text":
            out.append((line, child.content))
        elif child.children and child.type not in ("myst_role", "code_inline"):
            out += _text(child.children, line)  # emphasis, links: their text is prose
    return out


def is_block(name: str) -> bool:
    """Whether a ``{math-exempt}`reason``` inside directive ``name`` exempts its text: a
    theorem, proof or other sphinx-proof block, or an admonition."""
    return name.startswith("prf:") or name in ADMONITIONS


def statement(
    source: str, label: str, title: str, line: int, end_line: int, reasons: list[str]
) -> Formula:
    """A theorem's statement on lines ``line`` (where its text starts) to ``end_line``, with
    the reasons of the ``{math-exempt}`` roles in it (several are joined, and refused as no
    reviewed reason)."""
    return Formula(
        kind="statement",
        label=label.strip() or f"statement-{Path(source).stem}-{line}",
        latex=title.strip(),
        source=source,
        line=line,
        content_line=line,
        end_line=end_line,
        reason="; ".join(reasons),
    )


def _newlines(token) -> int:
    """The lines an inline token moves on by: a line break, or math written over lines."""
    if token.type in ("softbreak", "hardbreak"):
        return 1
    if token.type in ("math_inline", "myst_role", "code_inline"):
        return token.content.count("\n")
    return 0


def _shown(token) -> str:
    if token.type == "amsmath":
        return token.content.strip()
    return f"$${token.content}$$".replace("$$\n", "$$ ").replace("\n$$", " $$").strip()


def _options(body: list[str]) -> tuple[dict[str, str], int]:
    """A directive's options (a YAML block between ``---`` lines, or ``:name: value`` lines)
    and the index of its first content line (after the blank lines that follow them)."""
    options: dict[str, str] = {}
    offset = 0
    if body and body[0].strip() == "---":
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
        if end is not None:
            loaded = yaml.safe_load("\n".join(body[1:end])) or {}
            options = {k: "" if v is None else str(v) for k, v in loaded.items()}
            offset = end + 1
    while offset < len(body) and (m := re.match(r"^\s*:([\w-]+):(?:\s+(.*))?$", body[offset])):
        options[m[1]] = (m[2] or "").strip()
        offset += 1
    while offset < len(body) and not body[offset].strip():
        offset += 1
    return options, offset


def _formula(name: str, argument: str, body: list[str], source: str, line: int) -> Formula:
    options, offset = _options(body)
    latex = "\n".join(body[offset:]).strip("\n")
    return Formula(
        kind=DIRECTIVES[name],
        label=argument.strip(),
        latex=latex,
        source=source,
        line=line,
        content_line=line + 1 + offset,
        symbols=options.get("symbols", ""),
        torch=options.get("torch", ""),
        package=options.get("package", ""),
        reason=options.get("reason", ""),
        where=options.get("where", ""),
        algebra="algebra" in options,
    )
