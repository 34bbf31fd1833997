"""The station's own small web server: `/` (a status page that refreshes itself), `/metrics`
(Prometheus text: cameras, frames/s, frames, last sample, restarts) and `/status.json`.
It runs in the station process, beside the supervisor, on STATION_PORT (127.0.0.1)."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, Response, jsonify, render_template
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from werkzeug.serving import make_server

from ..security import CONTENT_SECURITY_POLICY

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


class StationCollector:
    """Prometheus metrics read from the station's state at each scrape."""

    def __init__(self, station) -> None:
        self.station = station

    def collect(self):
        state = self.station.public()
        cameras = state["cameras"]
        yield GaugeMetricFamily("pc_station_cameras", "Always-on cameras the station counts",
                                value=len(cameras))
        restarts = CounterMetricFamily("pc_station_browser_restarts",
                                       "Times Chromium died and was started again")
        restarts.add_metric([], state["browser_restarts"])
        yield restarts
        labels = ["camera_id", "camera"]
        up = GaugeMetricFamily("pc_station_camera_counting",
                               "1 while the camera's page counts with a live picture", labels=labels)
        fps = GaugeMetricFamily("pc_station_camera_frames_per_second",
                                "Frames counted per second (detector included)", labels=labels)
        frames = CounterMetricFamily("pc_station_camera_frames",
                                     "Frames counted since the page started", labels=labels)
        last = GaugeMetricFamily("pc_station_camera_last_sample_timestamp_seconds",
                                 "Unix time of the last count reading taken", labels=labels)
        page_restarts = CounterMetricFamily("pc_station_camera_page_restarts",
                                            "Times the camera's page was opened again", labels=labels)
        for camera in cameras:
            key = [str(camera["camera_id"]), camera["name"]]
            up.add_metric(key, 1 if camera["state"] == "counting" and camera["camera"] == "online" else 0)
            fps.add_metric(key, camera["fps"])
            frames.add_metric(key, camera["frames"])
            if camera["last_sample_at"]:
                last.add_metric(key, camera["last_sample_at"] / 1000)
            page_restarts.add_metric(key, camera["restarts"])
        yield from (up, fps, frames, last, page_restarts)


def _when(milliseconds) -> str:
    if not milliseconds:
        return "–"
    moment = datetime.fromtimestamp(milliseconds / 1000, timezone.utc)
    ago = max(0, time.time() - milliseconds / 1000)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({ago:.0f} s ago)"


def create_status_app(station) -> Flask:
    app = Flask(__name__, static_folder=None, template_folder=str(FRONTEND / "templates"))
    registry = CollectorRegistry()
    registry.register(StationCollector(station))

    @app.route("/")
    def status_page():
        state = station.public()
        return render_template("station/status.html", state=state, when=_when,
                               started=_when(state["started_at"] * 1000))

    @app.route("/status.json")
    def status_json():
        return jsonify(station.public())

    @app.route("/metrics")
    def metrics():
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    @app.route("/app.css")
    def stylesheet():
        return Response((FRONTEND / "css" / "app.css").read_text(), mimetype="text/css")

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app


class StatusServer:
    def __init__(self, station, host: str = "127.0.0.1", port: int = 5051) -> None:
        self.server = make_server(host, port, create_status_app(station), threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
