"""OrleansSession as the Agents SDK's Runner uses it (the calls, order and arguments of openai-agents 0.22's Runner,
through tests/sdk_standin/agents.py), and the Session protocol's attributes and signatures as the SDK checks them."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Iterator

import pytest

from orleans_sessions import AgentSession, AsyncSessionsClient, OrleansSession, RedisSession, SessionSettings, SessionsClient

SESSION_METHODS = ("get_items", "add_items", "pop_item", "clear_session")


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent / "sdk_standin"))
    import agents

    agents.Runner.calls = []
    yield agents


def get_weather(city: str) -> str:
    return "sunny" if city == "Paris" else "rainy"


@pytest.mark.parametrize("kind", [OrleansSession, RedisSession, AgentSession])
def test_the_session_protocol_as_the_sdk_reads_it(kind: type, client: SessionsClient, async_client: AsyncSessionsClient) -> None:
    session = AgentSession("u", client=client) if kind is AgentSession else kind("s-1", async_client, user_id="u")
    assert isinstance(session.session_id, str) and session.session_id
    assert session.session_settings.limit is None
    for name in SESSION_METHODS:
        method = getattr(session, name)
        assert inspect.iscoroutinefunction(method), name
        wrapper = inspect.signature(method).parameters["wrapper"]
        assert (wrapper.kind, wrapper.default) == (inspect.Parameter.KEYWORD_ONLY, None), name
    limit = inspect.signature(session.get_items).parameters["limit"]
    assert (limit.kind, limit.default) == (inspect.Parameter.POSITIONAL_OR_KEYWORD, None)
    assert list(inspect.signature(session.add_items).parameters)[0] == "items"
    assert not hasattr(session, "run_compaction")  # the Runner would take it for a compaction-aware session


async def test_two_runs_store_what_the_runner_hands_over_in_its_order(sdk: Any, async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    agent = sdk.Agent(name="weather", tools=[get_weather])
    session = OrleansSession(session_id, async_client, user_id=user_id, ttl=600)

    first = await sdk.Runner.run(agent, "What is the weather in Paris?", session=session, context={"user": user_id})
    assert first.final_output == "The weather in Paris is sunny."
    stored = await session.get_items()
    assert [item.get("type", "input") for item in stored] == ["input", "function_call", "function_call_output", "message"]
    assert stored == [item for name, items in sdk.Runner.calls if name == "add_items" for item in items]
    assert [name for name, _ in sdk.Runner.calls] == ["get_items", "add_items", "add_items", "add_items"]

    second = await sdk.Runner.run(agent, "My name is Ada and I live in Lyon.", session=session)
    assert second.input[:4] == stored  # the Runner read the whole history: no limit, no cap
    assert len(await session.get_items()) == 6
    assert await session.get_items(2) == (await session.get_items())[-2:]
    assert await session.get_items(0) == []

    info = await async_client.get_session(session_id)
    assert (info.user_id, info.item_count) == (user_id, 6) and info.expires_at is not None

    assert await session.pop_item() == second.new_items[-1].to_input_item()  # rewind the last answer
    assert len(await session.get_items()) == 5
    await session.clear_session()
    assert await session.get_items() == [] and await session.pop_item() is None
    assert (await async_client.get_session(session_id)).user_id == user_id  # clearing keeps the session


async def test_session_settings_limit_is_what_the_runner_reads_with(sdk: Any, async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    agent = sdk.Agent(name="weather", tools=[get_weather])
    session = OrleansSession(session_id, async_client, user_id=user_id, session_settings=SessionSettings(limit=2))
    await sdk.Runner.run(agent, "What is the weather in Paris?", session=session)
    second = await sdk.Runner.run(agent, "And in Rome? What is the weather in Rome?", session=session)
    assert sdk.Runner.calls[4] == ("get_items", 2)
    assert len(second.input) == 3  # the newest two items, then the new input
    assert await session.get_items() == (await session.get_items(100))[-2:]


async def test_safe_start_never_begins_with_a_tool_output_whose_call_is_cut_off(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    call = {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"}
    output = {"type": "function_call_output", "call_id": "c1", "output": "sunny"}
    answer = {"role": "assistant", "content": "It is sunny."}
    plain = OrleansSession(session_id, async_client, user_id=user_id)
    await plain.add_items([{"role": "user", "content": "weather?"}, call, output, answer])
    assert await plain.get_items(2) == [output, answer]
    safe = OrleansSession(session_id, async_client, user_id=user_id, safe_start=True)
    assert await safe.get_items(2) == [answer]
    assert await safe.get_items(3) == [call, output, answer]


async def test_a_session_made_by_the_silo_for_a_user_token(cluster: Any, client: SessionsClient, user_id: str) -> None:
    token = client.create_user_token(user_id).token
    async with AsyncSessionsClient(cluster.base_url, token=token) as browser:
        session = await OrleansSession.create(browser, title="chat")
        await session.add_items([{"role": "user", "content": "hi"}])
        assert session.user_id == user_id and await session.get_items() == [{"role": "user", "content": "hi"}]


async def test_the_seeds_redis_session_example_with_only_the_constructor_changed(async_client: AsyncSessionsClient, user_id: str) -> None:
    session = RedisSession(session_id="user-123", client=async_client, user_id=user_id, key_prefix=f"myapp:{user_id}", ttl=3600)
    await session.add_items([
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there!"},
    ])
    items = await session.get_items()
    assert items == [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there!"}]
    recent = await session.get_items(limit=1)
    assert recent == [{"role": "assistant", "content": "Hi there!"}]
    last = await session.pop_item()
    assert last == {"role": "assistant", "content": "Hi there!"}
    await session.clear_session()
    assert await session.get_items() == []
    info = await async_client.get_session(f"myapp:{user_id}:user-123")
    assert info.expires_at is not None and info.item_count == 0


async def test_the_redis_sessions_ttl_restarts_with_reads_too_as_the_seeds_did(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    session = RedisSession(session_id, async_client, user_id=user_id, ttl=3600)
    await session.add_items([{"role": "user", "content": "hi"}])
    written = (await async_client.get_session(session_id)).expires_at
    await asyncio.sleep(2)
    assert (await async_client.get_session(session_id)).expires_at == written  # a plain read leaves it
    await session.get_items()
    read = (await async_client.get_session(session_id)).expires_at
    assert written is not None and read is not None and (read - written).total_seconds() >= 1
