"""``JSONSession`` of redis-openai-agents, stored in the silo."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Sequence, TypeVar

from . import _items
from ._async_client import AsyncSessionsClient
from ._errors import ConflictError, SessionsApiError
from ._requests import missing_session, new_operation_id

T = TypeVar("T")
Item = dict[str, Any]


class JSONSession:
    """redis-openai-agents' ``JSONSession`` (async, as in the seed): messages with agent and token counts, agent
    tracking, and named nested JSON values kept with the session, on the silo instead of RedisJSON. Each
    ``add_message`` stores the message, moves the current agent and adds the tokens in one step; concurrent
    ``update``s of nested paths from any process are all kept. Writes create the session for ``user_id`` when it
    does not exist yet (so ``set`` works before ``create``, as the seed's guide uses it)."""

    def __init__(self, session_id: str, user_id: str | None = None, *, client: AsyncSessionsClient,
                 ttl: int | None = None) -> None:
        self._session_id = session_id
        self._user_id = user_id
        self.client = client
        self.ttl = ttl

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def user_id(self) -> str | None:
        return self._user_id

    async def create(self) -> JSONSession:
        """Stores the session now (for ``user_id``, with the TTL). Creating one that this user has already is fine;
        another user's is a :class:`ConflictError`."""
        try:
            await self.client.create_session(self._user_id, session_id=self._session_id, ttl_seconds=self.ttl)
        except ConflictError:
            owner = (await self.client.get_session(self._session_id)).user_id
            if self._user_id is not None and owner != self._user_id:
                raise
            self._user_id = owner
        return self

    @classmethod
    async def load(cls, session_id: str, *, client: AsyncSessionsClient, ttl: int | None = None) -> JSONSession:
        """An existing session, its owner read from the store; :class:`NotFoundError` when there is none."""
        info = await client.get_session(session_id)
        return cls(session_id, info.user_id, client=client, ttl=ttl)

    async def add_message(self, role: str, content: str, agent: str | None = None, tokens: int | None = None) -> None:
        """Appends a message; ``agent`` becomes the current agent and ``tokens`` add to the total, in the same step."""
        await self.client.append_items(self._session_id, [_items.message(role, content)], operation_id=new_operation_id(),
                                       agent=agent, tokens=tokens, user_id=self._user_id, ttl_seconds=self.ttl)

    async def get_messages(self, limit: int | None = None, role: str | None = None) -> list[Item]:
        """The newest ``limit`` messages (all when None), oldest first; with ``role``, only that role's."""
        try:
            page = await self.client.get_items(self._session_id, limit=limit, role=role)
        except SessionsApiError as error:
            if missing_session(error):
                return []
            raise
        return [stored.item for stored in page.items]

    async def to_agent_inputs(self) -> list[Item]:
        return [_items.agent_input(item) for item in await self.get_messages()]

    async def get_metadata(self) -> dict[str, Any]:
        """The session without its messages: owner, times, counts, agents, tokens."""
        info = await self.client.get_session(self._session_id)
        return {
            "session_id": info.session_id, "user_id": info.user_id, "created_at": info.created_at,
            "updated_at": info.updated_at, "message_count": info.item_count, "current_agent": info.current_agent,
            "agents_used": list(info.agents_used), "total_tokens": info.token_total, "expires_at": info.expires_at,
        }

    async def track_agent(self, agent_name: str) -> None:
        await self._when_created(lambda: self.client.track_agent(self._session_id, agent_name))

    async def set(self, key: str, value: Any) -> None:
        """Keeps any JSON value under ``key`` with the session."""
        await self._when_created(lambda: self.client.set_data(self._session_id, key, value))

    async def get(self, key: str) -> Any:
        """The value under ``key``; None when there is none."""
        try:
            return await self.client.get_data(self._session_id, key)
        except SessionsApiError as error:
            if missing_session(error):
                return None
            raise

    async def get_all(self) -> dict[str, Any]:
        """Every named value, as one dict."""
        try:
            return await self.client.get_all_data(self._session_id)
        except SessionsApiError as error:
            if missing_session(error):
                return {}
            raise

    async def update(self, key: str, path: Sequence[str], value: Any) -> Any:
        """Sets one nested path inside the value under ``key`` (objects made on the way) and returns the whole value;
        concurrent updates of other paths are all kept."""
        return await self._when_created(lambda: self.client.update_data(self._session_id, key, path, value))

    async def clear(self) -> None:
        """Removes the messages; the session, its named values and counters stay."""
        try:
            await self.client.clear_items(self._session_id)
        except SessionsApiError as error:
            if not missing_session(error):
                raise

    async def delete(self) -> None:
        """Deletes the session: messages, values and all."""
        await self.client.delete_session(self._session_id)

    async def close(self) -> None:
        """Closes the client's connections (share one client between sessions, and close it once, instead)."""
        await self.client.aclose()

    async def _when_created(self, write: Callable[[], Awaitable[T]]) -> T:
        try:
            return await write()
        except SessionsApiError as error:
            if not missing_session(error):
                raise
        await self.create()
        return await write()
