"""The camera relay against real streams on 127.0.0.1 (no hardware): the shared sequence as
RTSP (GStreamer's RTSP server, with a password) and as HTTP MJPEG (ffmpeg), and an HTTP
server that fails the ways wrong camera URLs fail. SQLite only: the relay does not depend on
the database kind (the API tests run on both)."""
from __future__ import annotations

import logging
import re
import subprocess
import threading
import time

import pytest

from backend.db import transaction
from backend.repositories import cameras as camera_repo
from backend.services import camera_urls
from tests.backend.conftest import make_user
from tools.camera_streams import MjpegServer, RtspServer, WrongCameraServer, extract_frames
from tools.harness import make_app

PASSWORD = "Wq8:zT/u"
USER = "camadmin"


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    return extract_frames(tmp_path_factory.mktemp("frames"))


@pytest.fixture(scope="module")
def rtsp(frames):
    with RtspServer(frames, user=USER, password=PASSWORD) as server:
        yield server


@pytest.fixture
def relay_app(tmp_path):
    app = make_app(tmp_path, CAMERA_IDLE_SECONDS=0.5, CAMERA_OPEN_TIMEOUT_SECONDS=15)
    yield app
    from backend.api.cameras import relay

    with app.app_context():
        relay().stop_all()


@pytest.fixture
def owner(relay_app):
    return make_user(relay_app, "owner")


def add(owner, url: str) -> int:
    response = owner.post("/api/cameras", json={"name": "Cam", "url": url})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def read_parts(response, count: int) -> list[bytes]:
    """The first `count` JPEGs of a multipart stream answer."""
    buffer, found = b"", []
    for chunk in response.response:
        buffer += chunk
        while b"\xff\xd9" in buffer:
            start = buffer.index(b"\xff\xd8")
            end = buffer.index(b"\xff\xd9", start) + 2
            found.append(buffer[start:end])
            buffer = buffer[end:]
        if len(found) >= count:
            break
    response.close()
    return found


def test_rtsp_with_credentials_is_relayed_as_jpeg_frames(owner, rtsp, caplog):
    caplog.set_level(logging.DEBUG)
    camera_id = add(owner, rtsp.url())
    response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "multipart/x-mixed-replace"
    parts = read_parts(response, 5)
    assert len(parts) == 5 and all(part[:2] == b"\xff\xd8" for part in parts)
    assert PASSWORD not in caplog.text and USER not in caplog.text


@pytest.mark.parametrize("case, code", [
    ("wrong password", "camera_wrong_credentials"),
    ("wrong path", "camera_not_found"),
    ("nobody listens", "camera_unreachable"),
])
def test_rtsp_failures_are_specific_and_quick(owner, rtsp, case, code, caplog):
    caplog.set_level(logging.DEBUG)
    url = {"wrong password": rtsp.url(password="not-it-9"),
           "wrong path": rtsp.url(path="nothing-here"),
           "nobody listens": rtsp.url().replace(f":{rtsp.port}/", ":9/")}[case]
    camera_id = add(owner, url)
    started = time.monotonic()
    response = owner.get(f"/api/cameras/{camera_id}/stream")
    elapsed = time.monotonic() - started
    assert response.status_code == 502
    assert response.get_json()["error"] == code
    text = response.get_data(as_text=True) + caplog.text
    for secret in (PASSWORD, "not-it-9", USER, "nothing-here", "rtsp://"):
        assert secret not in text
    assert elapsed < 15  # the open timeout bounds it; the real answer comes much sooner
    status = owner.get(f"/api/cameras/{camera_id}/status").get_json()
    assert status["error"] == code.removeprefix("camera_")
    assert status["message"] == camera_urls.ERRORS[status["error"]]


@pytest.mark.parametrize("path, code", [
    ("/private", "camera_wrong_credentials"),
    ("/missing", "camera_not_found"),
    ("/html", "camera_unsupported"),
    ("/to-file", "camera_redirect_refused"),   # a redirect to file: is never followed
])
def test_http_failures_are_specific(owner, path, code):
    with WrongCameraServer() as server:
        camera_id = add(owner, server.url + path)
        response = owner.get(f"/api/cameras/{camera_id}/stream")
    assert response.status_code == 502
    assert response.get_json()["error"] == code
    assert "root:" not in response.get_data(as_text=True)


def test_one_reader_serves_every_viewer_and_stops_when_nobody_watches(owner, relay_app):
    """ffmpeg's `-listen 1` serves one client at a time: two viewers at once work only
    because the relay reads the camera once."""
    from backend.api.cameras import relay

    with MjpegServer() as mjpeg:
        camera_id = add(owner, mjpeg.url)
        results: dict[str, list] = {}

        def watch(name):
            response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
            results[name] = read_parts(response, 8) if response.status_code == 200 else []

        viewers = [threading.Thread(target=watch, args=(name,)) for name in ("a", "b")]
        for viewer in viewers:
            viewer.start()
        for viewer in viewers:
            viewer.join(timeout=60)
        assert len(results["a"]) == 8 and len(results["b"]) == 8
        with relay_app.app_context():
            hub = relay()
            status = hub.status(camera_id)
            assert status is not None and status["starts"] == 1
            deadline = time.monotonic() + 30
            while hub.status(camera_id) is not None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert hub.status(camera_id) is None  # stopped: nobody watches


def test_a_dropped_camera_is_an_outage_until_its_picture_is_back(owner, relay_app, frames):
    server = RtspServer(frames, user=USER, password=PASSWORD).start()
    try:
        camera_id = add(owner, server.url())
        from backend.api.cameras import relay

        with relay_app.app_context():
            hub = relay()
            reader = hub.subscribe(camera_id, lambda: server.url(), "rtsp")
            try:
                first = reader.wait_frame(0, 30)
                assert first is not None
                server.stop()
                deadline = time.monotonic() + 60
                while reader.snapshot()["state"] != "reconnecting" and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert reader.snapshot()["state"] == "reconnecting"
                with transaction() as conn:
                    outages = camera_repo.outages(conn, camera_id)
                assert len(outages) == 1 and outages[0]["ended_at"] is None
                server.start()
                deadline = time.monotonic() + 90
                while reader.snapshot()["state"] != "online" and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert reader.snapshot()["state"] == "online"
                assert reader.snapshot()["starts"] >= 2 and reader.frame.seq > first.seq
                with transaction() as conn:
                    outages = camera_repo.outages(conn, camera_id)
                assert len(outages) == 1 and outages[0]["ended_at"] is not None
                assert outages[0]["ended_at"] > outages[0]["started_at"]
            finally:
                reader.leave()
    finally:
        server.stop()


def test_an_hls_camera_with_h264_is_relayed(owner, tmp_path):
    """HLS (an .m3u8 playlist of H.264 MPEG-TS segments) served over HTTP on 127.0.0.1."""
    import functools
    import http.server

    from tools.camera_streams import CLIP

    hls = tmp_path / "hls"
    hls.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(CLIP), "-an", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "25", "-f", "hls", "-hls_time", "1",
                    "-hls_list_size", "0", str(hls / "index.m3u8")], check=True)
    handler = functools.partial(_QuietFiles, directory=str(hls))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        camera_id = add(owner, f"http://127.0.0.1:{server.server_address[1]}/index.m3u8")
        assert owner.get(f"/api/cameras/{camera_id}").get_json()["kind"] == "hls"
        response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
        assert response.status_code == 200
        assert len(read_parts(response, 5)) == 5
    finally:
        server.shutdown()
        server.server_close()


class _QuietFiles(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_one_account_cannot_start_more_readers_than_allowed(tmp_path):
    app = make_app(tmp_path, CAMERA_MAX_READERS_PER_USER=1, CAMERA_OPEN_TIMEOUT_SECONDS=30)
    owner = make_user(app, "greedy")
    from backend.api.cameras import relay

    with MjpegServer() as mjpeg:
        first, second = add(owner, mjpeg.url), add(owner, mjpeg.url)
        watching = owner.get(f"/api/cameras/{first}/stream", buffered=False)
        try:
            assert watching.status_code == 200
            refused = owner.get(f"/api/cameras/{second}/stream")
            assert refused.status_code == 429
            assert refused.get_json()["error"] == "too_many_streams"
        finally:
            watching.close()
            with app.app_context():
                relay().stop_all()


def test_a_camera_named_by_host_is_read_at_the_checked_address(owner):
    """The reader resolves the name, checks the address and pins ffmpeg to it (the Host
    header keeps the name): a camera added as http://localhost:<port>/ is relayed."""
    with MjpegServer() as mjpeg:
        camera_id = add(owner, mjpeg.url.replace("127.0.0.1", "localhost"))
        response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
        assert response.status_code == 200, response.get_json()
        assert len(read_parts(response, 3)) == 3


def test_a_hosted_server_never_connects_to_a_lan_camera(tmp_path, caplog):
    """CAMERA_ALLOW_PRIVATE=false: a camera whose name resolves to a loopback address (one
    saved before the setting changed, or a name that resolves to 127.0.0.1 or 10.x) is a
    502 camera_private_address before any connection: the relay's other answers (not found,
    refused, wrong password) would tell a user what listens on the server's network."""
    asked: list[str] = []

    class Listener(__import__("http.server").server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = make_app(tmp_path, CAMERA_ALLOW_PRIVATE=False, CAMERA_OPEN_TIMEOUT_SECONDS=15)
    owner = make_user(app, "hosted")
    from backend.api.cameras import relay

    try:
        for host in ("localhost", "127.0.0.1"):
            url = f"http://{host}:{server.server_address[1]}/admin"
            with app.app_context(), transaction() as conn:   # saved under the laptop's rules
                camera_id = camera_repo.create(conn, owner.id, name="Old", kind="mjpeg",
                                               url=url, always_on=False)
            response = owner.get(f"/api/cameras/{camera_id}/stream")
            assert response.status_code == 502
            body = response.get_json()
            assert body["error"] == "camera_private_address"
            assert body["message"] == camera_urls.ERRORS["private_address"]
            assert "/admin" not in response.get_data(as_text=True)
        assert asked == []
    finally:
        server.shutdown()
        server.server_close()
        with app.app_context():
            relay().stop_all()


class _Listener:
    """A TCP listener on `host` that only counts who connects (and closes at once);
    subclasses answer connections in `_serve`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        import socket

        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind((host, port))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._serve(conn)

    def _serve(self, conn) -> None:
        conn.close()

    def close(self) -> None:
        self.sock.close()


class FakeRtsp(_Listener):
    """A minimal RTSP server on 127.0.0.1: OPTIONS is 200; DESCRIBE is a 301 to `redirect`
    when given, else 404. `asked` lists the methods it was sent."""

    def __init__(self, redirect: str | None = None) -> None:
        self.redirect = redirect
        self.asked: list[str] = []
        super().__init__()

    def _serve(self, conn) -> None:
        threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn) -> None:
        import re

        buffer = b""
        with conn:
            while True:
                try:
                    data = conn.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    request, buffer = buffer.split(b"\r\n\r\n", 1)
                    text = request.decode(errors="replace")
                    method = text.split(" ", 1)[0]
                    cseq = re.search(r"CSeq: *(\d+)", text).group(1)
                    self.asked.append(method)
                    if method == "OPTIONS":
                        answer = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"
                    elif self.redirect:
                        answer = (f"RTSP/1.0 301 Moved Permanently\r\nCSeq: {cseq}\r\n"
                                  f"Location: {self.redirect}\r\n\r\n")
                    else:
                        answer = f"RTSP/1.0 404 Not Found\r\nCSeq: {cseq}\r\n\r\n"
                    conn.sendall(answer.encode())


def test_an_rtsp_redirect_is_never_followed(owner):
    """ffmpeg follows an RTSP 301 to any host and port (no option refuses it): a camera at a
    checked address could send it on to 10.x or 169.254.169.254, and the error it then gave
    told what listens there. The relay's guard ends the connection at the redirect: the
    other server is never asked, and the answer says the address redirects."""
    target = FakeRtsp()
    camera = FakeRtsp(redirect=f"rtsp://127.0.0.1:{target.port}/internal")
    try:
        camera_id = add(owner, f"rtsp://127.0.0.1:{camera.port}/cam")
        response = owner.get(f"/api/cameras/{camera_id}/stream")
        assert response.status_code == 502
        assert response.get_json()["error"] == "camera_redirect_refused"
        assert camera.asked[:2] == ["OPTIONS", "DESCRIBE"]
        assert target.asked == []
    finally:
        camera.close()
        target.close()


def _serve_dir(directory, host: str = "127.0.0.1"):
    import functools
    import http.server

    asked: list[str] = []

    class Files(_QuietFiles):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer((host, 0), functools.partial(Files, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, asked


def test_hls_segments_on_a_refused_host_are_never_fetched(owner, tmp_path, monkeypatch):
    """An HLS playlist at a checked address may name its segments on any host, and ffmpeg's
    HLS demuxer fetched them with no check (a playlist naming http://169.254.169.254/...).
    Every request now goes through the relay's checking proxy: here 127.0.0.2 stands for a
    refused address (as the metadata service is), and the segment server there is never
    asked."""
    from tools.camera_streams import CLIP

    monkeypatch.setattr(camera_urls, "METADATA_ADDRESSES",
                        camera_urls.METADATA_ADDRESSES | {__import__("ipaddress").ip_address("127.0.0.2")})
    segments = tmp_path / "segments"
    segments.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(CLIP), "-t", "3", "-an", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "25", "-f", "hls", "-hls_time", "1",
                    "-hls_list_size", "0", str(segments / "index.m3u8")], check=True)
    elsewhere, elsewhere_asked = _serve_dir(segments, "127.0.0.2")
    playlist = tmp_path / "playlist"
    playlist.mkdir()
    text = (segments / "index.m3u8").read_text()
    (playlist / "index.m3u8").write_text(re.sub(
        r"^(index\d+\.ts)$", rf"http://127.0.0.2:{elsewhere.server_address[1]}/\1", text,
        flags=re.M))
    home, home_asked = _serve_dir(playlist)
    try:
        camera_id = add(owner, f"http://127.0.0.1:{home.server_address[1]}/index.m3u8")
        response = owner.get(f"/api/cameras/{camera_id}/stream")
        assert response.status_code == 502
        assert response.get_json()["error"] == "camera_refused_address"
        assert home_asked and home_asked[0] == "/index.m3u8"
        assert elsewhere_asked == []
    finally:
        for server in (home, elsewhere):
            server.shutdown()
            server.server_close()


def test_the_http_guard_tunnels_checked_hosts_only(monkeypatch):
    """https:// HLS goes through the guard as CONNECT: a checked host is tunnelled to its
    checked address, a refused one is a 403 and never connected to, and a request without
    the guard's password is a 407."""
    import ipaddress
    import socket

    from backend.services.http_guard import HttpGuard

    monkeypatch.setattr(camera_urls, "METADATA_ADDRESSES",
                        camera_urls.METADATA_ADDRESSES | {ipaddress.ip_address("127.0.0.2")})
    echo = socket.socket()
    echo.bind(("127.0.0.1", 0))
    echo.listen()
    refused = socket.socket()
    refused.bind(("127.0.0.2", 0))
    refused.listen()
    refused.settimeout(0.5)

    def answer():
        conn, _ = echo.accept()
        with conn:
            conn.sendall(conn.recv(100).upper())

    threading.Thread(target=answer, daemon=True).start()
    guard = HttpGuard(allow_private=True, timeout=5)
    auth = __import__("base64").b64encode(f"{guard.user}:{guard.password}".encode()).decode()

    def ask(target: str, credentials: str | None = auth) -> bytes:
        with socket.create_connection(("127.0.0.1", guard.port), timeout=5) as conn:
            head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
            if credentials:
                head += f"Proxy-Authorization: Basic {credentials}\r\n"
            conn.sendall((head + "\r\n").encode())
            reply = conn.recv(200)
            if reply.startswith(b"HTTP/1.1 200"):
                conn.sendall(b"hello")
                reply += conn.recv(100)
            return reply

    try:
        assert ask(f"127.0.0.1:{echo.getsockname()[1]}").endswith(b"\r\n\r\nHELLO")
        assert ask(f"127.0.0.2:{refused.getsockname()[1]}").startswith(b"HTTP/1.1 403")
        with pytest.raises(OSError):
            refused.accept()                     # never connected to
        assert ask(f"127.0.0.1:{echo.getsockname()[1]}", None).startswith(b"HTTP/1.1 407")
        assert guard.refused == ["refused_address"]
    finally:
        guard.close()
        echo.close()
        refused.close()


def test_an_https_hls_camera_is_relayed_through_the_checking_proxy(owner, tmp_path):
    """https:// HLS reaches its server through the proxy's tunnel (CONNECT), TLS with the
    host's own name (here a self-signed certificate for localhost: ffmpeg does not verify
    certificates unless told to)."""
    import functools
    import http.server
    import ssl

    from tools.camera_streams import CLIP

    hls = tmp_path / "hls"
    hls.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(CLIP), "-t", "3", "-an", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "25", "-f", "hls", "-hls_time", "1",
                    "-hls_list_size", "0", str(hls / "index.m3u8")], check=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietFiles, directory=str(hls)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        camera_id = add(owner, f"https://localhost:{server.server_address[1]}/index.m3u8")
        response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
        assert response.status_code == 200, response.get_json()
        assert len(read_parts(response, 3)) == 3
    finally:
        server.shutdown()
        server.server_close()


def _https_mjpeg(frames, tmp_path, host: str):
    """An https:// MJPEG camera (multipart JPEGs, self-signed certificate for localhost) on
    host; returns the server and the paths it was asked for."""
    import http.server
    import ssl

    pictures = [path.read_bytes() for path in sorted(frames.glob("*.jpg"))[:50]]
    asked: list[str] = []

    class Camera(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            try:
                for picture in pictures * 4:
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                     + str(len(picture)).encode() + b"\r\n\r\n" + picture + b"\r\n")
                    time.sleep(0.04)
            except OSError:
                pass

        def log_message(self, *args) -> None:
            pass

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer((host, 0), Camera)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, asked


def _resolving(monkeypatch, answers):
    """check_resolved (the relay's and the proxy's) resolving every name with answers(host),
    a list of addresses: what a DNS server that changes its answers would say."""
    import socket

    real = camera_urls.check_resolved

    def check(camera, resolver=None, **kwargs):
        def resolve(host, port, **_):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                    for address in answers(host)]
        return real(camera, resolve, **kwargs)

    monkeypatch.setattr(camera_urls, "check_resolved", check)


def test_an_https_mjpeg_camera_is_read_at_the_checked_address(owner, frames, tmp_path,
                                                               monkeypatch):
    """https:// MJPEG keeps its name (TLS checks it), and ffmpeg resolved it again itself:
    a name answering differently a moment later (DNS rebinding) sent it elsewhere. It now
    goes through the checking proxy's tunnel to the checked address: here the check says
    localhost is 127.0.0.2 (where the camera is) while the system says 127.0.0.1 (where
    another server listens on the same port), and only the camera is ever connected to."""
    camera, asked = _https_mjpeg(frames, tmp_path, "127.0.0.2")
    port = camera.server_address[1]
    elsewhere = _Listener("127.0.0.1", port)
    _resolving(monkeypatch, lambda host: ["127.0.0.2"])
    try:
        camera_id = add(owner, f"https://localhost:{port}/cam.mjpg")
        response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
        assert elsewhere.connections == 0
        assert response.status_code == 200, response.get_json()
        assert len(read_parts(response, 3)) == 3
        assert asked == ["/cam.mjpg"]
        assert elsewhere.connections == 0
    finally:
        camera.shutdown()
        camera.server_close()
        elsewhere.close()


def test_a_hosted_server_never_connects_to_an_https_camera_that_rebinds(frames, tmp_path,
                                                                         monkeypatch):
    """CAMERA_ALLOW_PRIVATE=false: an https:// camera whose name resolves to a public address
    when the relay checks it and to 127.0.0.1 a moment later: ffmpeg used to resolve it
    again and connect there. The proxy checks the name it is asked for and refuses it: a
    502 camera_private_address, and nothing on 127.0.0.1 is connected to."""
    target = _Listener()
    calls: list[str] = []

    def answers(host):
        calls.append(host)
        return ["1.1.1.1"] if len(calls) == 1 else ["127.0.0.1"]

    _resolving(monkeypatch, answers)
    app = make_app(tmp_path, CAMERA_ALLOW_PRIVATE=False, CAMERA_OPEN_TIMEOUT_SECONDS=15)
    owner = make_user(app, "hosted")
    from backend.api.cameras import relay

    try:
        with app.app_context(), transaction() as conn:
            camera_id = camera_repo.create(conn, owner.id, name="Rebinds", kind="mjpeg",
                                           url=f"https://localhost:{target.port}/cam.mjpg",
                                           always_on=False)
        response = owner.get(f"/api/cameras/{camera_id}/stream")
        assert target.connections == 0
        assert response.status_code == 502
        assert response.get_json()["error"] == "camera_private_address"
        assert len(calls) >= 2            # the relay's check, then the proxy's
    finally:
        target.close()
        with app.app_context():
            relay().stop_all()


def test_ffmpeg_takes_no_proxy_from_the_environment(owner, monkeypatch):
    """ffmpeg reads http_proxy from its environment (for http:// and https://): a server
    process started with one would send every camera's requests, credentials included, to
    it and past the checks. The relay starts ffmpeg without *_proxy variables: the camera is
    read directly and the proxy is never connected to."""
    proxy = _Listener()
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    try:
        with MjpegServer() as mjpeg:
            camera_id = add(owner, mjpeg.url)
            response = owner.get(f"/api/cameras/{camera_id}/stream", buffered=False)
            assert proxy.connections == 0
            assert response.status_code == 200, response.get_json()
            assert len(read_parts(response, 3)) == 3
        assert proxy.connections == 0
    finally:
        proxy.close()
