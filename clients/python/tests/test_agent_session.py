"""AgentSession (redis-openai-agents), every method, blocking and async, against a real silo."""

from __future__ import annotations

import time
from typing import Callable

import pytest

from orleans_sessions import AgentSession, NotFoundError, SessionsClient


def test_create_add_read_count_and_metadata(client: SessionsClient, user_id: str) -> None:
    session = AgentSession.create(user_id, client=client, ttl=3600)
    assert len(session.conversation_id) == 16 and session.session_id == session.conversation_id
    assert session.get_messages() == [] and session.message_count() == 0

    session.add_message("user", "My name is Alice", source="web")
    session.store_exchange("Where do I live?", "In Seattle.", agent_name="assistant")
    assert session.get_messages() == [
        {"role": "user", "content": "My name is Alice", "metadata": {"source": "web"}},
        {"role": "user", "content": "Where do I live?"},
        {"role": "assistant", "content": "In Seattle."},
    ]
    assert session.get_messages(top_k=1) == [{"role": "assistant", "content": "In Seattle."}]
    assert session.to_agent_inputs()[0] == {"role": "user", "content": "My name is Alice"}
    assert session.message_count() == 3
    assert session.current_agent == "assistant"

    session.track_agent("billing")
    metadata = session.get_metadata()
    assert {k: metadata[k] for k in ("user_id", "conversation_id", "current_agent", "agents_used", "message_count")} == {
        "user_id": user_id, "conversation_id": session.conversation_id, "current_agent": "billing",
        "agents_used": ["assistant", "billing"], "message_count": 3}
    assert metadata["expires_at"] is not None


def test_reads_have_no_cap(client: SessionsClient, user_id: str) -> None:
    session = AgentSession.create(user_id, client=client)
    for start in range(0, 1200, 400):
        client.append_items(session.conversation_id, [{"role": "user", "content": str(n)} for n in range(start, start + 400)],
                            operation_id=f"bulk-{start}")
    messages = session.get_messages()
    assert len(messages) == 1200 and messages[-1]["content"] == "1199"
    assert session.message_count() == 1200


def test_load_finds_the_owner_and_the_agents(client: SessionsClient, user_id: str) -> None:
    made = AgentSession.create(user_id, client=client)
    made.store_exchange("hi", "hello", agent_name="triage")
    loaded = AgentSession.load(made.conversation_id, client=client)
    assert (loaded.user_id, loaded.current_agent, loaded.agents_used) == (user_id, "triage", ["triage"])
    assert AgentSession.load(made.conversation_id, user_id, client=client).user_id == user_id
    with pytest.raises(NotFoundError):
        AgentSession.load(made.conversation_id, "someone-else", client=client)
    with pytest.raises(NotFoundError):
        AgentSession.load("no-such-conversation", client=client)


def test_listing_clear_and_delete_touch_one_conversation(client: SessionsClient, user_id: str) -> None:
    first = AgentSession.create(user_id, client=client)
    second = AgentSession.create(user_id, client=client)
    first.store_exchange("a", "b", agent_name="one")
    second.store_exchange("c", "d", agent_name="two")
    # A write moves its session up the listing within Sessions:IndexTouchInterval (250 ms), off the write's round trip.
    newest_first = [second.conversation_id, first.conversation_id]
    assert within(5.0, lambda: [s.conversation_id for s in AgentSession.list_conversations(user_id, client=client)] == newest_first)
    assert [s.session_id for s in AgentSession.list_sessions(user_id, client=client)] == [second.conversation_id, first.conversation_id]

    first.clear()
    assert first.get_messages() == [] and first.current_agent is None
    assert first.get_metadata()["agents_used"] == []
    assert second.message_count() == 2 and second.get_metadata()["current_agent"] == "two"

    second.delete()
    assert [s.conversation_id for s in AgentSession.list_conversations(user_id, client=client)] == [first.conversation_id]
    with pytest.raises(NotFoundError):
        second.get_metadata()


def test_a_conversation_made_by_the_constructor_is_stored_by_its_first_write(client: SessionsClient, user_id: str) -> None:
    session = AgentSession(user_id, client=client)
    assert session.get_messages() == []
    session.add_message("user", "first")
    assert AgentSession.load(session.conversation_id, client=client).get_messages() == [{"role": "user", "content": "first"}]


async def test_the_async_versions(client: SessionsClient, user_id: str) -> None:
    session = await AgentSession.acreate(user_id, client=client)
    await session.aadd_message("user", "hi")
    await session.astore_exchange("q", "a", agent_name="helper")
    assert [m["content"] for m in await session.aget_messages()] == ["hi", "q", "a"]
    assert await session.aget_messages(top_k=2) == [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    assert len(await session.ato_agent_inputs()) == 3 and await session.amessage_count() == 3
    await session.atrack_agent("other")
    assert (await session.aget_metadata())["agents_used"] == ["helper", "other"]
    loaded = await AgentSession.aload(session.conversation_id, client=client)
    assert loaded.current_agent == "other"
    assert [s.conversation_id for s in await AgentSession.alist_conversations(user_id, client=client)] == [session.conversation_id]
    assert len(await AgentSession.alist_sessions(user_id, client=client)) == 1
    await session.aclear()
    assert await session.amessage_count() == 0
    await session.adelete()
    assert await AgentSession.alist_conversations(user_id, client=client) == []


async def test_store_agent_result_keeps_every_item_of_the_run_and_its_last_agent(client: SessionsClient, user_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent / "sdk_standin"))
    from agents import Agent, Runner

    def get_weather(city: str) -> str:
        return "sunny"

    session = AgentSession.create(user_id, client=client)
    result = await Runner.run(Agent(name="forecaster", tools=[get_weather]), "What is the weather in Paris?")
    session.store_agent_result(result)
    stored = session.get_messages()
    assert stored == result.to_input_list()
    assert [item.get("type", "message") for item in stored] == ["message", "function_call", "function_call_output", "message"]
    assert session.current_agent == "forecaster" and session.get_metadata()["current_agent"] == "forecaster"

    other_input = [{"role": "user", "content": "unrelated"}]  # a run not given this history: all of it is new
    again = await Runner.run(Agent(name="closer"), other_input)
    session.store_agent_result(again)
    assert session.message_count() == 4 + 2 and session.current_agent == "closer"


def within(seconds: float, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds by the deadline, asked again until then."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
