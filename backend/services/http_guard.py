"""A one-camera HTTP proxy for ffmpeg (`-http_proxy`): an HLS playlist may name segments
(and keys) on any host, and ffmpeg's HLS demuxer fetches them with no option to keep them
on the playlist's host. (An https:// MJPEG camera goes through it too: ffmpeg keeps the
name for TLS, and the tunnel connects to the checked address instead of ffmpeg resolving
the name again.) ffmpeg sends every HTTP request of the camera through the proxy
(absolute-URL GETs for http://, CONNECT for https://, checked with ffmpeg 5.1), so each
host is checked here as the relay checks the camera's own (camera_urls.check_resolved:
resolved now, every address judged) and the connection goes to the checked address; a
refused host is a 403 and is never connected to. One request per connection (ffmpeg is
told -http_persistent 0), so a kept-alive connection cannot carry a second request to
another host past the check. Listens on 127.0.0.1 for the life of one ffmpeg run; a
random user name and password (basic auth, from ffmpeg's proxy URL) keep other local
processes out."""
from __future__ import annotations

import base64
import re
import secrets
import socket
import threading
from urllib.parse import urlsplit

from . import camera_urls

_REQUEST = re.compile(rb"([A-Z]+) (\S+) (HTTP/1\.[01])\r?\n")
MAX_HEAD_BYTES = 32 * 1024


class HttpGuard:
    def __init__(self, *, allow_private: bool, timeout: float, resolver=None) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.resolver = resolver
        self.refused: list[str] = []      # error codes of refused hosts (never their names)
        self.user = secrets.token_hex(8)
        self.password = secrets.token_hex(16)
        self._auth = b"Basic " + base64.b64encode(f"{self.user}:{self.password}".encode())
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, name="http-guard", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.user}:{self.password}@127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._sockets.append(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _check(self, scheme: str, host: str, port: int | None) -> str:
        """The address to connect to; CameraUrlError naming the refusal otherwise."""
        target = camera_urls.CameraUrl(url="", scheme=scheme, host=host, port=port,
                                       kind="hls", username=None, password=None)
        kwargs = {"resolver": self.resolver} if self.resolver else {}
        return camera_urls.check_resolved(target, allow_private=self.allow_private, **kwargs)

    def _handle(self, client: socket.socket) -> None:
        upstream = None
        try:
            client.settimeout(self.timeout)
            head = b""
            while b"\r\n\r\n" not in head:
                data = client.recv(4096)
                if not data or len(head) > MAX_HEAD_BYTES:
                    return
                head += data
            head, rest = head.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            match = _REQUEST.fullmatch(lines[0] + b"\r\n")
            headers = lines[1:]
            auth = [h.split(b":", 1)[1].strip() for h in headers
                    if h.lower().startswith(b"proxy-authorization:")]
            if not match or auth != [self._auth]:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                               b"Proxy-Authenticate: Basic realm=\"camera\"\r\n"
                               b"Content-Length: 0\r\n\r\n")
                return
            method, target, version = match.groups()
            if method == b"CONNECT":
                host, _, port = target.decode("ascii", "replace").rpartition(":")
                host = host.strip("[]")
                if not port.isdigit() or not host:
                    return
                address = self._check("https", host, int(port))
                upstream = socket.create_connection((address, int(port)), timeout=self.timeout)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                parts = urlsplit(target.decode("ascii", "replace"))
                if parts.scheme != "http" or not parts.hostname:
                    return
                address = self._check("http", parts.hostname, parts.port)
                upstream = socket.create_connection((address, parts.port or 80),
                                                    timeout=self.timeout)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                kept = [h for h in headers if not h.lower().startswith(
                    (b"proxy-", b"connection:", b"keep-alive:"))]
                upstream.sendall(b"\r\n".join([method + b" " + path.encode() + b" " + version,
                                               *kept, b"Connection: close", b"", b""]) + rest)
            self._sockets.append(upstream)
            self._pipe(client, upstream)
        except camera_urls.CameraUrlError as exc:
            self.refused.append(str(exc))
            try:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        client.settimeout(None)
        upstream.settimeout(None)

        def pump(source, target):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    target.sendall(data)
            except OSError:
                pass
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        other = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        other.start()
        pump(client, upstream)
        other.join()

    def close(self) -> None:
        self._closed.set()
        for sock in [self.listener, *self._sockets]:
            try:
                sock.close()
            except OSError:
                pass
