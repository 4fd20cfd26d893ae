"""The asyncio client of the silo's HTTP API v1: the same calls and rules as :class:`SessionsClient`."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, AsyncIterator, Mapping, Sequence, TypeVar, cast

import httpx

from . import _requests as api
from ._events import RECONNECT_DELAY, STREAM_TIMEOUT, EventParser, reopen_after, stream_headers
from ._models import AppendResult, ItemsPage, RewindResult, SessionEvent, SessionInfo, SessionListPage, StoredItem, TurnUsage, UserToken
from ._options import AsyncTokenSource, ClientOptions, as_timeout

T = TypeVar("T")


class AsyncSessionsClient:
    """The silo's HTTP API v1 for asyncio: every method of :class:`SessionsClient`, awaitable, with the same retry
    policy and errors. ``token`` may be a function, sync or async, called for each request (to refresh it). Close it
    (or use ``async with``) to release its connections."""

    def __init__(self, base_url: str, *, api_key: str | None = None, token: AsyncTokenSource | None = None,
                 timeout: float | httpx.Timeout | None = None, retries: int = 3,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.options = ClientOptions(base_url, api_key=api_key, retries=retries, timeout=as_timeout(timeout))
        self._token = token
        self._http = httpx.AsyncClient(transport=transport, **self.options.client_arguments())  # type: ignore[arg-type]

    async def __aenter__(self) -> AsyncSessionsClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create_session(self, user_id: str | None = None, *, session_id: str | None = None, title: str | None = None,
                             ttl_seconds: int | None = None, metadata: Mapping[str, Any] | None = None,
                             max_items: int | None = None) -> SessionInfo:
        return await self._call(api.create_session(user_id, session_id, title, ttl_seconds, metadata, max_items))

    async def fork_session(self, session_id: str, *, new_session_id: str | None = None, user_id: str | None = None,
                           through_seq: int | None = None, title: str | None = None, metadata: Mapping[str, Any] | None = None,
                           ttl_seconds: int | None = None, operation_id: str | None = None) -> SessionInfo:
        return await self._call(api.fork_session(session_id, new_session_id, user_id, through_seq, title, metadata, ttl_seconds, operation_id))

    async def get_session(self, session_id: str) -> SessionInfo:
        return await self._call(api.get_session(session_id))

    async def delete_session(self, session_id: str) -> None:
        await self._send(api.delete_session(session_id))

    async def get_items(self, session_id: str, *, limit: int | None = None, after_seq: int | None = None, role: str | None = None,
                        safe_start: bool = False, refresh_ttl: bool = False) -> ItemsPage:
        return await self._call(api.get_items(session_id, limit, after_seq, role, safe_start, refresh_ttl))

    async def append_items(self, session_id: str, items: Sequence[Mapping[str, Any]], *, operation_id: str | None = None,
                           agent: str | None = None, user_id: str | None = None, tokens: int | None = None,
                           ttl_seconds: int | None = None, usage: TurnUsage | Mapping[str, Any] | None = None,
                           max_items: int | None = None) -> AppendResult:
        return await self._call(api.append_items(session_id, items, operation_id, agent, user_id, tokens, ttl_seconds, usage,
                                                 max_items))

    async def replace_items(self, session_id: str, items: Sequence[Mapping[str, Any]], *, operation_id: str | None = None) -> AppendResult:
        return await self._call(api.replace_items(session_id, items, operation_id))

    async def apply_history_transaction(self, session_id: str, operation_id: str, transaction: Mapping[str, Any]) -> AppendResult:
        return await self._call(api.apply_history_transaction(session_id, operation_id, transaction))

    async def pop_item(self, session_id: str) -> StoredItem | None:
        return await self._send(api.pop_item(session_id))

    async def clear_items(self, session_id: str, *, reset_agents: bool = False) -> None:
        await self._send(api.clear_items(session_id, reset_agents))

    async def rewind_items(self, session_id: str, after_seq: int, *, operation_id: str | None = None) -> RewindResult:
        return await self._call(api.rewind_items(session_id, after_seq, operation_id))

    async def track_agent(self, session_id: str, agent: str) -> SessionInfo:
        return await self._call(api.track_agent(session_id, agent))

    async def get_all_data(self, session_id: str) -> dict[str, Any]:
        return await self._call(api.get_all_data(session_id))

    async def get_data(self, session_id: str, key: str) -> Any:
        return await self._send(api.get_data(session_id, key))

    async def set_data(self, session_id: str, key: str, value: Any) -> None:
        await self._send(api.set_data(session_id, key, value))

    async def update_data(self, session_id: str, key: str, path: Sequence[str], value: Any) -> Any:
        return await self._send(api.update_data(session_id, key, path, value))

    async def delete_data(self, session_id: str, key: str) -> None:
        await self._send(api.delete_data(session_id, key))

    async def list_sessions(self, user_id: str, *, limit: int | None = None, cursor: str | None = None) -> SessionListPage:
        return await self._call(api.list_sessions(user_id, limit, cursor))

    async def list_all_sessions(self, user_id: str, page_size: int = 100) -> AsyncIterator[SessionInfo]:
        cursor: str | None = None
        while True:
            page = await self.list_sessions(user_id, limit=page_size, cursor=cursor)
            for info in page.sessions:
                yield info
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def delete_user(self, user_id: str) -> None:
        await self._send(api.delete_user(user_id))

    async def create_user_token(self, user_id: str, *, ttl_seconds: int | None = None) -> UserToken:
        return await self._call(api.create_user_token(user_id, ttl_seconds))

    async def stream_events(self, session_id: str, *, last_event_id: str | None = None,
                            after_seq: int | None = None) -> AsyncIterator[SessionEvent]:
        while True:
            try:
                headers = stream_headers(await self._headers(), last_event_id)
                async with self._http.stream("GET", api.events(session_id), params=api.events_query(after_seq, last_event_id),
                                             headers=headers, timeout=STREAM_TIMEOUT) as response:
                    if not response.is_success:
                        await response.aread()
                        raise api.api_error(response)
                    parser = EventParser()
                    async for line in response.aiter_lines():
                        for event in parser.feed([line]):
                            last_event_id = event.id
                            yield event
                            if event.type == "deleted":
                                return
            except Exception as error:  # noqa: BLE001 - reopen_after decides, anything else is raised again
                if not reopen_after(error):
                    raise
            await asyncio.sleep(RECONNECT_DELAY)

    async def _call(self, request: api.Request[T]) -> T:
        return cast(T, await self._send(request))

    async def _send(self, request: api.Request[T]) -> T | None:
        for attempt in range(self.options.retries + 1):
            try:
                response = await self._http.request(request.method, request.path, params=request.params,
                                                    headers=await self._headers(request.has_body), content=request.content())
            except Exception as error:
                wait = api.retry_wait(request, attempt, self.options.retries, error)
                if wait is None:
                    raise
            else:
                wait = api.retry_wait(request, attempt, self.options.retries, response)
                if wait is None:
                    return api.result(request, response)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _headers(self, has_body: bool = False) -> dict[str, str]:
        token = self._token() if callable(self._token) else self._token
        if inspect.isawaitable(token):
            token = await token
        return self.options.headers(cast("str | None", token), has_body)
