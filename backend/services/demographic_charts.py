"""The demographics chart image (matplotlib Agg, no pyplot): stacked bars of each line's in
and out (and each zone's entries) by gender and by age band."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg", force=False)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..protocol import AGE_BANDS, GENDERS  # noqa: E402
from . import charts  # noqa: E402  (its matplotlib settings: names are never TeX)
from .charts import legend_name  # noqa: E402

GENDER_COLOURS = {"female": "#c026d3", "male": "#2563eb", "unknown": "#cbd5e1"}
GENDER_LABELS = {"female": "Women", "male": "Men", "unknown": "No estimate"}
BAND_COLOURS = ["#fde68a", "#fbbf24", "#f59e0b", "#d97706", "#b45309", "#92400e", "#78350f",
                "#cbd5e1"]
KIND_WORDS = {"in": "in", "out": "out", "enter": "entered"}
MAX_BARS = 12


def _band_label(band: str) -> str:
    return "No estimate" if band == "unknown" else band.replace("-", "–")


def _stacked(axes, labels, parts, colours, legend) -> None:
    bottoms = [0] * len(labels)
    for (name, values), colour in zip(parts, colours):
        axes.bar(labels, values, bottom=bottoms, color=colour, label=legend(name), width=0.6)
        bottoms = [b + v for b, v in zip(bottoms, values)]
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    axes.tick_params(axis="x", labelsize=8, labelrotation=20)
    axes.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def stacked_bars(totals: list[dict]) -> bytes:
    """totals: services.demographics.totals() rows."""
    figure = Figure(figsize=(8, 5.4), dpi=100, layout="constrained")
    gender_axes, band_axes = figure.subplots(2, 1)
    gender_axes.set_title("Who was counted: by gender (estimates)", loc="left", fontsize=11)
    band_axes.set_title("By age band (estimates)", loc="left", fontsize=11)
    rows = totals[:MAX_BARS]
    if not rows:
        for axes in (gender_axes, band_axes):
            axes.text(0.5, 0.5, "No age or gender counts", ha="center", va="center",
                      fontsize=12, color="#64748b", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
    else:
        labels = [f"{legend_name(row['name'])} {KIND_WORDS.get(row['kind'], row['kind'])}"
                  for row in rows]
        _stacked(gender_axes, labels,
                 [(g, [row["by_gender"][g] for row in rows]) for g in GENDERS],
                 [GENDER_COLOURS[g] for g in GENDERS], GENDER_LABELS.get)
        _stacked(band_axes, labels,
                 [(b, [row["by_age_band"][b] for row in rows]) for b in AGE_BANDS],
                 BAND_COLOURS, _band_label)
        unknown = sum(row["no_estimate"] for row in rows)
        total = sum(row["total"] for row in rows)
        figure.suptitle(f"{unknown} of {total} counted people had no estimate", x=0.01,
                        ha="left", fontsize=9, color="#475569")
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()
