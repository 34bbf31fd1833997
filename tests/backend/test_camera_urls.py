"""Camera URL rules (pure): what may be a camera, how ffmpeg is told to read it, and that
ffmpeg's complaints (which quote the URL) become fixed messages without it."""
from __future__ import annotations

import socket

import pytest

from backend.services import camera_urls

URL = "rtsp://adm%40in:p%3Ass%2Fw0rd@10.1.2.3:554/Streaming/Channels/101"


def test_parse_reads_credentials_and_kind():
    camera = camera_urls.parse(URL)
    assert (camera.kind, camera.host, camera.port) == ("rtsp", "10.1.2.3", 554)
    assert (camera.username, camera.password) == ("adm@in", "p:ss/w0rd")


@pytest.mark.parametrize("host", ["127.1", "0x7f000001", "2130706433", "[::1]", "localhost",
                                  "192.168.0.10", "[::ffff:10.0.0.1]",
                                  "100.101.102.103",   # a Tailscale network's (100.64.0.0/10)
                                  "[fd00::5]"])
def test_loopback_and_private_spellings_are_allowed_for_cameras(host):
    assert camera_urls.parse(f"rtsp://{host}/x").kind == "rtsp"


@pytest.mark.parametrize("host", ["169.254.169.254", "0xa9fea9fe", "[fe80::1]",
                                  "[::ffff:169.254.169.254]", "239.1.1.1", "0.0.0.0", "[::]",
                                  # were allowed: metadata services outside link-local (Alibaba
                                  # Cloud, AWS over IPv6) and 169.254.169.254 inside 6to4 and
                                  # Teredo addresses
                                  "100.100.100.200", "[fd00:ec2::254]", "[2002:a9fe:a9fe::]",
                                  "[2001:0:4136:e378:8000:63bf:5601:5601]"])
def test_metadata_multicast_and_unspecified_spellings_are_refused(host):
    with pytest.raises(camera_urls.CameraUrlError):
        camera_urls.parse(f"http://{host}/x")


def test_a_name_that_resolves_to_a_metadata_service_is_refused_when_read():
    camera = camera_urls.parse("http://cam.example/x")
    for address in ("100.100.100.200", "fd00:ec2::254"):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        def answer(*args, _address=address, _family=family, **kwargs):
            return [(_family, 1, 6, "", (_address, 80))]

        with pytest.raises(camera_urls.CameraUrlError):
            camera_urls.check_resolved(camera, resolver=answer)


def test_a_name_that_resolves_to_a_refused_address_is_refused_when_read():
    camera = camera_urls.parse("http://cam.example/x")
    metadata = lambda *args, **kwargs: [(socket.AF_INET, 1, 6, "", ("169.254.169.254", 80))]  # noqa: E731
    with pytest.raises(camera_urls.CameraUrlError, match="refused_address"):
        camera_urls.check_resolved(camera, resolver=metadata)
    lan = lambda *args, **kwargs: [(socket.AF_INET, 1, 6, "", ("192.168.1.9", 80))]  # noqa: E731
    camera_urls.check_resolved(camera, resolver=lan)


@pytest.mark.parametrize("url, protocols", [
    (URL, "rtsp,rtp,tcp,udp"),
    ("http://10.0.0.2/mjpeg", "http,tcp"),
    ("https://cam.example/live.m3u8", "https,tls,tcp,crypto"),
])
def test_ffmpeg_may_open_only_the_urls_own_protocols(url, protocols):
    command = camera_urls.ffmpeg_command(camera_urls.parse(url))
    assert command[command.index("-protocol_whitelist") + 1] == protocols
    assert command[-1] == "pipe:1" and command[command.index("-i") + 1] == url


@pytest.mark.parametrize("stderr, code", [
    (f"[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized\n{URL}: Server returned 401", "wrong_credentials"),
    (f"{URL}: Server returned 404 Not Found", "not_found"),
    (f"{URL}: Connection refused", "unreachable"),
    (f"{URL}: Connection timed out", "unreachable"),
    ("Failed to resolve hostname cam.invalid: Name or service not known", "unknown_host"),
    (f"{URL}: Invalid data found when processing input", "unsupported"),
    ("Stream map '0:v:0' matches no streams.", "no_video"),
    (f"{URL}: Server returned 5XX Server Error reply", "server_error"),
    ("", "failed"),
])
def test_ffmpeg_errors_become_codes(stderr, code):
    assert camera_urls.classify(stderr, produced_frames=False) == code
    assert "10.1.2.3" not in camera_urls.ERRORS[code]


def test_scrub_removes_the_url_and_its_parts_in_every_spelling():
    camera = camera_urls.parse(URL)
    text = (f"{URL}: 401\nuser adm@in password p:ss/w0rd quoted p%3Ass%2Fw0rd "
            "redirected to http://other.example/x?token=abc")
    cleaned = camera_urls.scrub(text, camera)
    for secret in ("p:ss/w0rd", "p%3Ass%2Fw0rd", "adm@in", "10.1.2.3", "other.example", "token=abc"):
        assert secret not in cleaned


def test_ffmpeg_follows_no_redirect_past_the_address_checks(tmp_path):
    """A camera at a public address answering 302 to http://169.254.169.254/ (the cloud
    metadata service, refused when saved and when resolved) made ffmpeg fetch that address:
    ffmpeg follows http redirects unless told not to. Here: a real ffmpeg, a camera address
    that redirects, and the host it redirects to, which must never be asked."""
    import http.server
    import shutil
    import subprocess
    import threading

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed")
    asked: list[str] = []

    class Target(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)

    class Redirect(Target):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{target.server_port}/latest/meta-data")
            self.end_headers()

    camera = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for server in (target, camera):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path in ("/video.mjpg", "/live/index.m3u8"):
            command = camera_urls.ffmpeg_command(
                camera_urls.parse(f"http://127.0.0.1:{camera.server_port}{path}"), ffmpeg=ffmpeg,
                timeout_seconds=3)
            subprocess.run(command, capture_output=True, timeout=30)
        assert asked == []
    finally:
        for server in (target, camera):
            server.shutdown()
            server.server_close()


# ----- CAMERA_ALLOW_PRIVATE=false: a hosted server takes public internet addresses only -----

NON_PUBLIC_HOSTS = ["127.0.0.1", "127.1", "0x7f000001", "2130706433", "localhost", "LOCALHOST.",
                    "cams.localhost", "[::1]", "10.1.2.3", "192.168.0.10", "172.16.4.4",
                    "[::ffff:10.0.0.1]", "[fd00::5]", "100.101.102.103", "169.254.169.254",
                    "100.100.100.200", "１２７.０.０.１"]


@pytest.mark.parametrize("host", NON_PUBLIC_HOSTS)
def test_a_hosted_server_refuses_non_public_camera_addresses_when_saved(host):
    with pytest.raises(camera_urls.CameraUrlError) as refused:
        camera_urls.parse(f"rtsp://user:pw@{host}:554/stream", allow_private=False)
    message = str(refused.value)
    assert host.strip("[]").lower().rstrip(".") not in message.lower()
    assert "pw" not in message and "stream" not in message


@pytest.mark.parametrize("url", ["rtsp://8.8.8.8/stream", "http://cam.example.com/video.mjpg",
                                 "https://[2606:4700::1111]/live/index.m3u8"])
def test_a_hosted_server_takes_public_addresses_and_names(url):
    assert camera_urls.parse(url, allow_private=False).url == url


def _answer(*addresses):
    def resolver(*args, **kwargs):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, 1, 6, "", (a, 554))
                for a in addresses]
    return resolver


def test_a_name_that_resolves_to_a_private_address_is_refused_when_read_on_a_hosted_server():
    camera = camera_urls.parse("rtsp://cam.example.com/stream", allow_private=False)
    for addresses in (("10.1.2.3",), ("127.0.0.1",), ("8.8.8.8", "192.168.1.9"), ("::1",),
                      ("::ffff:172.16.0.1",)):
        with pytest.raises(camera_urls.CameraUrlError, match="^private_address$"):
            camera_urls.check_resolved(camera, resolver=_answer(*addresses), allow_private=False)
    assert camera_urls.check_resolved(camera, resolver=_answer("8.8.8.8"),
                                      allow_private=False) == "8.8.8.8"
    # the laptop install (the default) keeps LAN cameras
    assert camera_urls.check_resolved(camera, resolver=_answer("10.1.2.3")) == "10.1.2.3"
    message = camera_urls.ERRORS["private_address"]
    assert "public internet addresses only" in message


def test_ffmpeg_is_pinned_to_the_checked_address():
    rtsp = camera_urls.ffmpeg_command(camera_urls.parse("rtsp://u:p%40w@cam.example.com:8554/s?x=1"),
                                      address="203.0.113.9")
    assert rtsp[rtsp.index("-i") + 1] == "rtsp://u:p%40w@203.0.113.9:8554/s?x=1"
    http = camera_urls.ffmpeg_command(camera_urls.parse("http://cam.example.com/v.mjpg"),
                                      address="2001:db8::7")
    assert http[http.index("-i") + 1] == "http://[2001:db8::7]/v.mjpg"
    assert http[http.index("-headers") + 1] == "Host: cam.example.com\r\n"
    https = camera_urls.ffmpeg_command(camera_urls.parse("https://cam.example.com/i.m3u8"),
                                       address="203.0.113.9")
    assert https[https.index("-i") + 1] == "https://cam.example.com/i.m3u8"  # TLS needs the name


def test_a_pinned_ffmpeg_connects_to_the_checked_address_and_names_the_host():
    """A real ffmpeg given a name that does not resolve at all (cam.invalid) and the checked
    address 127.0.0.1: it reaches the server there (so it did not look the name up again,
    which DNS rebinding would exploit) and says the name in its Host header."""
    import http.server
    import shutil
    import subprocess
    import threading

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed")
    seen: list[tuple[str, str]] = []

    class Camera(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Host")))
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Camera)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        camera = camera_urls.parse(f"http://cam.invalid:{server.server_port}/video.mjpg")
        result = subprocess.run(camera_urls.ffmpeg_command(camera, ffmpeg=ffmpeg, timeout_seconds=3,
                                                           address="127.0.0.1"),
                                capture_output=True, text=True, timeout=30)
        assert seen == [("/video.mjpg", f"cam.invalid:{server.server_port}")]
        assert camera_urls.classify(result.stderr, produced_frames=False) == "not_found"
    finally:
        server.shutdown()
        server.server_close()


def _passed(reader, stream: bytes, chunk: int) -> bytes | None:
    out = b""
    for index in range(0, len(stream), chunk):
        piece = reader.feed(stream[index:index + chunk])
        if piece is None:
            return None
        out += piece
    return out


def test_the_rtsp_guard_reads_answers_data_frames_and_redirects():
    """The guard reads the camera's answers as ffmpeg's RTSP client does (rtsp.c), so that
    no framing trick makes it pass a redirect ffmpeg would follow."""
    from backend.services.rtsp_guard import AnswerReader

    sdp = b"v=0\r\nm=video 0 RTP/AVP 26\r\n"
    stream = (b"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"
              + b"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: " + str(len(sdp)).encode()
              + b"\r\n\r\n" + sdp
              + b"$\x00\x00\x08RTSP/1.0"           # an RTP frame that looks like an answer
              + b"RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n\r\n")
    for chunk in (1, 3, 7, len(stream)):           # any split into chunks
        assert _passed(AnswerReader(), stream, chunk) == stream
    redirects = [
        b"RTSP/1.0 302 Found\r\nCSeq: 4\r\nLocation: rtsp://10.0.0.5/\r\n\r\n",
        b"RTSP/1.0 301 Moved\nCSeq: 4\nLocation: rtsp://10.0.0.5/\n\n",        # LF only
        b"RTSP/1.0  +301x\r\nCSeq: 4\r\n\r\n",                                 # atoi's reading
        b"RTSP/1.0 200 OK\r\nCSeq: 4\r\nlocation:rtsp://10.0.0.5/\r\n\r\n",   # a Location at all
        b"RTSP/1.0 3\r01 Moved\r\nLocation: rtsp://10.0.0.5/\r\n\r\n",         # CR dropped
        # a body ffmpeg reads as 0 bytes (the last Content-Length counts; strtol reads +0)
        b"RTSP/1.0 200 OK\r\nContent-Length: 90\r\nContent-Length: +0\r\n\r\n"
        b"RTSP/1.0 301 Moved\r\nLocation: rtsp://10.0.0.5/\r\n\r\n" + b"x" * 60,
        # a '$' line inside a head is a data frame to ffmpeg, not the head's end
        b"RTSP/1.0 200 OK\r\n$\x00\x00\x02ab\r\n\r\n"
        b"RTSP/1.0 301 Moved\r\nLocation: rtsp://10.0.0.5/\r\n\r\n",
    ]
    for redirect in redirects:
        for chunk in (1, 5, len(redirect)):
            reader = AnswerReader()
            passed = _passed(reader, redirect, chunk)
            assert passed is None and reader.redirect, (redirect, chunk)
    assert _passed(AnswerReader(), b"REDIRECT rtsp://x/ RTSP/1.0\r\nCSeq: 9\r\n\r\n", 4) is None
    garbage = AnswerReader()
    assert garbage.feed(b"x" * 70_000) is None and garbage.garbled and not garbage.redirect


def test_https_mjpeg_goes_through_the_checking_proxy_tunnel():
    """https:// MJPEG keeps its name for TLS; with the relay's proxy ffmpeg tunnels to it
    (httpproxy, CONNECT) instead of resolving the name itself; http:// MJPEG is pinned."""
    proxy = "http://u:p@127.0.0.1:4567"
    https = camera_urls.ffmpeg_command(camera_urls.parse("https://cam.example.com/v.mjpg"),
                                       proxy=proxy)
    assert https[https.index("-protocol_whitelist") + 1] == "https,tls,tcp,httpproxy"
    assert https[https.index("-http_proxy") + 1] == proxy
    assert "-http_persistent" not in https          # an HLS demuxer option only
    assert https[https.index("-i") + 1] == "https://cam.example.com/v.mjpg"
    hls = camera_urls.ffmpeg_command(camera_urls.parse("https://cam.example.com/i.m3u8"),
                                     proxy=proxy)
    assert hls[hls.index("-protocol_whitelist") + 1] == "https,tls,tcp,crypto,httpproxy"
    assert hls[hls.index("-http_persistent") + 1] == "0"
