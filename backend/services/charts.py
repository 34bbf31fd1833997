"""PNG charts drawn with matplotlib's Agg canvas (no pyplot: no global figure state, safe
in threads): cumulative in/out, occupancy over time, hourly distribution."""
from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg", force=False)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
import pandas as pd  # noqa: E402

PALETTE = ["#0f766e", "#b45309", "#1d4ed8", "#be123c", "#6d28d9", "#15803d", "#334155"]
MAX_SERIES = 7


def _figure(title: str) -> tuple[Figure, object]:
    figure = Figure(figsize=(8, 3.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(True, color="#e2e8f0", linewidth=0.8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _no_data(figure: Figure, axes) -> bytes:
    """The chart of nothing: a note in the middle, no ticks."""
    axes.text(0.5, 0.5, "No counts yet", ha="center", va="center", fontsize=12,
              color="#64748b", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])
    return _png(figure)


def _time_axis(axes, tz: ZoneInfo) -> None:
    locator = AutoDateLocator(tz=tz)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))


def _series(frame: pd.DataFrame, names: dict[str, str], tz: ZoneInfo):
    """Per zone (at most MAX_SERIES): its name, colour, rows and local bucket times."""
    keys = list(dict.fromkeys(frame["zone_key"]))[:MAX_SERIES]
    for index, key in enumerate(keys):
        part = frame[frame["zone_key"] == key]
        yield names.get(key, key), PALETTE[index % len(PALETTE)], part, \
            part["start"].dt.tz_convert(tz)


def cumulative(frame: pd.DataFrame, names: dict[str, str], tz: ZoneInfo) -> bytes:
    """Running totals of entries (solid) and exits (dashed) per zone or line."""
    figure, axes = _figure(f"Cumulative in / out ({tz.key})")
    if frame.empty:
        return _no_data(figure, axes)
    for name, colour, part, times in _series(frame, names, tz):
        axes.step(times, part["entries"].cumsum(), where="post", color=colour,
                  label=f"{name} in")
        axes.step(times, part["exits"].cumsum(), where="post", color=colour,
                  linestyle="--", label=f"{name} out")
    _time_axis(axes, tz)
    axes.set_ylabel("people")
    axes.legend(fontsize=8, frameon=False, ncols=2)
    return _png(figure)


def occupancy(frame: pd.DataFrame, names: dict[str, str], tz: ZoneInfo) -> bytes:
    """Average (line) and maximum (shaded) occupancy per zone over time."""
    figure, axes = _figure(f"Occupancy over time ({tz.key})")
    frame = frame[frame["avg_occupancy"].notna()] if not frame.empty else frame
    if frame.empty:
        return _no_data(figure, axes)
    for name, colour, part, times in _series(frame, names, tz):
        axes.plot(times, part["avg_occupancy"], color=colour, label=f"{name} (average)")
        axes.fill_between(times, 0, part["max_occupancy"].astype(float), color=colour,
                          alpha=0.12, step="post", label=f"{name} (maximum)")
    _time_axis(axes, tz)
    axes.set_ylabel("people present")
    axes.set_ylim(bottom=0)
    axes.legend(fontsize=8, frameon=False)
    return _png(figure)


def hourly(frame: pd.DataFrame, tz: ZoneInfo) -> bytes:
    """Entries and exits by hour of the local day (all zones and days together)."""
    figure, axes = _figure(f"Hourly distribution ({tz.key})")
    if frame.empty:
        return _no_data(figure, axes)
    hours = frame["start"].dt.tz_convert(tz).dt.hour
    totals = frame.assign(hour=hours).groupby("hour")[["entries", "exits"]].sum() \
        .reindex(range(24), fill_value=0)
    positions = totals.index.to_numpy()
    axes.bar(positions - 0.2, totals["entries"], width=0.4, color=PALETTE[0], label="in")
    axes.bar(positions + 0.2, totals["exits"], width=0.4, color=PALETTE[1], label="out")
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel("hour of day")
    axes.set_ylabel("people")
    axes.legend(fontsize=8, frameon=False)
    return _png(figure)
