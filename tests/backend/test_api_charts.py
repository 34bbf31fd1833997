"""Charts of a run as PNG images: cumulative counts, occupancy, entries by hour."""
from __future__ import annotations

import pytest

from tests.backend.conftest import post_demo_counts, sample

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("chart", ["cumulative", "occupancy", "hourly"])
def test_charts_are_png_with_and_without_data(alice, bob, chart):
    run = alice.create_run()
    url = f"/api/runs/{run['id']}/charts/{chart}.png"
    empty = alice.get(url)
    assert empty.status_code == 200 and empty.mimetype == "image/png"
    assert empty.data.startswith(PNG_MAGIC)
    post_demo_counts(alice, run["id"])
    full = alice.get(url + "?tz=Europe/Berlin")
    assert full.status_code == 200 and full.data.startswith(PNG_MAGIC)
    assert full.data != empty.data
    assert alice.get(url + "?bucket=1d").data.startswith(PNG_MAGIC)
    assert bob.get(url).status_code == 404


@pytest.mark.parametrize("chart", ["cumulative", "occupancy"])
def test_zone_names_with_dollars_are_text_not_maths(alice, chart):
    """matplotlib reads "$...$" as TeX: "Cash $5 and $10" lost its dollars (drawn "5and10" in
    italics) and a name like "Till $\\frac$" made the chart a 500."""
    from backend.services import charts

    run = alice.create_run()
    names = ["Cash $5 and $10 desk", "Till $\\frac$ 2"]
    for index, name in enumerate(names):
        zone = alice.create_zone(name=name)
        key = f"zone-{zone['id']}"
        assert alice.post_batch(run["id"], [
            {"ts": f"2026-03-01T10:00:0{index}Z", "zone_key": key, "occupancy": 2, "entries": 2, "exits": 0},
            {"ts": f"2026-03-01T10:00:0{index + 5}Z", "zone_key": key, "occupancy": 0, "entries": 0, "exits": 2},
        ], [{"ts": "2026-03-01T10:00:00Z", "zone_key": key, "kind": "enter"}]).status_code == 201
    answer = alice.get(f"/api/runs/{run['id']}/charts/{chart}.png")
    assert answer.status_code == 200 and answer.data.startswith(PNG_MAGIC)
    # Every text the charts draw (legends, titles) is taken as it is.
    from matplotlib.text import Text
    assert charts.PALETTE and Text(0, 0, names[0]).get_parse_math() is False


@pytest.mark.parametrize("chart", ["cumulative", "occupancy", "hourly"])
def test_people_axes_step_in_whole_people(alice, monkeypatch, chart):
    """The occupancy image of a room of one or two people had ticks at 0.25, 1.25 ... people."""
    from backend.services import charts

    drawn = []
    real_png = charts.png
    monkeypatch.setattr(charts, "png", lambda figure: drawn.append(figure) or real_png(figure))
    run = alice.create_run()
    assert alice.post_batch(run["id"], [
        {"ts": "2026-03-01T10:00:00Z", "zone_key": "zone-a", "occupancy": 1, "entries": 1, "exits": 0},
        {"ts": "2026-03-01T10:00:20Z", "zone_key": "zone-a", "occupancy": 2, "entries": 1, "exits": 0},
        {"ts": "2026-03-01T10:01:10Z", "zone_key": "zone-a", "occupancy": 1, "entries": 0, "exits": 1},
    ], []).status_code == 201
    assert alice.get(f"/api/runs/{run['id']}/charts/{chart}.png").status_code == 200
    [figure] = drawn
    figure.canvas.draw()
    ticks = figure.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(tick).is_integer() for tick in ticks), list(ticks)


@pytest.mark.parametrize("chart", ["cumulative", "occupancy", "hourly"])
def test_chart_words_are_in_sentence_case(alice, monkeypatch, chart):
    """The rest of the UI writes "Line in", "People in view"; the images' legends and axes
    said "line in", "people in view (average)", "hour of day", "people"."""
    from backend.services import charts

    drawn = []
    real_png = charts.png
    monkeypatch.setattr(charts, "png", lambda figure: drawn.append(figure) or real_png(figure))
    run = alice.create_run()
    line = alice.create_zone(name="door", kind="line",
                             geometry={"points": [[10, 10], [100, 10]]})
    line_key = f"line-{line['id']}"
    assert alice.post_batch(run["id"], [
        sample("2026-03-01T10:00:00Z", "frame", occupancy=2),
        sample("2026-03-01T10:00:00Z", "zone-a", occupancy=1, entries=1),
        sample("2026-03-01T10:00:00Z", line_key, entries=1, exits=1),
        sample("2026-03-01T10:00:30Z", "frame", occupancy=1),
    ]).status_code == 201
    assert alice.get(f"/api/runs/{run['id']}/charts/{chart}.png").status_code == 200
    [figure] = drawn
    axes = figure.axes[0]
    words = [text.get_text() for text in axes.get_legend().get_texts()]
    # A zone's own name (or key) is the user's text, written as they wrote it.
    words = [word for word in words if not word.startswith(("door", "line-", "zone-"))]
    words += [axes.get_xlabel(), axes.get_ylabel()]
    words = [word for word in words if word]
    assert words and all(word[0].isupper() for word in words), words


def test_demographic_chart_legends_are_in_sentence_case():
    from backend.services import demographic_charts

    words = [*demographic_charts.GENDER_LABELS.values(), demographic_charts._band_label("unknown")]
    assert words == ["Women", "Men", "No estimate", "No estimate"]


@pytest.mark.parametrize("chart", ["cumulative", "occupancy"])
def test_a_long_zone_name_leaves_room_for_the_plot(alice, monkeypatch, chart):
    """An 80-character zone name made the cumulative chart's legend wider than the image:
    the plot was squeezed to a sliver (matplotlib: "axes sizes collapsed to zero")."""
    import warnings

    from backend.services import charts

    drawn = []
    real_png = charts.png
    monkeypatch.setattr(charts, "png", lambda figure: drawn.append(figure) or real_png(figure))
    name = "Kassenbereich_Eingang_Nord_Obergeschoss_Warteschlange_Kundenservice_0123456789"
    zone = alice.create_zone(name=name)
    key = f"zone-{zone['id']}"
    run = alice.create_run()
    assert alice.post_batch(run["id"], [
        sample("2026-03-01T10:00:00Z", key, occupancy=2, entries=2),
        sample("2026-03-01T10:00:30Z", key, occupancy=1, entries=1, exits=1)]).status_code == 201
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # "constrained_layout not applied ..." fails the test
        assert alice.get(f"/api/runs/{run['id']}/charts/{chart}.png").status_code == 200
    [figure] = drawn
    box = figure.axes[0].get_position()
    assert box.width > 0.6, box
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels and all(label.startswith(name[:31] + "…") for label in labels), labels


def test_a_long_zone_name_leaves_room_for_the_demographic_bars(monkeypatch):
    """The bars' labels carried the whole 80-character name: rotated, they took most of the
    image and squeezed both bar charts to a few pixels."""
    from backend.services import demographic_charts

    drawn = []
    real = demographic_charts.FigureCanvasAgg
    monkeypatch.setattr(demographic_charts, "FigureCanvasAgg",
                        lambda figure: drawn.append(figure) or real(figure))
    name = "Kassenbereich_Eingang_Nord_Obergeschoss_Warteschlange_Kundenservice_0123456789"
    rows = [{"name": name, "kind": kind, "no_estimate": 0, "total": 3,
             "by_gender": {"female": 1, "male": 2, "unknown": 0},
             "by_age_band": {band: 1 for band in demographic_charts.AGE_BANDS}}
            for kind in ("in", "out", "enter")]
    demographic_charts.stacked_bars(rows)
    [figure] = drawn
    heights = [axes.get_position().height for axes in figure.axes]
    assert all(height > 0.2 for height in heights), heights
    labels = [tick.get_text() for tick in figure.axes[0].get_xticklabels()]
    assert labels == [name[:31] + "… in", name[:31] + "… out", name[:31] + "… entered"]
