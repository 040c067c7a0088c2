"""What goes into the verifier (a formula as written) and what comes out (its evidence)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

KINDS = ("definition", "claim", "derivation", "exempt", "inline", "statement")


@dataclass(frozen=True)
class Formula:
    """One formula as the author wrote it.

    A display (``definition``, ``claim``, ``derivation``, ``exempt``), an ``inline`` relation
    in the text (``$…$``; ``notation`` when the author marked it as stating notation), or the
    ``statement`` of a theorem, whose LaTeX is its title and which holds the formulas on its
    lines ``line`` to ``end_line`` (``reason``: the reviewed reason it states no checked
    relation).

    ``line`` is the 1-based line of the directive in ``source``; ``content_line`` the line of
    the first LaTeX line (so each derivation step can be located). ``where`` declares domains
    for this formula alone; ``algebra`` marks a claim that is an identity, tied to none of the
    page's definitions.
    """

    kind: str
    label: str
    latex: str
    source: str
    line: int
    content_line: int
    symbols: str = ""
    torch: str = ""
    package: str = ""
    reason: str = ""
    where: str = ""
    algebra: bool = False
    notation: bool = False
    end_line: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {self.kind!r}")


def inline_label(source: str, line: int, n: int = 0) -> str:
    """The name of the ``n``-th inline formula on ``line`` of ``source`` (from 0): in the ledger
    and as the anchor the formula's place in the text gets.

    >>> inline_label("docs/baselines.md", 68), inline_label("docs/baselines.md", 68, 1)
    ('inline-baselines-68', 'inline-baselines-68-2')
    """
    stem = source.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".md")
    return f"inline-{stem}-{line}" + (f"-{n + 1}" if n else "")


@dataclass
class Evidence:
    """One way a formula was checked: how, on how many points, the worst error."""

    method: str  # symbolic | numeric | torch | package | normalised | gradient | notation |
    # exempt | integral | series | quadrature | truncated sum (how an expectation was decided)
    ok: bool
    points: int = 0
    worst_error: float | None = None
    seconds: float = 0.0
    detail: str = ""


@dataclass
class Result:
    """The verdict on one formula, or on one step of a derivation."""

    label: str
    kind: str
    source: str
    line: int
    latex: str
    step: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reason: str = ""
    cached: bool = False
    elapsed: float = 0.0  # wall seconds the verifier spent on it (shared among a chain's steps)
    uses: list[str] = field(default_factory=list)  # labels of what it rests on (see .uses)
    domains: list[str] = field(default_factory=list)  # the declarations its checks used (LaTeX)
    algebra: bool = False  # a claim or derivation marked as an identity (see Formula)

    @property
    def notation(self) -> bool:
        """A definition with nothing to check it against: it names something, it proves nothing."""
        return self.kind in ("definition", "inline") and all(
            e.method == "notation" for e in self.evidence
        )

    @property
    def status(self) -> str:
        """How the ledger and the caption name the verdict."""
        if not self.ok:
            return "failing"
        if self.kind == "exempt" or (self.kind in ("statement", "inline") and self.reason):
            return "exempt"
        if self.notation:
            return "notation"
        return "identity" if self.algebra else "verified"

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def methods(self) -> list[str]:
        return [e.method for e in self.evidence if e.ok]

    @property
    def points(self) -> int:
        return sum(e.points for e in self.evidence)

    @property
    def worst_error(self) -> float | None:
        errors = [e.worst_error for e in self.evidence if e.worst_error is not None]
        return max(errors) if errors else None

    @property
    def seconds(self) -> float:
        return self.elapsed or sum(e.seconds for e in self.evidence)

    def messages(self) -> list[str]:
        """``source:line: label: problem`` lines, as the build prints them (an inline formula
        is named by its LaTeX too: its label is only where it stands).

        >>> Result("inline-p-3", "inline", "p.md", 3, "a = b", problems=["wrong"]).messages()
        ['p.md:3: inline-p-3 ($a = b$): wrong']
        """
        return [f"{self.source}:{self.line}: {self.name}: {p}" for p in self.problems]

    @property
    def name(self) -> str:
        """The label, and for an inline formula its LaTeX."""
        if self.kind == "inline":
            return f"{self.label} (${' '.join(self.latex.split())}$)"
        return self.label

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        evidence = [Evidence(**e) for e in data.pop("evidence")]
        return cls(evidence=evidence, **data)
