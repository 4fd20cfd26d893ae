"""Usage per turn: AgentSession.store_agent_result records a run's usage, and both clients send and read usage."""

from __future__ import annotations

import pathlib

import pytest

from orleans_sessions import AgentSession, AsyncSessionsClient, BadRequestError, SessionsClient, TurnUsage, UsageTotals


async def test_store_agent_result_records_the_runs_usage_by_agent_and_model(client: SessionsClient, user_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(pathlib.Path(__file__).parent / "sdk_standin"))
    from agents import Agent, Runner

    def get_weather(city: str) -> str:
        return "sunny"

    session = AgentSession.create(user_id, client=client)
    weather = await Runner.run(Agent(name="forecaster", tools=[get_weather]), "What is the weather in Paris?")  # two model calls
    session.store_agent_result(weather, model="scripted")
    chat = await Runner.run(Agent(name="closer"), [{"role": "user", "content": "thanks"}])  # one model call
    session.store_agent_result(chat)

    usage = client.get_session(session.conversation_id).usage
    assert usage is not None
    per_call = (10, 5, 15, 4, 2, 1)
    def times(n: int) -> UsageTotals:
        return UsageTotals(*(n * v for v in per_call))
    assert UsageTotals(usage.input_tokens, usage.output_tokens, usage.total_tokens, usage.cached_tokens,
                       usage.reasoning_tokens, usage.requests) == times(3)
    assert usage.by_agent == {"forecaster": times(2), "closer": times(1)}
    assert usage.by_model == {"scripted": times(2)}


def test_a_result_without_usage_records_none(client: SessionsClient, user_id: str) -> None:
    class Result:
        input = "hi"

        def to_input_list(self) -> list[dict[str, str]]:
            return [{"role": "user", "content": "hi"}]

    session = AgentSession.create(user_id, client=client)
    session.store_agent_result(Result())
    assert client.get_session(session.conversation_id).usage is None


async def test_append_carries_usage_once_per_operation_id_and_bad_usage_is_refused(async_client: AsyncSessionsClient, session_id: str, user_id: str) -> None:
    items = [{"role": "assistant", "content": "hi"}]
    turn = TurnUsage(input_tokens=7, output_tokens=3, cached_tokens=2, model="gpt-x")
    await async_client.append_items(session_id, items, operation_id="op-1", agent="helper", user_id=user_id, usage=turn)
    await async_client.append_items(session_id, items, operation_id="op-1", agent="helper", user_id=user_id, usage=turn)  # a retry
    await async_client.append_items(session_id, items, usage={"inputTokens": 1, "outputTokens": 1, "requests": 2})

    usage = (await async_client.get_session(session_id)).usage
    assert usage is not None
    assert usage.by_model == {"gpt-x": UsageTotals(7, 3, 10, 2, 0, 1)}
    assert usage.by_agent == {"helper": UsageTotals(7, 3, 10, 2, 0, 1)}
    assert (usage.input_tokens, usage.total_tokens, usage.requests) == (8, 12, 3)

    with pytest.raises(BadRequestError) as refused:
        await async_client.append_items(session_id, items, usage={"inputTokens": 1, "outputTokens": 1, "cached_tokens": 1})
    assert refused.value.field == "usage.cached_tokens"
    assert (await async_client.get_session(session_id)).usage == usage
