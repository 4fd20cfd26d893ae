"""Server-Sent Events: the parser both clients share, and how a dropped stream is re-opened."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

import httpx

from ._errors import SessionsApiError
from ._models import SessionEvent

RECONNECT_DELAY = 1.0
"""Seconds before a dropped event stream is opened again from its last event."""

STREAM_TIMEOUT = httpx.Timeout(5.0, read=45.0)
"""A quiet session's stream still receives the silo's keep-alive comment every 15 s: one silent for 45 s is a dead
connection, opened again."""


class EventParser:
    """Turns the lines of a text/event-stream into events; comments (keep-alives) are skipped."""

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, lines: Iterable[str]) -> Iterator[SessionEvent]:
        for line in lines:
            line = line.rstrip("\r\n")  # httpx before 0.24 keeps the line ending
            if line == "":
                if self._data:
                    data, self._data = "\n".join(self._data), []
                    yield SessionEvent.from_json(json.loads(data))
            elif line.startswith("data:"):
                self._data.append(line[5:].lstrip(" "))


def stream_headers(headers: dict[str, str], last_event_id: str | None) -> dict[str, str]:
    headers = {**headers, "Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    return headers


def reopen_after(error: BaseException) -> bool:
    """Whether a stream that failed with ``error`` is opened again: a dropped connection or a 503, not a refusal."""
    if isinstance(error, SessionsApiError):
        return error.status == 503
    return isinstance(error, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.TimeoutException))
