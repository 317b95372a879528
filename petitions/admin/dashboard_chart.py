"""The dashboard's chart of signatures per day, laid out on the server as SVG coordinates.

It must read right for one day as for a year: bars never wider than MAX_BAR_WIDTH (one day is
one bar, not a block across the chart), a vertical axis with round steps, and a handful of
dates along the bottom whatever the number of days.
"""

import math

from petitions.dashboard import DayCount

WIDTH = 720
HEIGHT = 240
# Room for the axis's numbers on the left and the dates and the legend below.
LEFT = 44
BOTTOM = 40
TOP = 8
PLOT_WIDTH = WIDTH - LEFT - 8
PLOT_HEIGHT = HEIGHT - BOTTOM - TOP
MAX_BAR_WIDTH = 36
Y_TICKS = 4
X_LABELS = 6


def nice_ceiling(value: int) -> int:
    """Return the smallest of 1, 2, 5, 10, 20, 50… that is at least `value` (and 1 for 0)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _y(count: float, top: int) -> float:
    return round(TOP + PLOT_HEIGHT - count * PLOT_HEIGHT / top, 2)


def _label_days(days: list[DayCount]) -> list[int]:
    """Return the indexes of the days to name below the chart: first, last, evenly between."""
    if len(days) <= X_LABELS:
        return list(range(len(days)))
    gap = (len(days) - 1) / (X_LABELS - 1)
    return sorted({round(index * gap) for index in range(X_LABELS)})


def _date_label(days: list[DayCount], bars: list[dict], index: int) -> dict:
    """Name a day under its bar; the first and last stay inside the chart's edges."""
    anchor = "middle"
    if len(days) > 1 and index == 0:
        anchor = "start"
    elif len(days) > 1 and index == len(days) - 1:
        anchor = "end"
    x = {"start": bars[index]["x"], "middle": bars[index]["center"]}.get(
        anchor, bars[index]["x"] + bars[index]["width"]
    )
    return {"day": days[index].day, "x": x, "anchor": anchor}


def chart_layout(days: list[DayCount]) -> dict:
    """Return the bars, the axis's ticks and the dates to draw, in SVG units."""
    highest = max((day.signed for day in days), default=0)
    # A round step between ticks, and the axis up to the first tick at or above the highest.
    tick = nice_ceiling(math.ceil(highest / Y_TICKS))
    top = tick * max(math.ceil(highest / tick), 1)
    step = PLOT_WIDTH / max(len(days), 1)
    width = min(max(step * 0.8, 1), MAX_BAR_WIDTH)
    bars = []
    for index, day in enumerate(days):
        x = LEFT + index * step + (step - width) / 2
        bars.append(
            {
                "day": day,
                "x": round(x, 2),
                "center": round(x + width / 2, 2),
                "width": round(width, 2),
                "y": _y(day.signed, top),
                "height": round(day.signed * PLOT_HEIGHT / top, 2),
                "confirmed_y": _y(day.confirmed, top),
                "confirmed_height": round(day.confirmed * PLOT_HEIGHT / top, 2),
            }
        )
    labelled = _label_days(days)
    return {
        "bars": bars,
        "highest": highest,
        "top": top,
        "ticks": [{"value": value, "y": _y(value, top)} for value in range(0, top + 1, tick)],
        "dates": [_date_label(days, bars, i) for i in labelled],
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": LEFT + PLOT_WIDTH,
        "baseline": TOP + PLOT_HEIGHT,
        "date_y": TOP + PLOT_HEIGHT + 16,
        "legend_y": HEIGHT - 8,
        "legend_box_y": HEIGHT - 18,
    }
