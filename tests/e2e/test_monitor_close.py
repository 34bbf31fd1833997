"""Closing the monitor's tab while counting (no Stop): the run still ends on the server and its
final counts arrive. Before, such a run stayed "running" for ever and its last
batch waited in the browser's IndexedDB until the next visit."""
from __future__ import annotations

import time

import pytest

from tests.e2e.monitor_helpers import (WAIT_MS, database_rows, draw_zone_and_line,  # noqa: F401
                                       open_webcam, register_and_login, webcam_browser, webcam_clip)
from tools.harness import LiveServer, make_app, open_page

pytestmark = pytest.mark.e2e
CONNECTION = "document.querySelector('[data-testid=connection-state]').dataset"


@pytest.fixture
def server(tmp_path):
    live = LiveServer(make_app(tmp_path)).start()
    yield live
    live.stop()


def wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    return condition()


@pytest.mark.parametrize("leave", ["close the tab", "go to another page"])
def test_leaving_the_page_while_counting_ends_the_run_with_its_last_counts(webcam_browser, server, leave):
    context, page = open_page(webcam_browser)
    register_and_login(page, server.url)
    open_webcam(page, server.url, "front-door")
    draw_zone_and_line(page)
    page.click("[data-testid=start]")
    # The run exists on the server and some samples have arrived ...
    page.wait_for_function(f"() => Number({CONNECTION}.sentSamples) > 0", timeout=WAIT_MS)
    [(run_id, ended_at)] = database_rows(server.app, "SELECT id, ended_at FROM runs")
    assert ended_at is None
    # ... and a few more seconds are counted (batches leave every 3 s; the page closes
    # whenever it closes, between two of them).
    page.wait_for_timeout(2500)
    in_view = int(page.evaluate("() => Number(document.getElementById('kpi-people').textContent)"))
    if leave == "close the tab":
        page.close()
    else:
        page.on("dialog", lambda dialog: dialog.accept())   # "Leave site?" while counting: yes
        page.goto(f"{server.url}/dashboard")
    ended = wait_for(lambda: database_rows(server.app, "SELECT ended_at FROM runs WHERE id = :id",
                                           id=run_id)[0][0])
    assert ended is not None, "the run was left running after the tab closed"
    # The run's final sample arrived: made only when a run ends (every track over), one
    # millisecond after the last frame, with nobody in view. TUD-Stadtmitte always shows people,
    # so no other sample of the picture's occupancy is 0.
    last = database_rows(server.app, "SELECT occupancy FROM count_samples WHERE run_id = :id "
                         "AND zone_key = 'frame' ORDER BY ts DESC LIMIT 2", id=run_id)
    assert [row[0] for row in last][:1] == [0], f"no final sample: last occupancies {last} ({in_view} in view at the close)"
    assert last[1][0] > 0, "the sample before the final one saw the people in view"
    context.close()
