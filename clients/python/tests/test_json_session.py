"""JSONSession (redis-openai-agents), every method, against a real silo."""

from __future__ import annotations

import asyncio

import pytest

from orleans_sessions import AsyncSessionsClient, ConflictError, JSONSession, NotFoundError
from silos import Cluster


async def test_the_seeds_example_with_only_the_constructor_changed(async_client: AsyncSessionsClient, user_id: str) -> None:
    session = JSONSession(session_id=f"abc123-{user_id}", user_id=user_id, client=async_client)
    await session.create()
    await session.add_message(role="user", content="Hello")
    messages = await session.get_messages()
    assert messages == [{"role": "user", "content": "Hello"}]


async def test_messages_agents_tokens_and_metadata(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    session = await JSONSession(session_id, user_id, client=async_client, ttl=600).create()
    await session.add_message("user", "Hi", tokens=3)
    await session.add_message("assistant", "Hello", agent="triage", tokens=5)
    await session.add_message("assistant", "Billing here", agent="billing", tokens=7)
    assert [m["content"] for m in await session.get_messages(role="assistant")] == ["Hello", "Billing here"]
    assert await session.get_messages(limit=1) == [{"role": "assistant", "content": "Billing here"}]
    assert await session.get_messages(limit=1, role="user") == [{"role": "user", "content": "Hi"}]
    assert [m["role"] for m in await session.to_agent_inputs()] == ["user", "assistant", "assistant"]
    await session.track_agent("closing")
    metadata = await session.get_metadata()
    assert {k: metadata[k] for k in ("session_id", "user_id", "message_count", "current_agent", "agents_used", "total_tokens")} == {
        "session_id": session_id, "user_id": user_id, "message_count": 3, "current_agent": "closing",
        "agents_used": ["triage", "billing", "closing"], "total_tokens": 15}
    assert metadata["expires_at"] is not None and "messages" not in metadata


async def test_nested_values_are_kept_and_concurrent_updates_all_land(cluster: Cluster, user_id: str, session_id: str) -> None:
    clients = [AsyncSessionsClient(url, api_key=cluster.api_key) for url in cluster.base_urls]
    try:
        session = JSONSession(session_id, user_id, client=clients[0])
        await session.set("user_preferences", {"theme": "dark", "notifications": {"email": True, "push": False}})
        assert (await session.get("user_preferences"))["notifications"]["email"] is True
        assert await session.get("absent") is None

        writers = [JSONSession(session_id, user_id, client=clients[n % 2]) for n in range(8)]
        await asyncio.gather(*(w.update("counters", ["by", f"writer{n}"], n) for n, w in enumerate(writers)))
        assert (await session.get("counters")) == {"by": {f"writer{n}": n for n in range(8)}}
        assert set(await session.get_all()) == {"user_preferences", "counters"}
    finally:
        for client in clients:
            await client.aclose()


async def test_clear_keeps_values_delete_removes_all_load_finds_the_owner(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    session = JSONSession(session_id, user_id, client=async_client)
    await session.add_message("user", "kept until clear")
    await session.set("state", {"step": 2})
    loaded = await JSONSession.load(session_id, client=async_client)
    assert loaded.user_id == user_id and loaded.session_id == session_id
    await loaded.clear()
    assert await session.get_messages() == [] and await session.get("state") == {"step": 2}
    await session.create()  # its owner's own session exists already: fine
    with pytest.raises(ConflictError):
        await JSONSession(session_id, "another-user", client=async_client).create()
    await session.delete()
    with pytest.raises(NotFoundError):
        await JSONSession.load(session_id, client=async_client)
    assert await session.get_all() == {} and await session.get_messages() == []


async def test_close_releases_the_client(cluster: Cluster, user_id: str, session_id: str) -> None:
    session = JSONSession(session_id, user_id, client=AsyncSessionsClient(cluster.base_url, api_key=cluster.api_key))
    await session.add_message("user", "bye")
    await session.close()
    with pytest.raises(RuntimeError):
        await session.get_messages()
