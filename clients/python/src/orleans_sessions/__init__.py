"""OrleansSessions for Python: the HTTP API v1 client (sync and asyncio), an OpenAI Agents SDK ``Session``, and the
APIs of redis-openai-agents (``AgentSession``, ``JSONSession``) and openai-agents-session (``RedisSession``)."""

from ._agent_session import AgentSession
from ._async_client import AsyncSessionsClient
from ._client import SessionsClient
from ._errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    SessionsApiError,
    UnauthorizedError,
    UnavailableError,
)
from ._models import (
    AppendResult,
    ForkOrigin,
    ItemsPage,
    RewindResult,
    SessionEvent,
    SessionInfo,
    SessionListPage,
    SessionUsage,
    StoredItem,
    TurnUsage,
    UsageTotals,
    UserToken,
)
from ._requests import new_operation_id
from ._json_session import JSONSession
from ._redis_session import RedisSession
from ._session import OrleansSession, SessionSettings

__all__ = [
    "AgentSession",
    "AppendResult",
    "AsyncSessionsClient",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "ForkOrigin",
    "ItemsPage",
    "JSONSession",
    "NotFoundError",
    "OrleansSession",
    "RateLimitedError",
    "RedisSession",
    "RewindResult",
    "SessionEvent",
    "SessionInfo",
    "SessionListPage",
    "SessionSettings",
    "SessionUsage",
    "SessionsApiError",
    "SessionsClient",
    "StoredItem",
    "TurnUsage",
    "UnauthorizedError",
    "UnavailableError",
    "UsageTotals",
    "UserToken",
    "new_operation_id",
]
