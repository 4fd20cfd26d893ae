"""``AgentSession`` of redis-openai-agents, stored in the silo."""

from __future__ import annotations

import uuid
from typing import Any, Sequence

from . import _items
from ._client import SessionsClient
from ._errors import NotFoundError, SessionsApiError
from ._models import SessionInfo, TurnUsage
from ._requests import missing_session, new_operation_id
from ._session import SessionSettings
from ._threads import in_thread

Item = dict[str, Any]


class AgentSession:
    """One user's conversation with redis-openai-agents' ``AgentSession`` API, kept by the silo — and what that
    library's documentation promises where its code falls short: ``load`` needs only the conversation id (the owner
    comes from the store), ``list_conversations`` lists (every page), ``store_agent_result`` keeps every item of the
    run (tool calls and their outputs, reasoning, handoffs: not only text, and no regex unwrapping of handoff
    summaries), reads have no hidden cap (the seed's stopped at 1,000), agent tracking is stored with the
    conversation, ``clear`` empties this conversation only, and ``delete`` removes it from the owner's listing.

    It is also an Agents SDK ``Session`` (``session_id``, ``session_settings``, ``get_items``, ``add_items``,
    ``pop_item``, ``clear_session``), so ``Runner.run(agent, input, session=agent_session)`` works as the seed's
    example shows. The ``a…`` methods run the blocking call in a worker thread, as the seed's do; an asyncio
    backend that wants no threads uses :class:`OrleansSession` with an :class:`AsyncSessionsClient`.
    """

    def __init__(self, user_id: str, conversation_id: str | None = None, *, client: SessionsClient,
                 ttl: int | None = None, safe_start: bool = True, session_settings: Any = None) -> None:
        self.user_id = user_id
        self.conversation_id = conversation_id or uuid.uuid4().hex[:16]
        self.client = client
        self.ttl = ttl
        self.safe_start = safe_start
        """Newest-N reads never start with a tool output whose call was cut off (on by default)."""
        self.session_settings = session_settings if session_settings is not None else SessionSettings()
        self._current_agent: str | None = None
        self._agents_used: list[str] = []

    @classmethod
    def create(cls, user_id: str, *, client: SessionsClient, ttl: int | None = None, title: str | None = None,
               conversation_id: str | None = None, safe_start: bool = True) -> AgentSession:
        """A new conversation for ``user_id`` (its id generated unless given), stored at once so listings show it."""
        session = cls(user_id, conversation_id, client=client, ttl=ttl, safe_start=safe_start)
        client.create_session(user_id, session_id=session.conversation_id, title=title, ttl_seconds=ttl)
        return session

    @classmethod
    def load(cls, conversation_id: str, user_id: str | None = None, *, client: SessionsClient,
             safe_start: bool = True) -> AgentSession:
        """An existing conversation by its id; its owner and agent tracking come from the store. With ``user_id``,
        a conversation of another user is not found. Raises :class:`NotFoundError` when there is none."""
        info = client.get_session(conversation_id)
        if user_id is not None and info.user_id != user_id:
            raise NotFoundError(404, {"title": "Not found", "field": "sessionId",
                                      "detail": f"User {user_id} has no conversation {conversation_id}."})
        return cls._from(info, client, safe_start)

    @classmethod
    def list_conversations(cls, user_id: str, *, client: SessionsClient) -> list[AgentSession]:
        """Every conversation of the user, most recently active first."""
        return [cls._from(info, client, True) for info in client.list_all_sessions(user_id)]

    @classmethod
    def list_sessions(cls, user_id: str, *, client: SessionsClient) -> list[SessionInfo]:
        """What the seed's guide calls: the user's conversations as records (id, title, times, counts), newest first."""
        return list(client.list_all_sessions(user_id))

    @property
    def session_id(self) -> str:
        return self.conversation_id

    @property
    def current_agent(self) -> str | None:
        """The agent last tracked, as of this object's last call."""
        return self._current_agent

    @property
    def agents_used(self) -> list[str]:
        return list(self._agents_used)

    def add_message(self, role: str, content: str, **metadata: Any) -> None:
        """Appends one message; ``metadata`` is kept with it (under "metadata", which ``to_agent_inputs`` drops)."""
        self._append([_items.message(role, content, metadata)], None)

    def store_exchange(self, user_message: str, assistant_response: str, agent_name: str | None = None) -> None:
        """Stores the user's message and the answer as one batch, with the agent that answered."""
        self._append([_items.message("user", user_message), _items.message("assistant", assistant_response)], agent_name)

    def store_agent_result(self, result: Any, *, model: str | None = None) -> None:
        """Stores what a ``Runner.run`` (or a consumed ``Runner.run_streamed``) result holds, from its
        ``to_input_list()``, as one batch, and its last agent as the current agent in the same step. When the run
        was given this conversation's history followed by new input (``to_agent_inputs() + [...]``), the history is
        not stored again. The run's usage (``result.context_wrapper.usage``), when it has one, is added to the
        conversation's usage in the same step, by agent and, when ``model`` names it, by model."""
        items = _items.result_items(result, self.get_messages)
        agent = _items.last_agent_name(result)
        if items:
            self._append(items, agent, _items.run_usage(result, model))
        elif agent is not None:
            self.track_agent(agent)

    def get_messages(self, top_k: int | None = None) -> list[Item]:
        """The newest ``top_k`` items (all when None: no cap), oldest first, as stored."""
        try:
            page = self.client.get_items(self.conversation_id, limit=top_k, safe_start=self.safe_start and top_k is not None)
        except SessionsApiError as error:
            if missing_session(error):
                return []  # made here but never written
            raise
        return [stored.item for stored in page.items]

    def to_agent_inputs(self) -> list[Item]:
        """The whole conversation as Agents SDK input items."""
        return [_items.agent_input(item) for item in self.get_messages()]

    def message_count(self) -> int:
        return self.client.get_session(self.conversation_id).item_count

    def track_agent(self, agent_name: str) -> None:
        """Records ``agent_name`` as the current agent, stored with the conversation."""
        self._remember(self.client.track_agent(self.conversation_id, agent_name))

    def get_metadata(self) -> dict[str, Any]:
        info = self.client.get_session(self.conversation_id)
        self._remember(info)
        return {
            "user_id": info.user_id, "conversation_id": info.session_id, "current_agent": info.current_agent,
            "agents_used": list(info.agents_used), "message_count": info.item_count, "title": info.title,
            "created_at": info.created_at, "updated_at": info.updated_at, "expires_at": info.expires_at,
            "token_total": info.token_total,
        }

    def clear(self) -> None:
        """Removes this conversation's items and agent tracking; other conversations are untouched."""
        self.client.clear_items(self.conversation_id, reset_agents=True)
        self._current_agent, self._agents_used = None, []

    def delete(self) -> None:
        """Deletes the conversation and removes it from its owner's listing."""
        self.client.delete_session(self.conversation_id)
        self._current_agent, self._agents_used = None, []

    acreate = classmethod(in_thread(create.__func__))  # type: ignore[attr-defined]
    aload = classmethod(in_thread(load.__func__))  # type: ignore[attr-defined]
    alist_conversations = classmethod(in_thread(list_conversations.__func__))  # type: ignore[attr-defined]
    alist_sessions = classmethod(in_thread(list_sessions.__func__))  # type: ignore[attr-defined]
    aadd_message = in_thread(add_message)
    astore_exchange = in_thread(store_exchange)
    astore_agent_result = in_thread(store_agent_result)
    aget_messages = in_thread(get_messages)
    ato_agent_inputs = in_thread(to_agent_inputs)
    amessage_count = in_thread(message_count)
    atrack_agent = in_thread(track_agent)
    aget_metadata = in_thread(get_metadata)
    aclear = in_thread(clear)
    adelete = in_thread(delete)

    async def get_items(self, limit: int | None = None, *, wrapper: Any = None) -> list[Item]:
        """Agents SDK ``Session``: the newest ``limit`` items (``session_settings.limit`` when None), oldest first."""
        if limit is None:
            limit = getattr(self.session_settings, "limit", None)
        return [] if limit is not None and limit <= 0 else await self.aget_messages(limit)

    async def add_items(self, items: Sequence[Item], *, wrapper: Any = None) -> None:
        if items:
            await in_thread(self._append)([_items.as_dict(item) for item in items], None)

    async def pop_item(self, *, wrapper: Any = None) -> Item | None:
        return await in_thread(self._pop)()

    async def clear_session(self, *, wrapper: Any = None) -> None:
        await in_thread(self._clear_items)()

    @classmethod
    def _from(cls, info: SessionInfo, client: SessionsClient, safe_start: bool) -> AgentSession:
        session = cls(info.user_id, info.session_id, client=client, safe_start=safe_start)
        session._remember(info)
        return session

    def _pop(self) -> Item | None:
        try:
            stored = self.client.pop_item(self.conversation_id)
        except SessionsApiError as error:
            if missing_session(error):
                return None
            raise
        return None if stored is None else stored.item

    def _clear_items(self) -> None:
        try:
            self.client.clear_items(self.conversation_id)
        except SessionsApiError as error:
            if not missing_session(error):
                raise

    def _append(self, items: Sequence[Item], agent: str | None, usage: TurnUsage | None = None) -> None:
        self.client.append_items(self.conversation_id, items, operation_id=new_operation_id(), agent=agent,
                                 user_id=self.user_id, ttl_seconds=self.ttl, usage=usage)
        if agent is not None:
            self._current_agent = agent
            if agent not in self._agents_used:
                self._agents_used.append(agent)

    def _remember(self, info: SessionInfo) -> None:
        self._current_agent, self._agents_used = info.current_agent, list(info.agents_used)
