"""Presentation of salary bands: German amounts and the small bar chart that
the career page renders on the server (an SVG, so it needs no JavaScript)."""

import itertools
import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Plausible gross pay in euros per period. Beyond these an amount is not a
# salary (inhabitants, budgets) or a typo; the article parser skips such
# amounts and the admin refuses them.
PLAUSIBLE_PAY = {"hour": (5, 500), "month": (500, 30000), "year": (6000, 400000)}


def euro(value):
    """2800 -> "2.800 €" (grouping of the active language)."""
    if value is None:
        return ""
    return f"{number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)} €"


def band_range(band):
    """The band as words: "2.800 € bis 3.300 €", "ab 2.750 €", "rund 3.800 €"."""
    low, high = band.min_amount, band.max_amount
    if low is not None and high is not None and low != high:
        return _("%(low)s bis %(high)s") % {"low": euro(low), "high": euro(high)}
    if high is None:
        return _("ab %(amount)s") % {"amount": euro(low)}
    if low is None:
        return _("bis %(amount)s") % {"amount": euro(high)}
    return _("rund %(amount)s") % {"amount": euro(low)}


@dataclass
class Bar:
    label: str
    text: str
    y: float
    x: float
    width: float
    open_end: bool
    text_x: float


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class SalaryChart:
    width: int
    height: int
    label_width: int
    bars: list
    ticks: list
    description: str
    bar_height: int
    axis_y: float


LABEL_WIDTH, PLOT_WIDTH, ROW, BAR, TOP, BOTTOM = 190, 360, 40, 24, 8, 30
VALUE_SPACE = 170  # room right of a bar for its amount


def salary_chart(bands):
    """Floating bars from "von" to "bis" per level on one euro axis, so that
    levels can be compared at a glance; the table next to it has the same
    figures. Only bands of one period share an axis: mixing monthly and yearly
    pay on one scale would mislead, so the chart takes the monthly ones."""
    bands = [b for b in bands if b.period == "month" and (b.min_amount or b.max_amount)]
    if not bands:
        return None
    values = [v for b in bands for v in (b.min_amount, b.max_amount) if v is not None]
    # At most about 8 ticks whatever the range: a typo of 99,999,999,999 €
    # must not draw one tick per 2,000 € (that took gigabytes).
    span = max(values) - min(values)
    smallest = 1000 if span <= 6000 else 2000
    nice = (m * 10**e for e in itertools.count(3) for m in (1, 2, 5))
    step = next(s for s in nice if s >= smallest and span / s <= 8)
    low = max(0, math.floor((min(values) - step / 2) / step) * step)
    high = math.ceil((max(values) + step / 2) / step) * step

    def x(value):
        return LABEL_WIDTH + (value - low) / (high - low) * PLOT_WIDTH

    bars = []
    for index, band in enumerate(bands):
        start = band.min_amount if band.min_amount is not None else low
        end = band.max_amount if band.max_amount is not None else high
        left, right = x(start), x(end)
        if band.min_amount == band.max_amount:
            # A single figure ("rund 3.800 €") is a short marker, not a range.
            left, right = left - 3, right + 3
        bars.append(
            Bar(
                label=str(band.get_level_display()),
                text=band_range(band),
                y=TOP + index * ROW,
                x=round(left, 1),
                width=round(right - left, 1),
                open_end=band.max_amount is None,
                text_x=round(right + 6, 1) if band.max_amount is not None else round(left, 1),
            )
        )
    ticks = [Tick(x=round(x(value), 1), label=euro(value)) for value in range(low, high + 1, step)]
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    plot_bottom = TOP + len(bands) * ROW
    return SalaryChart(
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_SPACE,
        height=plot_bottom + BOTTOM,
        label_width=LABEL_WIDTH,
        bars=bars,
        ticks=ticks,
        description=description,
        bar_height=BAR,
        axis_y=plot_bottom,
    )
