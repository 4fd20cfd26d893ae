"""SessionsClient and AsyncSessionsClient against a real silo: every route, and errors as problem documents."""

from __future__ import annotations

import pytest

from orleans_sessions import (
    AsyncSessionsClient, BadRequestError, ConflictError, NotFoundError, SessionsClient, UnauthorizedError,
)
from silos import Cluster


def test_a_session_round_trip(client: SessionsClient, user_id: str, session_id: str) -> None:
    info = client.create_session(user_id, session_id=session_id, title="Trip", ttl_seconds=3600, metadata={"plan": "pro"})
    assert (info.session_id, info.user_id, info.title, info.metadata) == (session_id, user_id, "Trip", {"plan": "pro"})
    assert info.expires_at is not None and info.created_at <= info.updated_at

    appended = client.append_items(session_id, [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
                                   operation_id="turn-1", agent="triage", tokens=12)
    assert (appended.first_seq, appended.last_seq, appended.count) == (1, 2, 2)
    again = client.append_items(session_id, [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
                                operation_id="turn-1", agent="triage", tokens=12)
    assert again == appended

    page = client.get_items(session_id)
    assert [s.item["content"] for s in page.items] == ["Hi", "Hello"] and [s.seq for s in page.items] == [1, 2]
    assert [s.item for s in client.get_items(session_id, limit=1).items] == [{"role": "assistant", "content": "Hello"}]
    assert [s.seq for s in client.get_items(session_id, after_seq=1).items] == [2]
    assert [s.item["content"] for s in client.get_items(session_id, role="user").items] == ["Hi"]

    info = client.get_session(session_id)
    assert (info.item_count, info.last_seq, info.current_agent, info.agents_used, info.token_total) == (2, 2, "triage", ["triage"], 12)

    popped = client.pop_item(session_id)
    assert popped is not None and popped.seq == 2 and popped.item["content"] == "Hello"
    assert client.track_agent(session_id, "billing").agents_used == ["triage", "billing"]
    client.clear_items(session_id, reset_agents=True)
    assert client.pop_item(session_id) is None
    assert client.get_session(session_id).current_agent is None

    replaced = client.replace_items(session_id, [{"role": "system", "content": "summary"}], operation_id="compact-1")
    assert replaced.count == 1 and [s.item["content"] for s in client.get_items(session_id).items] == ["summary"]

    client.delete_session(session_id)
    with pytest.raises(NotFoundError) as missing:
        client.get_session(session_id)
    assert missing.value.status == 404 and missing.value.field == "sessionId"


def test_named_values_and_listings(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.create_session(user_id, session_id=session_id)
    assert client.get_data(session_id, "prefs") is None
    client.set_data(session_id, "prefs", {"theme": "dark"})
    client.set_data(session_id, "nothing", None)
    assert client.update_data(session_id, "prefs", ["notifications", "email"], True) == {"theme": "dark", "notifications": {"email": True}}
    assert client.get_all_data(session_id) == {"prefs": {"theme": "dark", "notifications": {"email": True}}, "nothing": None}
    client.delete_data(session_id, "prefs")
    assert client.get_data(session_id, "prefs") is None

    others = [client.create_session(user_id).session_id for _ in range(3)]
    assert [s.session_id for s in client.list_sessions(user_id, limit=2).sessions] == others[::-1][:2]
    assert {s.session_id for s in client.list_all_sessions(user_id, page_size=2)} == {session_id, *others}
    client.delete_user(user_id)
    assert list(client.list_all_sessions(user_id)) == []


def test_problem_documents_become_exceptions_and_change_nothing(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.create_session(user_id, session_id=session_id)
    with pytest.raises(ConflictError) as exists:
        client.create_session(user_id, session_id=session_id)
    assert exists.value.status == 409 and exists.value.field == "sessionId"

    with pytest.raises(BadRequestError) as too_many:
        client.append_items(session_id, [{"n": i} for i in range(1001)], operation_id="big-1")
    assert too_many.value.field == "items" and too_many.value.limit == 1000
    assert too_many.value.type and too_many.value.title and too_many.value.detail
    with pytest.raises(BadRequestError) as too_long:
        client.create_session(user_id, title="x" * 513)
    assert too_long.value.field == "title" and too_long.value.limit == 512

    with pytest.raises(BadRequestError) as bad_id:
        client.append_items(session_id, [{"role": "user", "content": "x"}], operation_id="no spaces allowed")
    assert bad_id.value.field == "operationId" and bad_id.value.limit is None
    with pytest.raises(BadRequestError) as not_objects:
        client.append_items(session_id, ["a string is not an item"], operation_id="op-1")  # type: ignore[list-item]
    assert not_objects.value.field is not None and not_objects.value.field.startswith("items")
    assert client.get_session(session_id).item_count == 0

    client.append_items(session_id, [{"n": 1}], operation_id="op-2")
    with pytest.raises(ConflictError) as reused:
        client.append_items(session_id, [{"n": 2}], operation_id="op-2")
    assert reused.value.field == "operationId"
    assert [s.item for s in client.get_items(session_id).items] == [{"n": 1}]


def test_keys_and_user_tokens(cluster: Cluster, client: SessionsClient, user_id: str) -> None:
    with SessionsClient(cluster.base_url, api_key="osk_not_a_key") as stranger:
        with pytest.raises(UnauthorizedError) as refused:
            stranger.list_sessions(user_id)
        assert refused.value.status == 401

    minted = client.create_user_token(user_id, ttl_seconds=600)
    assert minted.user_id == user_id and minted.token_type == "Bearer" and minted.token
    with SessionsClient(cluster.base_urls[1], token=lambda: minted.token) as browser:
        mine = browser.create_session(title="from a browser")
        assert mine.user_id == user_id
        browser.append_items(mine.session_id, [{"role": "user", "content": "hi"}], operation_id="b-1")
        assert [s.session_id for s in browser.list_sessions(user_id).sessions] == [mine.session_id]
        with pytest.raises(NotFoundError):
            browser.list_sessions("someone-else")


async def test_the_async_client_makes_the_same_calls(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.create_session(user_id, session_id=session_id)
    await async_client.append_items(session_id, [{"role": "user", "content": "a"}], operation_id="a-1")
    assert [s.item for s in (await async_client.get_items(session_id)).items] == [{"role": "user", "content": "a"}]
    await async_client.set_data(session_id, "k", [1, 2])
    assert await async_client.get_data(session_id, "k") == [1, 2]
    assert await async_client.get_data(session_id, "absent") is None
    assert [s.session_id async for s in async_client.list_all_sessions(user_id)] == [session_id]
    popped = await async_client.pop_item(session_id)
    assert popped is not None and popped.item["content"] == "a"
    with pytest.raises(BadRequestError) as bad:
        await async_client.append_items(session_id, [], operation_id="a-2")
    assert bad.value.field == "items"
    await async_client.delete_session(session_id)
    with pytest.raises(NotFoundError):
        await async_client.get_session(session_id)


async def test_a_refused_batch_names_its_field_and_limit_and_stores_nothing(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    from orleans_sessions import OrleansSession

    session = OrleansSession(session_id, async_client, user_id=user_id)
    await session.add_items([{"role": "user", "content": "kept"}])
    with pytest.raises(BadRequestError) as refused:
        await session.add_items([{"n": n} for n in range(1001)])
    assert (refused.value.status, refused.value.field, refused.value.limit) == (400, "items", 1000)
    with pytest.raises(BadRequestError) as deep:
        await session.add_items([{"role": "user", "content": "x"}, nested(70)])
    assert (deep.value.field, deep.value.limit) == ("body", 64)
    assert await session.get_items() == [{"role": "user", "content": "kept"}]


def nested(depth: int) -> dict[str, object]:
    value: dict[str, object] = {"leaf": True}
    for _ in range(depth):
        value = {"child": value}
    return value


def test_a_value_json_cannot_hold_is_refused_before_anything_is_sent(client: SessionsClient, user_id: str, session_id: str) -> None:
    with pytest.raises(ValueError):
        client.append_items(session_id, [{"score": float("nan")}], operation_id="nan-1", user_id=user_id)
    with pytest.raises(NotFoundError):
        client.get_session(session_id)
