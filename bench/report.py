"""The benchmark's markdown: one table of measurements, one of ratios against targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Row:
    number: str
    measurement: str
    contender: str
    pages: int | None = None
    cpu_ms_per_page: float | None = None
    pages_per_second: float | None = None
    peak_rss_mb: float | None = None
    other: str = ""


@dataclass
class Target:
    number: str
    ratio: str
    value: float | None
    target: str
    met: bool | None
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def row(self, *args: object, **kwargs: object) -> Row:
        row = Row(*args, **kwargs)  # type: ignore[arg-type]
        self.rows.append(row)
        return row

    def target(
        self, number: str, ratio: str, value: float | None, target: str, *, at_most: float | None
    ) -> None:
        """A ratio and whether it meets its bound (`at_most`; None: higher is better)."""
        met: bool | None
        if value is None or math.isnan(value):
            met, value = None, None
        elif at_most is not None:
            met = value <= at_most
        else:
            met = None
        self.targets.append(Target(number, ratio, value, target, met))

    def target_at_least(self, number: str, ratio: str, value: float | None, bound: float) -> None:
        met = None if value is None or math.isnan(value) else value >= bound
        self.targets.append(
            Target(number, ratio, None if met is None else value, f">= {bound:g}", met)
        )

    def markdown(self) -> str:
        lines = [
            "| # | measurement | contender | pages | CPU ms/page | pages/s | peak RSS MB | other |",
            "|---|---|---|---:|---:|---:|---:|---|",
        ]
        for r in self.rows:
            lines.append(
                f"| {r.number} | {r.measurement} | {r.contender} | {_n(r.pages, 0)} "
                f"| {_n(r.cpu_ms_per_page, 2)} | {_n(r.pages_per_second, 1)} "
                f"| {_n(r.peak_rss_mb, 0)} | {r.other} |"
            )
        lines += ["", "| # | ratio | measured | target | met |", "|---|---|---:|---|---|"]
        for t in self.targets:
            verdict = {True: "yes", False: "**no**", None: "n/a"}[t.met]
            lines.append(f"| {t.number} | {t.ratio} | {_n(t.value, 3)} | {t.target} | {verdict} |")
        return "\n".join(lines) + "\n"


def _n(value: float | int | None, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"
