"""The control socket: HTTP/1.1 on a Unix socket, served by the bridge's own threads, never the router's loop.

One thread accepts; each connection gets a thread of its own (at most 64 at once, the next is answered
503), so a slow client or a snapshot stream never holds another. The kernel names the peer (SO_PEERCRED).
"""

import os
import socket
import socketserver
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Mapping, Optional

from routertop_ray.api import ControlApi, Peer, Response, Stream, json_response, problem, snapshot_lines
from routertop_ray.delta import DeltaMark, delta
from routertop_ray.settings import MAX_BODY_BYTES
from routertop_ray.summary import SummaryMark, summary

MAX_CONNECTIONS = 64


def peer_uid(connection: socket.socket) -> Optional[int]:
    """The uid of the process at the other end, from the kernel; None where it cannot say."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        raw = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    _, uid, _ = struct.unpack("3i", raw)
    return uid


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ControlServer"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def address_string(self) -> str:
        return "control-socket"

    def _answer(self) -> None:
        length_text = self.headers.get("content-length", "0") or "0"
        try:
            length = int(length_text)
        except ValueError:
            self._send(problem(400, f"content-length {length_text} is not a number"), close=True)
            return
        if length > MAX_BODY_BYTES:
            self._send(problem(400, f"the body is over {MAX_BODY_BYTES} bytes ({length} or more)"), close=True)
            return
        if self.headers.get("transfer-encoding"):
            self._send(problem(400, "send the body with a content-length, not chunked"), close=True)
            return
        body = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.api.handle(self.command, self.path, headers, body, Peer(self.server.uid_of(self)))
        if isinstance(answer, Stream):
            self._stream(answer)
        else:
            self._send(answer)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _answer

    def _send(self, response: Response, close: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("content-type", response.content_type)
        self.send_header("content-length", str(len(response.body)))
        if close:
            self.send_header("connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(response.body)

    def _stream(self, stream: Stream) -> None:
        """One snapshot line a tick, chunked; ends when the client goes or the bridge stops."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("content-type", "application/x-ndjson")
        self.send_header("cache-control", "no-store")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        interval = stream.interval_ms / 1000
        try:
            next_tick = time.monotonic()
            mark = SummaryMark()
            sent = DeltaMark()
            while not self.server.stopping.is_set():
                snapshot = self.server.snapshot()
                if stream.summary:
                    snapshot, mark = summary(snapshot, mark)
                elif stream.delta:
                    snapshot, sent = delta(snapshot, sent)
                line = snapshot_lines([snapshot])
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                next_tick += interval
                delay = next_tick - time.monotonic()
                if delay < 0:
                    # The client or the snapshot was slow: skip the ticks missed rather than bunch them up.
                    next_tick = time.monotonic()
                    delay = 0
                if self.server.stopping.wait(delay):
                    break
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        finally:
            if stream.session:
                self.server.session_ended(stream.session)


class ControlServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The bridge's socket server; `serve_forever` runs on a daemon thread of its own."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, path: str, api: ControlApi, snapshot: Callable[[], Mapping[str, Any]],
                 session_ended: Callable[[str], None]) -> None:
        self.api = api
        self.snapshot = snapshot
        self.session_ended = session_ended
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.refused_connections = 0
        previous = os.umask(0o177)
        try:
            super().__init__(path, _Handler)
        finally:
            os.umask(previous)
        os.chmod(path, 0o600)
        self.path = path

    def uid_of(self, handler: _Handler) -> Optional[int]:
        return peer_uid(handler.connection)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not self._slots.acquire(blocking=False):
            self.refused_connections += 1
            try:
                body = json_response(503, {"error": f"the router has {MAX_CONNECTIONS} control connections open; "
                                                    "try again"}).body
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
                                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="routertop-control", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
