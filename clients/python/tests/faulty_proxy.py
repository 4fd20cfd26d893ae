"""An HTTP proxy in front of a silo that misbehaves on request: it can pass a request on and then drop the connection
before the answer (as a load balancer or a silo dying mid-call does), or answer 503 with Retry-After itself."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import httpx


@dataclass
class Seen:
    method: str
    path: str
    body: bytes


@dataclass
class Faults:
    drop_after_forwarding: int = 0
    """How many of the next matching requests are passed on, then answered by closing the connection."""
    unavailable: int = 0
    """How many of the next matching requests are answered 503 with Retry-After, without passing them on."""
    retry_after: int = 1
    matches: Callable[[str, str], bool] = lambda method, path: True
    seen: list[Seen] = field(default_factory=list)


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.faults = Faults()
        self._upstream = httpx.Client(base_url=upstream, timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def handle_one(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                faults = proxy.faults
                matched = faults.matches(self.command, self.path)
                if matched:
                    faults.seen.append(Seen(self.command, self.path, body))
                if matched and faults.unavailable > 0:
                    faults.unavailable -= 1
                    self._answer(503, {"Retry-After": str(faults.retry_after), "Content-Type": "application/problem+json"},
                                 json.dumps({"status": 503, "title": "Unavailable", "detail": "try later"}).encode())
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                answer = proxy._upstream.request(self.command, self.path, headers=headers, content=body)
                if matched and faults.drop_after_forwarding > 0:
                    faults.drop_after_forwarding -= 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                passed = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "retry-after")}
                self._answer(answer.status_code, passed, answer.content)

            def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()
