"""Between ffmpeg and an rtsp:// camera: ffmpeg 5.1 follows an RTSP redirect (a 3xx answer
to DESCRIBE) to any host and port, with no option to refuse it, past every address check
(the checked camera answers `301 Location: rtsp://10.0.0.5:6379/`, and which error ffmpeg
then gives tells what listens there). So the relay connects to the checked address itself
and hands ffmpeg a local port: every byte passes both ways, the camera's answers are read
as they pass, and a redirect (a 3xx status, or the server's REDIRECT request) ends the
connection before ffmpeg sees it. It also pins ffmpeg to the checked address (it never
resolves the camera's name). rtsp:// only: rtsps:// is encrypted end to end."""
from __future__ import annotations

import re
import socket
import threading

_LENGTH = re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-9]+)")   # what C's strtol reads
_CODE = re.compile(rb"[ \t]*[+-]?([0-9]+)")                   # what C's atoi reads
MAX_HEAD_BYTES = 64 * 1024


class AnswerReader:
    """Reads the camera's side of an RTSP connection exactly as ffmpeg's RTSP client does
    (libavformat/rtsp.c: lines end at LF and every CR is dropped; a `$` at the start of a
    line is an interleaved data frame, skipped, even inside a message's head; an empty
    line ends the head; `Content-Length:` at a line's start, read like strtol, the last one
    counting, is the body) so that what it judges is what ffmpeg will act on. feed()
    returns the bytes that may go on to ffmpeg: a message's head is held back until it is
    complete and judged; None once it redirects (a 3xx status or a Location header), or is
    not RTSP (a head longer than 64 KB)."""

    def __init__(self) -> None:
        self.redirect = False
        self.garbled = False
        self.skip = 0                      # data-frame or body bytes to pass unread
        self.frame_head: bytearray | None = None
        self.line = bytearray()
        self.lines: list[bytes] = []
        self.held = bytearray()
        self.content_length = 0

    def _sink(self, out: bytearray) -> bytearray:
        return self.held if self.held else out

    def feed(self, data: bytes) -> bytes | None:
        if self.redirect or self.garbled:
            return None
        out = bytearray()
        index, size = 0, len(data)
        while index < size:
            if self.skip:
                step = min(self.skip, size - index)
                self._sink(out).extend(data[index:index + step])
                index += step
                self.skip -= step
                continue
            byte = data[index]
            index += 1
            if self.frame_head is not None:          # the 3 bytes after '$'
                self.frame_head.append(byte)
                self._sink(out).append(byte)
                if len(self.frame_head) == 4:
                    self.skip = int.from_bytes(self.frame_head[2:4], "big")
                    self.frame_head = None
                continue
            if byte == 0x24 and not self.line:       # '$' at a line's start
                self.frame_head = bytearray([byte])
                self._sink(out).append(byte)
                continue
            self.held.append(byte)
            if len(self.held) > MAX_HEAD_BYTES:
                self.garbled = True
                return None
            if byte == 0x0A:                         # LF: a line ends
                line, self.line = bytes(self.line), bytearray()
                if line:
                    self._header(line)
                    continue
                if self._redirects():                # an empty line: the head is complete
                    self.redirect = True
                    return None
                out.extend(self.held)
                self.held.clear()
                self.skip = max(self.content_length, 0)
                self.lines, self.content_length = [], 0
            elif byte != 0x0D:
                self.line.append(byte)
        return bytes(out)

    def _header(self, line: bytes) -> None:
        self.lines.append(line)
        if len(self.lines) > 1 and line[:15].lower() == b"content-length:":
            match = _LENGTH.match(line, 15)
            value = int(match.group(1) + match.group(2)) if match else 0
            self.content_length = value

    def _redirects(self) -> bool:
        if not self.lines:
            return False
        first = self.lines[0].lstrip(b" \t")
        words = re.split(rb"[ \t]+", first, maxsplit=1)
        if words[0].startswith(b"RTSP/") and len(words) > 1:
            code = _CODE.match(words[1])
            if code and 300 <= int(code.group(1)) < 400:
                return True
        if words[0] == b"REDIRECT":
            return True
        # ffmpeg follows the Location of a redirect: a head that names one is never passed
        return any(line.lstrip(b" \t")[:9].lower() == b"location:" for line in self.lines[1:])


class RtspGuard:
    """One camera connection: connect() reaches the camera (OSError when it cannot),
    `port` is where ffmpeg connects; close() ends both sides."""

    def __init__(self, address: str, port: int, timeout: float) -> None:
        self.address = address
        self.camera_port = port
        self.timeout = timeout
        self.reader = AnswerReader()
        self.upstream: socket.socket | None = None
        self.listener: socket.socket | None = None
        self.client: socket.socket | None = None
        self.port = 0
        self._closed = threading.Event()

    @property
    def redirected(self) -> bool:
        return self.reader.redirect

    def connect(self) -> "RtspGuard":
        self.upstream = socket.create_connection((self.address, self.camera_port),
                                                 timeout=self.timeout)
        self.upstream.settimeout(None)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(self.timeout * 3)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, name="rtsp-guard", daemon=True).start()
        return self

    def _serve(self) -> None:
        try:
            self.client, _ = self.listener.accept()   # ffmpeg's one control connection
        except OSError:
            self.close()
            return
        finally:
            try:
                self.listener.close()
            except OSError:
                pass
        self.client.settimeout(None)
        threading.Thread(target=self._pump, args=(self.client, self.upstream, None),
                         daemon=True).start()
        self._pump(self.upstream, self.client, self.reader)

    def _pump(self, source: socket.socket, target: socket.socket,
              reader: AnswerReader | None) -> None:
        try:
            while not self._closed.is_set():
                data = source.recv(65536)
                if not data:
                    break                          # the other side closed
                if reader is not None:
                    data = reader.feed(data)       # a head is held back until judged
                    if data is None:
                        break                      # a redirect: ffmpeg never sees it
                if data:
                    target.sendall(data)
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for sock in (self.client, self.upstream, self.listener):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    sock.close()
                except OSError:
                    pass
