"""The counting station: `flask --app backend station` counts every IP camera marked
"always on", around the clock, by running the app's own monitor page (the same controller
and FramePipeline a person uses: no second counting implementation) in headless Chromium.

- backend/station/scope.py: the scoped token each station page authenticates with;
- backend/station/supervisor.py: Chromium, one page per camera, restarts, resumed runs;
- backend/station/status.py: /metrics (Prometheus text), /status.json and a status page.

This module registers the page the station opens (/station/monitor, the monitor template:
the page holds no data, its API calls carry the station token) and the CLI command."""
from __future__ import annotations

import click
from flask import Blueprint, Flask, render_template
from flask.cli import with_appcontext

bp = Blueprint("station", __name__)


@bp.route("/station/monitor")
def monitor_page():
    """The monitor, for a station's browser (no session: its API calls send the token)."""
    return render_template("monitor.html")


@click.command("station")
@click.option("--server", "server_url", default=None,
              help="The app's address as the station's browser reaches it "
                   "(default: STATION_SERVER_URL, http://127.0.0.1:5000).")
@click.option("--port", type=int, default=None,
              help="Port of the station's /metrics and status page (default: STATION_PORT, "
                   "5051; 0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address the status page listens on.")
@click.option("--poll-seconds", type=float, default=2.0, show_default=True,
              help="How often each page's state is read.")
@click.option("--refresh-seconds", type=float, default=30.0, show_default=True,
              help="How often the list of always-on cameras is read again.")
@with_appcontext
def station_command(server_url, port, host, poll_seconds, refresh_seconds) -> None:
    """Count every "always on" IP camera in headless Chromium until stopped (Ctrl+C)."""
    from flask import current_app

    from .status import StatusServer
    from .supervisor import Station

    app = current_app._get_current_object()
    station = Station(app, server_url or app.config["STATION_SERVER_URL"],
                      poll_seconds=poll_seconds, refresh_seconds=refresh_seconds)
    status = StatusServer(station, host=host,
                          port=app.config["STATION_PORT"] if port is None else port)
    status.start()
    click.echo(f"Station status: http://{host}:{status.port}/ (metrics: /metrics)", err=True)
    try:
        station.run()
    except KeyboardInterrupt:
        pass
    finally:
        station.close()
        status.stop()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(station_command)
