"""The OpenAI Agents SDK's ``Session``, stored in the silo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from . import _requests as api
from ._async_client import AsyncSessionsClient
from ._errors import SessionsApiError

Item = dict[str, Any]


@dataclass
class SessionSettings:
    """The Agents SDK's ``SessionSettings`` as far as a session reads it (the SDK's own class works as well)."""

    limit: int | None = None
    """How many of the newest items ``get_items()`` returns when called without a limit; None for all."""


class OrleansSession:
    """An OpenAI Agents SDK ``Session`` (``Runner.run(agent, input, session=OrleansSession(...))``) stored in the silo:
    one order across every process and silo that writes the same ``session_id``, each ``add_items`` batch stored whole
    and once (it carries an operation id of its own, so the client's retries store it once), TTL set with the write.

    ``user_id`` owns the session when a write creates it (required with an API key; with a user token, make the
    session with :meth:`create`). ``ttl`` (seconds) restarts with every write. ``safe_start`` keeps ``get_items`` from
    returning a tool output whose call the limit cut off. The SDK's run context (``wrapper``) is accepted by every
    method and not used: the owner is fixed when the session is made, so a run's context cannot move a conversation
    to another user.
    """

    def __init__(self, session_id: str, client: AsyncSessionsClient, *, user_id: str | None = None,
                 ttl: int | None = None, title: str | None = None, session_settings: Any = None,
                 safe_start: bool = False, refresh_ttl_on_read: bool = False) -> None:
        if not isinstance(session_id, str) or not session_id:
            raise ValueError("session_id must be a non-empty string.")
        if ttl is not None and ttl <= 0:
            raise ValueError("ttl must be a positive number of seconds.")
        self.session_id = session_id
        self.session_settings = session_settings if session_settings is not None else SessionSettings()
        self.client = client
        self.user_id = user_id
        self.ttl = ttl
        self.title = title
        self.safe_start = safe_start
        self.refresh_ttl_on_read = refresh_ttl_on_read

    @classmethod
    async def create(cls, client: AsyncSessionsClient, *, user_id: str | None = None, ttl: int | None = None,
                     title: str | None = None, metadata: Mapping[str, Any] | None = None, **options: Any) -> OrleansSession:
        """A new conversation with an id the silo chooses (the way to start one with a user token)."""
        info = await client.create_session(user_id, title=title, ttl_seconds=ttl, metadata=metadata)
        return cls(info.session_id, client, user_id=info.user_id, ttl=ttl, title=title, **options)

    async def get_items(self, limit: int | None = None, *, wrapper: Any = None) -> list[Item]:
        """The newest ``limit`` items, oldest first (``session_settings.limit`` when no limit is given; all when
        neither is set: no hidden cap). A session that does not exist yet has none."""
        if limit is None:
            limit = getattr(self.session_settings, "limit", None)
        if limit is not None and limit <= 0:
            return []
        try:
            page = await self.client.get_items(self.session_id, limit=limit, safe_start=self.safe_start,
                                               refresh_ttl=self.refresh_ttl_on_read and self.ttl is not None)
        except SessionsApiError as error:
            if api.missing_session(error):
                return []
            raise
        return [stored.item for stored in page.items]

    async def add_items(self, items: Sequence[Item], *, wrapper: Any = None) -> None:
        """Appends the batch in one step, creating the session for ``user_id`` when it is missing."""
        if not items:
            return
        await self.client.append_items(self.session_id, list(items), operation_id=api.new_operation_id(),
                                       user_id=self.user_id, ttl_seconds=self.ttl)

    async def pop_item(self, *, wrapper: Any = None) -> Item | None:
        """Removes and returns the newest item (never the same one to two callers); None when there is none."""
        try:
            stored = await self.client.pop_item(self.session_id)
        except SessionsApiError as error:
            if api.missing_session(error):
                return None
            raise
        return None if stored is None else stored.item

    async def clear_session(self, *, wrapper: Any = None) -> None:
        """Removes every item; the session itself (owner, counters, data) stays."""
        try:
            await self.client.clear_items(self.session_id)
        except SessionsApiError as error:
            if not api.missing_session(error):
                raise
