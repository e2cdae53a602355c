"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request and answers with
the status codes it is told to (200 once the list runs out)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str
    at: float = 0.0  # time.monotonic() on arrival


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    answers: list[int] = field(default_factory=list)
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # called with each request before it is answered (hold it, slow it down)
    before: Callable[[Received], None] | None = None
    in_flight: dict[str, int] = field(default_factory=dict)  # webhook-id → requests unanswered
    overlaps: list[str] = field(default_factory=list)  # ids that arrived while still in flight

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """The first `count` requests, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.got) >= count:
                    return list(self.got)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} requests, got {len(self.got)}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_receiver(port: int = 0) -> Receiver:
    """A receiver listening on 127.0.0.1 (any free port unless given)."""
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            rec = holder["r"]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            got = Received(headers, body, self.path, time.monotonic())
            msg = headers.get("webhook-id", "")
            with rec.lock:
                rec.got.append(got)
                if rec.in_flight.get(msg):
                    rec.overlaps.append(msg)
                rec.in_flight[msg] = rec.in_flight.get(msg, 0) + 1
            try:
                if rec.before is not None:
                    rec.before(got)
            finally:
                with rec.lock:
                    rec.in_flight[msg] -= 1
                    code = rec.answers.pop(0) if rec.answers else 200
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
