"""The figures of a run, against the targets of issue 6: the table and bench/results.json."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

AT_LEAST = ">="
BELOW = "<"
EXACTLY = "=="


@dataclass(frozen=True)
class Figure:
    """One measured figure; a figure with no value says why in `note` (e.g. not built yet)."""

    name: str
    value: float | None
    unit: str
    target: float | None = None
    comparison: str = ""
    target_text: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """The value over its target: at least 1 passes a minimum, below 1 passes a maximum."""
        if self.value is None or not self.target:
            return None
        return self.value / self.target

    @property
    def passed(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.comparison == AT_LEAST:
            return self.value >= self.target
        if self.comparison == BELOW:
            return self.value < self.target
        if self.comparison == EXACTLY:
            return self.value == self.target
        raise ValueError(f"Unknown comparison {self.comparison!r}")

    @property
    def result(self) -> str:
        if self.value is None:
            return self.note or "not measured"
        return {True: "PASS", False: "MISS", None: ""}[self.passed]

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed, "result": self.result}


def number_format(value: float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or (value == int(value) and abs(value) >= 10):
        return f"{int(value):,}".replace(",", " ")
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _target_text(figure: Figure) -> str:
    if figure.target is None:
        return ""
    symbol = {AT_LEAST: "≥", BELOW: "<", EXACTLY: "="}[figure.comparison]
    text = f"{symbol} {number_format(figure.target)}"
    return f"{text} ({figure.target_text})" if figure.target_text else text


def figures_table(figures: list[Figure]) -> str:
    """Return the figures as a plain-text table: figure, value, target, ratio, result."""
    rows = [("figure", "value", "target", "ratio", "result")]
    for figure in figures:
        value = "" if figure.value is None else f"{number_format(figure.value)} {figure.unit}"
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}"
        rows.append((figure.name, value.strip(), _target_text(figure), ratio, figure.result))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column in (1, 3) else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def results_write(path: Path, *, figures: list[Figure], details: dict) -> None:
    """Write bench/results.json: every figure with its verdict, then each step's raw numbers."""
    missed = [figure.name for figure in figures if figure.passed is False]
    document = {
        "figures": [figure.as_dict() for figure in figures],
        "missed": missed,
        **details,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
