"""PNG charts drawn with matplotlib's Agg canvas (no pyplot: no global figure state, safe
in threads): cumulative line in/out and zone entered/left, occupancy over time, hourly
distribution. Each *_figure function returns the Figure (tests read its axes); the plain
functions return PNG bytes. Time axes span the data (seconds to weeks), never a default
range, and a chart without data says why."""
from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg", force=False)
# Zone names are text, never TeX: "Cash $5 and $10" keeps its dollars, "$\frac$" is no error.
# Read when each Text is made; this app draws nothing with maths (demographic_charts too).
matplotlib.rcParams["text.parse_math"] = False
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import pandas as pd  # noqa: E402

PALETTE = ["#0f766e", "#b45309", "#1d4ed8", "#be123c", "#6d28d9", "#15803d", "#334155"]
MAX_SERIES = 7
# The name of each count, the same as on the dashboard, the live panel, the CSV and the API.
FIGURE_LABELS = {"line": ("in", "out"), "zone": ("entered", "left")}
NO_COUNTS = "Nothing recorded yet: this session has sent no counts"
NO_FLOW = "No line crossings and no zone visits in this session"
NO_OCCUPANCY = "No occupancy: this session has no zone and no people-in-view figures"


LEGEND_NAME_MAX = 32


def legend_name(name: str) -> str:
    """A zone's name as a legend shows it: at most LEGEND_NAME_MAX characters (an 80-character
    name made the legend wider than the image and squeezed the plot to nothing)."""
    text = str(name)
    return text if len(text) <= LEGEND_NAME_MAX else text[:LEGEND_NAME_MAX - 1] + "…"


def _figure(title: str) -> tuple[Figure, object]:
    figure = Figure(figsize=(8, 3.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(True, color="#e2e8f0", linewidth=0.8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _no_data(figure: Figure, axes, reason: str) -> Figure:
    """The chart of nothing: the reason in the middle, no ticks."""
    axes.text(0.5, 0.5, reason, ha="center", va="center", fontsize=12,
              color="#64748b", transform=axes.transAxes, wrap=True)
    axes.set_xticks([])
    axes.set_yticks([])
    return figure


def time_limits(times: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range of a time axis: the data's span plus a little room (at least a second
    on each side, so a single instant gets a few seconds, never matplotlib's years)."""
    first, last = times.min(), times.max()
    pad = max((last - first) * 0.04, timedelta(seconds=1))
    return first - pad, last + pad


def _time_axis(axes, tz: ZoneInfo, times: pd.Series) -> None:
    low, high = time_limits(times)
    axes.set_xlim(low.to_pydatetime(), high.to_pydatetime())
    locator = AutoDateLocator(tz=tz, minticks=4, maxticks=9)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))


def _series(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo, figures: tuple):
    """Per key of the given figures (at most MAX_SERIES): its info, colour, rows and local
    times."""
    wanted = [k for k in dict.fromkeys(frame["zone_key"])
              if (keys.get(k) or {}).get("figure") in figures][:MAX_SERIES]
    for index, key in enumerate(wanted):
        part = frame[frame["zone_key"] == key]
        yield keys[key], PALETTE[index % len(PALETTE)], part, part["start"].dt.tz_convert(tz)


def cumulative_figure(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo,
                      end=None) -> Figure:
    """Running totals per line (in solid, out dashed) and per zone (entered, left), from 0
    at the first moment of the session to its last (`end`, default the last bucket)."""
    figure, axes = _figure(f"Cumulative line in / out and zone entered / left ({tz.key})")
    if frame.empty:
        return _no_data(figure, axes, NO_COUNTS)
    series = list(_series(frame, keys, tz, ("line", "zone")))
    if not series:
        return _no_data(figure, axes, NO_FLOW)
    first = frame["start"].min().tz_convert(tz)
    last = max(frame["start"].max(), pd.Timestamp(end or frame["start"].max())).tz_convert(tz)
    for info, colour, part, times in series:
        counted, back = FIGURE_LABELS[info["figure"]]
        steps = pd.concat([pd.Series([first]), times, pd.Series([last])], ignore_index=True)
        for column, style, word in (("entries", "-", counted), ("exits", "--", back)):
            values = [0, *part[column].cumsum().tolist()]
            axes.step(steps, [*values, values[-1]], where="post", color=colour,
                      linestyle=style, label=f"{legend_name(info['name'])} {word}")
    _time_axis(axes, tz, pd.Series([first, last]))
    axes.set_ylabel("People")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    axes.legend(fontsize=8, frameon=False, ncols=2)
    return figure


def occupancy_figure(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo) -> Figure:
    """Average (line) and maximum (shaded) occupancy per zone and in view over time."""
    figure, axes = _figure(f"Occupancy over time ({tz.key})")
    frame = frame[frame["avg_occupancy"].notna()] if not frame.empty else frame
    if frame.empty:
        return _no_data(figure, axes, NO_OCCUPANCY)
    series = list(_series(frame, keys, tz, ("zone", "frame")))
    if not series:   # only lines: empty axes (and a legend of nothing) said nothing of why
        return _no_data(figure, axes, NO_OCCUPANCY)
    for info, colour, part, times in series:
        name = "People in view" if info["figure"] == "frame" else legend_name(info["name"])
        axes.plot(times, part["avg_occupancy"], color=colour, marker=".",
                  label=f"{name} (average)")
        axes.fill_between(times, 0, part["max_occupancy"].astype(float), color=colour,
                          alpha=0.12, step="post", label=f"{name} (maximum)")
    _time_axis(axes, tz, frame["start"].dt.tz_convert(tz))
    axes.set_ylabel("People present")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # averages, but people come whole
    axes.legend(fontsize=8, frameon=False)
    return figure


def hourly_figure(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo) -> Figure:
    """Line in / out and zone entered / left by hour of the local day (all days)."""
    figure, axes = _figure(f"By hour of day ({tz.key})")
    if frame.empty:
        return _no_data(figure, axes, NO_COUNTS)
    figures = frame["zone_key"].map(lambda k: (keys.get(k) or {}).get("figure"))
    bars = []
    for figure_name in ("line", "zone"):
        part = frame[figures == figure_name]
        if part.empty:
            continue
        hours = part["start"].dt.tz_convert(tz).dt.hour
        totals = part.assign(hour=hours).groupby("hour")[["entries", "exits"]].sum() \
            .reindex(range(24), fill_value=0)
        counted, back = FIGURE_LABELS[figure_name]
        bars += [(f"{figure_name.capitalize()} {counted}", totals["entries"]),
                 (f"{figure_name.capitalize()} {back}", totals["exits"])]
    if not bars:
        return _no_data(figure, axes, NO_FLOW)
    width = 0.8 / len(bars)
    for index, (label, values) in enumerate(bars):
        offset = (index - (len(bars) - 1) / 2) * width
        axes.bar(values.index.to_numpy() + offset, values, width=width,
                 color=PALETTE[index], label=label)
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel("Hour of day")
    axes.set_ylabel("People")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize=8, frameon=False)
    return figure


def cumulative(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo, end=None) -> bytes:
    return png(cumulative_figure(frame, keys, tz, end))


def occupancy(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo) -> bytes:
    return png(occupancy_figure(frame, keys, tz))


def hourly(frame: pd.DataFrame, keys: dict[str, dict], tz: ZoneInfo) -> bytes:
    return png(hourly_figure(frame, keys, tz))
