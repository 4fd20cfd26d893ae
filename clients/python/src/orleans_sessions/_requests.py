"""Every call of the HTTP API v1 as a request description, and the one retry policy: the sync and async clients
only send what is described here."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Generic, Mapping, Sequence, TypeVar
from urllib.parse import quote

import httpx

from ._errors import SessionsApiError, error_for
from ._models import AppendResult, ItemsPage, RewindResult, SessionInfo, SessionListPage, StoredItem, TurnUsage, UserToken

T = TypeVar("T")

LONGEST_WAIT = 10.0
"""The longest a retry waits, whatever Retry-After says (seconds)."""

CONNECTION_FAILURES = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)
"""What a failed or dropped connection raises: a request that is safe to repeat is sent again after one."""


def new_operation_id() -> str:
    """A new operation id: a write carrying one is stored once however often a retry repeats it."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Request(Generic[T]):
    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, str] | None = None
    body: Any = None
    has_body: bool = False
    absent: Callable[[SessionsApiError], bool] | None = None
    """An error that means "nothing there": the call returns None instead of raising."""

    def content(self) -> bytes | None:
        """The body as JSON; a value JSON cannot hold (NaN, infinity, an object it cannot encode) raises ValueError or
        TypeError here, before anything is sent."""
        if not self.has_body:
            return None
        return json.dumps(self.body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()

    @property
    def repeatable(self) -> bool:
        """A read, or a write carrying an operation id in its body or query (a repeat of it is done once), may be sent
        again."""
        return (self.method == "GET" or (isinstance(self.body, Mapping) and isinstance(self.body.get("operationId"), str))
                or (self.params is not None and isinstance(self.params.get("operationId"), str)))


def retry_wait(request: Request[Any], attempt: int, retries: int, failure: BaseException | httpx.Response) -> float | None:
    """Seconds to wait before sending ``request`` again after ``failure`` (an exception or an error response), or
    None when it must not be: as the .NET and TypeScript clients do, a request that is safe to repeat is sent again
    after a 429 or 503 (waiting as Retry-After says, at most 10 s) and after a failed connection (0.5 s, 1 s, …)."""
    if not request.repeatable or attempt >= retries:
        return None
    if isinstance(failure, httpx.Response):
        if failure.status_code not in (429, 503):
            return None
        asked = _retry_after(failure)
        return min(asked if asked is not None else attempt + 1.0, LONGEST_WAIT)
    return 0.5 * (attempt + 1) if isinstance(failure, CONNECTION_FAILURES) else None


def result(request: Request[T], response: httpx.Response) -> T | None:
    """The parsed answer, or None for "nothing there"; raises the problem document's exception."""
    if response.is_success:
        return None if response.status_code == 204 or not response.content else request.parse(response.json())
    error = api_error(response)
    if request.absent is not None and request.absent(error):
        return None
    raise error


def api_error(response: httpx.Response) -> SessionsApiError:
    problem: Mapping[str, Any] | None = None
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
            problem = body if isinstance(body, Mapping) else None
        except ValueError:
            problem = None
    return error_for(response.status_code, problem, _retry_after(response))


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; None when absent or not a number of seconds at least 0."""
    try:
        seconds = float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def missing_session(error: SessionsApiError) -> bool:
    return error.status == 404 and error.field == "sessionId"


def _missing_key(error: SessionsApiError) -> bool:
    return error.status == 404 and error.field == "key"


def _none(_: Any) -> None:
    return None


def _same(json: Any) -> Any:
    return json


def _session(session_id: str) -> str:
    return f"/v1/sessions/{quote(session_id, safe='')}"


def _data(session_id: str, key: str) -> str:
    return f"{_session(session_id)}/data/{quote(key, safe='')}"


def _query(**parameters: Any) -> dict[str, str]:
    return {name: ("true" if value is True else str(value)) for name, value in parameters.items() if value is not None and value is not False}


def _without_none(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def create_session(user_id: str | None = None, session_id: str | None = None, title: str | None = None,
                   ttl_seconds: int | None = None, metadata: Mapping[str, Any] | None = None,
                   max_items: int | None = None) -> Request[SessionInfo]:
    body = _without_none(userId=user_id, sessionId=session_id, title=title, ttlSeconds=ttl_seconds, metadata=metadata,
                         maxItems=max_items)
    return Request("POST", "/v1/sessions", SessionInfo.from_json, body=body, has_body=True)


def fork_session(session_id: str, new_session_id: str | None = None, user_id: str | None = None, through_seq: int | None = None,
                 title: str | None = None, metadata: Mapping[str, Any] | None = None, ttl_seconds: int | None = None,
                 operation_id: str | None = None) -> Request[SessionInfo]:
    body = _without_none(sessionId=new_session_id, userId=user_id, throughSeq=through_seq, title=title, metadata=metadata,
                         ttlSeconds=ttl_seconds, operationId=operation_id)
    return Request("POST", f"{_session(session_id)}/fork", SessionInfo.from_json, body=body, has_body=True)


def get_session(session_id: str) -> Request[SessionInfo]:
    return Request("GET", _session(session_id), SessionInfo.from_json)


def delete_session(session_id: str) -> Request[None]:
    return Request("DELETE", _session(session_id), _none)


def get_items(session_id: str, limit: int | None = None, after_seq: int | None = None, role: str | None = None,
              safe_start: bool = False, refresh_ttl: bool = False) -> Request[ItemsPage]:
    params = _query(limit=limit, afterSeq=after_seq, role=role, safeStart=safe_start, refreshTtl=refresh_ttl)
    return Request("GET", f"{_session(session_id)}/items", ItemsPage.from_json, params=params)


def append_items(session_id: str, items: Sequence[Mapping[str, Any]], operation_id: str | None = None,
                 agent: str | None = None, user_id: str | None = None, tokens: int | None = None,
                 ttl_seconds: int | None = None, usage: TurnUsage | Mapping[str, Any] | None = None,
                 max_items: int | None = None) -> Request[AppendResult]:
    body = _without_none(items=list(items), operationId=operation_id, agent=agent, userId=user_id, tokens=tokens, ttlSeconds=ttl_seconds,
                         usage=usage.to_json() if isinstance(usage, TurnUsage) else None if usage is None else dict(usage),
                         maxItems=max_items)
    return Request("POST", f"{_session(session_id)}/items", AppendResult.from_json, body=body, has_body=True)


def replace_items(session_id: str, items: Sequence[Mapping[str, Any]], operation_id: str | None = None) -> Request[AppendResult]:
    body = _without_none(items=list(items), operationId=operation_id)
    return Request("PUT", f"{_session(session_id)}/items", AppendResult.from_json, body=body, has_body=True)


def apply_history_transaction(session_id: str, operation_id: str, transaction: Mapping[str, Any]) -> Request[AppendResult]:
    body = {"operationId": operation_id, "transaction": dict(transaction)}
    return Request("POST", f"{_session(session_id)}/history/transactions", AppendResult.from_json, body=body, has_body=True)


def pop_item(session_id: str) -> Request[StoredItem]:
    return Request("POST", f"{_session(session_id)}/items/pop", StoredItem.from_json)


def clear_items(session_id: str, reset_agents: bool = False) -> Request[None]:
    return Request("DELETE", f"{_session(session_id)}/items", _none, params=_query(resetAgents=reset_agents))


def rewind_items(session_id: str, after_seq: int, operation_id: str | None = None) -> Request[RewindResult]:
    return Request("DELETE", f"{_session(session_id)}/items", RewindResult.from_json,
                   params=_query(afterSeq=after_seq, operationId=operation_id))


def track_agent(session_id: str, agent: str) -> Request[SessionInfo]:
    return Request("PUT", f"{_session(session_id)}/agent", SessionInfo.from_json, body={"agent": agent}, has_body=True)


def get_all_data(session_id: str) -> Request[dict[str, Any]]:
    return Request("GET", f"{_session(session_id)}/data", dict)


def get_data(session_id: str, key: str) -> Request[Any]:
    return Request("GET", _data(session_id, key), _same, absent=_missing_key)


def set_data(session_id: str, key: str, value: Any) -> Request[None]:
    return Request("PUT", _data(session_id, key), _none, body=value, has_body=True)


def update_data(session_id: str, key: str, path: Sequence[str], value: Any) -> Request[Any]:
    return Request("PATCH", _data(session_id, key), _same, body={"path": list(path), "value": value}, has_body=True)


def delete_data(session_id: str, key: str) -> Request[None]:
    return Request("DELETE", _data(session_id, key), _none)


def list_sessions(user_id: str, limit: int | None = None, cursor: str | None = None) -> Request[SessionListPage]:
    return Request("GET", f"/v1/users/{quote(user_id, safe='')}/sessions", SessionListPage.from_json, params=_query(limit=limit, cursor=cursor))


def delete_user(user_id: str) -> Request[None]:
    return Request("DELETE", f"/v1/users/{quote(user_id, safe='')}", _none)


def create_user_token(user_id: str, ttl_seconds: int | None = None) -> Request[UserToken]:
    return Request("POST", "/v1/tokens", UserToken.from_json, body=_without_none(userId=user_id, ttlSeconds=ttl_seconds), has_body=True)


def events(session_id: str) -> str:
    return f"{_session(session_id)}/events"


def events_query(after_seq: int | None, last_event_id: str | None) -> dict[str, str]:
    """``afterSeq`` starts a stream with the stored items after it; once an event arrived, the stream is reopened
    from that event's id (Last-Event-ID) alone: the silo refuses both together in the query, and the header wins."""
    return _query(afterSeq=None if last_event_id else after_seq)
