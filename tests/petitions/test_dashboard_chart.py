"""The dashboard's chart reads right for one day as for a year: bars, axis, dates."""

from datetime import date, timedelta

from petitions.admin.dashboard_chart import MAX_BAR_WIDTH, chart_layout, nice_ceiling
from petitions.dashboard import DayCount


def _days(count: int, *, signed: int = 7) -> list[DayCount]:
    first = date(2026, 1, 1)
    return [DayCount(first + timedelta(days=i), signed + i % 3, signed // 2) for i in range(count)]


def test_one_day_is_one_bar_not_a_block_across_the_chart():
    chart = chart_layout(_days(1, signed=7))

    [bar] = chart["bars"]
    assert bar["width"] == MAX_BAR_WIDTH
    assert chart["left"] < bar["x"] < chart["right"] - MAX_BAR_WIDTH
    assert [tick["value"] for tick in chart["ticks"]] == [0, 2, 4, 6, 8]
    assert [label["day"] for label in chart["dates"]] == [date(2026, 1, 1)]


def test_a_year_has_thin_bars_inside_the_axes_and_six_dates():
    chart = chart_layout(_days(365, signed=40))

    assert len(chart["bars"]) == 365
    assert all(
        chart["left"] <= bar["x"] and bar["x"] + bar["width"] <= chart["right"]
        for bar in chart["bars"]
    )
    assert chart["dates"][0]["day"] == date(2026, 1, 1)
    assert chart["dates"][-1]["day"] == date(2026, 12, 31)
    assert len(chart["dates"]) == 6
    assert [tick["value"] for tick in chart["ticks"]] == [0, 20, 40, 60]  # highest: 42


def test_the_axis_ends_on_a_round_number():
    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 12, 48, 51, 999, 1001)] == [
        1,
        1,
        5,
        10,
        20,
        50,
        100,
        1000,
        2000,
    ]


def test_an_empty_chart_has_an_axis_and_no_bar():
    chart = chart_layout([])

    assert chart["bars"] == [] and chart["dates"] == []
    assert chart["ticks"][0]["value"] == 0
