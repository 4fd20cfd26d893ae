"""``RedisSession`` of openai-agents-session, stored in the silo."""

from __future__ import annotations

from typing import Any

from ._async_client import AsyncSessionsClient
from ._session import OrleansSession


class RedisSession(OrleansSession):
    """openai-agents-session's ``RedisSession`` (``get_items``, ``add_items``, ``pop_item``, ``clear_session`` with a
    ``ttl``), on the silo: pass an :class:`AsyncSessionsClient` where the seed took a Redis client, and the user who
    owns the conversation. As in the seed, the ``ttl`` restarts with every write and every read; unlike it, a batch
    and its TTL are one step (the seed's RPUSH and EXPIRE were two). With a
    ``key_prefix``, the session's id is ``{key_prefix}:{session_id}`` as the seed's key was."""

    def __init__(self, session_id: str, client: AsyncSessionsClient, *, key_prefix: str | None = None,
                 ttl: int | None = None, user_id: str | None = None, **options: Any) -> None:
        super().__init__(f"{key_prefix}:{session_id}" if key_prefix else session_id, client, user_id=user_id, ttl=ttl,
                         refresh_ttl_on_read=True, **options)
