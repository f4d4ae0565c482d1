"""The results table: one row per figure and database, frontdesk beside the peer, the ratio and the bar."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    """A target a figure must meet: on frontdesk's own value (`absolute`) or on the ratio to the peer."""

    text: str
    check: Callable[[float, float], bool]  # (frontdesk value, advantage over the peer) -> met?


def at_most(limit: float, unit: str) -> Bar:
    return Bar(f"<= {limit:g} {unit}", lambda value, _adv: value <= limit)


def at_least(limit: float, unit: str) -> Bar:
    return Bar(f">= {limit:g} {unit}", lambda value, _adv: value >= limit)


def under(limit: float, unit: str) -> Bar:
    return Bar(f"< {limit:g} {unit}", lambda value, _adv: value < limit)


def advantage_at_least(times: float) -> Bar:
    return Bar(f">= {times:g}x peer", lambda _value, adv: adv >= times)


@dataclass(frozen=True)
class Row:
    """One figure on one database for both products."""

    figure: str
    db: str
    unit: str
    frontdesk: float
    peer: float
    higher_is_better: bool
    bar: Bar | None = None
    note: str = ""

    @property
    def advantage(self) -> float:
        """How many times better frontdesk is than the peer (>1 is better, whichever way the unit points)."""
        if not _usable(self.frontdesk) or not _usable(self.peer):
            return math.nan
        if self.higher_is_better:
            return self.frontdesk / self.peer if self.peer else math.inf
        return self.peer / self.frontdesk if self.frontdesk else math.inf

    @property
    def verdict(self) -> str:
        if self.bar is None:
            return ""
        if not _usable(self.frontdesk):
            return "n/a"
        return "PASS" if self.bar.check(self.frontdesk, self.advantage) else "FAIL"


def _usable(value: float) -> bool:
    return value is not None and not math.isnan(value)


def fmt_value(value: float, unit: str = "") -> str:
    if not _usable(value):
        return "-"
    if value == int(value) and (unit == "" or abs(value) >= 100):
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value: float) -> str:
    if not _usable(value):
        return "-"
    if math.isinf(value):
        return "inf"
    return f"{value:.1f}x" if value < 100 else f"{value:,.0f}x"


HEADERS = ("figure", "db", "frontdesk", "peer", "frontdesk advantage", "bar", "")


def cells(row: Row) -> tuple[str, ...]:
    unit = f" {row.unit}" if row.unit else ""
    return (
        row.figure,
        row.db,
        fmt_value(row.frontdesk, row.unit) + unit,
        fmt_value(row.peer, row.unit) + unit,
        fmt_ratio(row.advantage),
        row.bar.text if row.bar else "",
        row.verdict,
    )


def render_text(rows: Sequence[Row]) -> str:
    """A fixed-width table for the terminal."""
    body = [cells(r) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in body)) if body else len(h) for i, h in enumerate(HEADERS)]
    numeric = {2, 3, 4}

    def line(values: Sequence[str]) -> str:
        pairs = enumerate(zip(values, widths, strict=True))
        parts = [v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in pairs]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADERS), rule, *(line(c) for c in body)])


def render_markdown(rows: Sequence[Row]) -> str:
    """The same table for docs/operations/performance.md."""
    out = ["| " + " | ".join(h or "met?" for h in HEADERS) + " |", "|" + "|".join(["---"] * len(HEADERS)) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |")
    return "\n".join(out)
