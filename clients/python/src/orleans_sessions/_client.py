"""The blocking client of the silo's HTTP API v1."""

from __future__ import annotations

import time
import urllib.request
from typing import Any, Iterator, Mapping, Sequence, TypeVar, cast

import httpx

from . import _requests as api
from ._events import RECONNECT_DELAY, STREAM_TIMEOUT, EventParser, reopen_after, stream_headers
from ._models import AppendResult, ItemsPage, RewindResult, SessionEvent, SessionInfo, SessionListPage, StoredItem, TurnUsage, UserToken
from ._options import ClientOptions, TokenSource, as_timeout
from ._transport import blocking_transport

T = TypeVar("T")


class SessionsClient:
    """The silo's HTTP API v1, blocking. Errors are :class:`SessionsApiError` subclasses built from the problem
    document. A read, or a write carrying an operation id, is sent again after a failed connection, a 429 or a 503
    (as Retry-After says, at most 10 s), ``retries`` times; other writes are sent once. Thread-safe; close it (or use
    ``with``) to release its connections."""

    def __init__(self, base_url: str, *, api_key: str | None = None, token: TokenSource | None = None,
                 timeout: float | httpx.Timeout | None = None, retries: int = 3,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.options = ClientOptions(base_url, api_key=api_key, retries=retries, timeout=as_timeout(timeout))
        self._token = token
        if transport is None and not urllib.request.getproxies():
            transport = blocking_transport(self.options.limits)  # httpx mounts proxy transports only when given none
        self._http = httpx.Client(transport=transport, **self.options.client_arguments())  # type: ignore[arg-type]

    def __enter__(self) -> SessionsClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def create_session(self, user_id: str | None = None, *, session_id: str | None = None, title: str | None = None,
                       ttl_seconds: int | None = None, metadata: Mapping[str, Any] | None = None,
                       max_items: int | None = None) -> SessionInfo:
        """Creates a session (``user_id`` is required with an API key; a user token's user otherwise); the id is
        generated when not given. ConflictError if it exists."""
        return self._call(api.create_session(user_id, session_id, title, ttl_seconds, metadata, max_items))

    def fork_session(self, session_id: str, *, new_session_id: str | None = None, user_id: str | None = None,
                     through_seq: int | None = None, title: str | None = None, metadata: Mapping[str, Any] | None = None,
                     ttl_seconds: int | None = None, operation_id: str | None = None) -> SessionInfo:
        """A new session holding the items of ``session_id`` through ``through_seq`` (all when None), with their seqs,
        and its data values; owner, title, metadata and TTL are the source's unless given. ``new_session_id`` is
        generated when None; with an ``operation_id`` a repeat returns the same fork (and the client repeats it
        after a dropped connection)."""
        return self._call(api.fork_session(session_id, new_session_id, user_id, through_seq, title, metadata, ttl_seconds, operation_id))

    def get_session(self, session_id: str) -> SessionInfo:
        return self._call(api.get_session(session_id))

    def delete_session(self, session_id: str) -> None:
        self._send(api.delete_session(session_id))

    def get_items(self, session_id: str, *, limit: int | None = None, after_seq: int | None = None, role: str | None = None,
                  safe_start: bool = False, refresh_ttl: bool = False) -> ItemsPage:
        """Without ``after_seq``: the newest ``limit`` items (all when None), oldest first; with it, the items after
        that seq. ``role`` keeps messages of that role; ``safe_start`` drops tool outputs whose call is cut off."""
        return self._call(api.get_items(session_id, limit, after_seq, role, safe_start, refresh_ttl))

    def append_items(self, session_id: str, items: Sequence[Mapping[str, Any]], *, operation_id: str | None = None,
                     agent: str | None = None, user_id: str | None = None, tokens: int | None = None,
                     ttl_seconds: int | None = None, usage: TurnUsage | Mapping[str, Any] | None = None,
                     max_items: int | None = None) -> AppendResult:
        """Appends a batch atomically. With an ``operation_id`` a repeat is stored once (and the client repeats it
        after a dropped connection); ``user_id`` creates a missing session for that user."""
        return self._call(api.append_items(session_id, items, operation_id, agent, user_id, tokens, ttl_seconds, usage,
                                           max_items))

    def replace_items(self, session_id: str, items: Sequence[Mapping[str, Any]], *, operation_id: str | None = None) -> AppendResult:
        """Replaces the whole history in one step (compaction)."""
        return self._call(api.replace_items(session_id, items, operation_id))

    def apply_history_transaction(self, session_id: str, operation_id: str, transaction: Mapping[str, Any]) -> AppendResult:
        """``{"type": "append_items", "items"}`` or ``{"type": "replace_suffix", "expectedSuffix", "replacement"}``,
        once per operation id; a suffix that is no longer the newest items is a ConflictError and changes nothing."""
        return self._call(api.apply_history_transaction(session_id, operation_id, transaction))

    def pop_item(self, session_id: str) -> StoredItem | None:
        """Removes and returns the newest item; None when there is none."""
        return self._send(api.pop_item(session_id))

    def clear_items(self, session_id: str, *, reset_agents: bool = False) -> None:
        self._send(api.clear_items(session_id, reset_agents))

    def rewind_items(self, session_id: str, after_seq: int, *, operation_id: str | None = None) -> RewindResult:
        """Removes every item after ``after_seq`` in one step (one "rewind" event); ``last_seq`` stays, so seqs are
        not reused. With an ``operation_id`` a repeat is done once (and the client repeats it after a dropped
        connection)."""
        return self._call(api.rewind_items(session_id, after_seq, operation_id))

    def track_agent(self, session_id: str, agent: str) -> SessionInfo:
        return self._call(api.track_agent(session_id, agent))

    def get_all_data(self, session_id: str) -> dict[str, Any]:
        return self._call(api.get_all_data(session_id))

    def get_data(self, session_id: str, key: str) -> Any:
        """The JSON value under ``key``; None when there is none."""
        return self._send(api.get_data(session_id, key))

    def set_data(self, session_id: str, key: str, value: Any) -> None:
        self._send(api.set_data(session_id, key, value))

    def update_data(self, session_id: str, key: str, path: Sequence[str], value: Any) -> Any:
        """Sets one nested path inside the value under ``key`` (objects made on the way); returns the whole value."""
        return self._send(api.update_data(session_id, key, path, value))

    def delete_data(self, session_id: str, key: str) -> None:
        self._send(api.delete_data(session_id, key))

    def list_sessions(self, user_id: str, *, limit: int | None = None, cursor: str | None = None) -> SessionListPage:
        """One page of a user's sessions, most recently active first."""
        return self._call(api.list_sessions(user_id, limit, cursor))

    def list_all_sessions(self, user_id: str, page_size: int = 100) -> Iterator[SessionInfo]:
        """Every session of the user, page after page."""
        cursor: str | None = None
        while True:
            page = self.list_sessions(user_id, limit=page_size, cursor=cursor)
            yield from page.sessions
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def delete_user(self, user_id: str) -> None:
        self._send(api.delete_user(user_id))

    def create_user_token(self, user_id: str, *, ttl_seconds: int | None = None) -> UserToken:
        """With a tenant's API key: a short-lived token for one user, for that user's browser to hold."""
        return self._call(api.create_user_token(user_id, ttl_seconds))

    def stream_events(self, session_id: str, *, last_event_id: str | None = None, after_seq: int | None = None) -> Iterator[SessionEvent]:
        """The session's changes as they happen, on any silo, each once and in order: after ``last_event_id`` (an
        event's id); else with ``after_seq`` first the stored items after that seq as one "append" event (0: all),
        then every change after them; else from the next change. A dropped connection is opened again from the
        last event. Ends after a "deleted" event, or when the caller stops iterating."""
        while True:
            try:
                with self._http.stream("GET", api.events(session_id), params=api.events_query(after_seq, last_event_id),
                                       headers=stream_headers(self._headers(), last_event_id), timeout=STREAM_TIMEOUT) as response:
                    if not response.is_success:
                        response.read()
                        raise api.api_error(response)
                    for event in EventParser().feed(response.iter_lines()):
                        last_event_id = event.id
                        yield event
                        if event.type == "deleted":
                            return
            except Exception as error:  # noqa: BLE001 - reopen_after decides, anything else is raised again
                if not reopen_after(error):
                    raise
            time.sleep(RECONNECT_DELAY)

    def _call(self, request: api.Request[T]) -> T:
        return cast(T, self._send(request))

    def _send(self, request: api.Request[T]) -> T | None:
        for attempt in range(self.options.retries + 1):
            try:
                response = self._http.request(request.method, request.path, params=request.params,
                                              headers=self._headers(request.has_body), content=request.content())
            except Exception as error:
                wait = api.retry_wait(request, attempt, self.options.retries, error)
                if wait is None:
                    raise
            else:
                wait = api.retry_wait(request, attempt, self.options.retries, response)
                if wait is None:
                    return api.result(request, response)
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _headers(self, has_body: bool = False) -> dict[str, str]:
        token = self._token() if callable(self._token) else self._token
        return self.options.headers(token, has_body)
