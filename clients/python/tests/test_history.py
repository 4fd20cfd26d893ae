"""Fork, rewind and the item cap from Python, against the real silo: answers, stored items and the live events."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading

import pytest

from orleans_sessions import (
    AsyncSessionsClient, BadRequestError, ForkOrigin, NotFoundError, RewindResult, SessionEvent, SessionsClient,
)


def follow(client: SessionsClient, session_id: str, after_seq: int) -> queue.Queue[SessionEvent]:
    """The session's events from ``after_seq`` on, read by a thread until the "deleted" event."""
    seen: queue.Queue[SessionEvent] = queue.Queue()

    def read() -> None:
        for event in client.stream_events(session_id, after_seq=after_seq):
            seen.put(event)

    threading.Thread(target=read, daemon=True).start()
    return seen


def delete_and_wait(client: SessionsClient, session_id: str, *followers: queue.Queue[SessionEvent]) -> None:
    """Deletes the session and waits until every follower saw it, so no stream outlives the test's client."""
    client.delete_session(session_id)
    for seen in followers:
        while seen.get(timeout=30).type != "deleted":
            pass


def test_a_fork_holds_the_source_through_a_seq_and_a_retry_returns_the_same_fork(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.create_session(user_id, session_id=session_id, title="Source", metadata={"plan": "pro"})
    client.append_items(session_id, [{"n": n} for n in range(1, 6)], operation_id="five")
    client.set_data(session_id, "prefs", {"theme": "dark"})

    fork = client.fork_session(session_id, through_seq=3, title="Branch", operation_id="fork-1")
    assert fork.session_id != session_id and fork.forked_from == ForkOrigin(session_id, 3)
    assert (fork.user_id, fork.title, fork.metadata, fork.item_count, fork.last_seq) == (user_id, "Branch", {"plan": "pro"}, 3, 3)
    source_items = client.get_items(session_id).items
    assert client.get_items(fork.session_id).items == source_items[:3]
    assert client.get_data(fork.session_id, "prefs") == {"theme": "dark"}

    again = client.fork_session(session_id, through_seq=3, title="Branch", operation_id="fork-1")
    assert (again.session_id, again.forked_from, again.item_count) == (fork.session_id, fork.forked_from, 3)
    assert client.append_items(fork.session_id, [{"n": "fork"}]).first_seq == 4  # the fork goes on from its own seqs
    assert client.get_items(session_id).items == source_items

    with pytest.raises(BadRequestError) as beyond:
        client.fork_session(session_id, through_seq=6)
    assert beyond.value.field == "throughSeq" and beyond.value.limit == 5
    with pytest.raises(NotFoundError) as unknown:
        client.fork_session("no-such-" + session_id)
    assert unknown.value.status == 404


async def test_the_async_client_forks_everything_under_a_chosen_id_for_another_user(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.append_items(session_id, [{"n": 1}, {"n": 2}], operation_id="two", user_id=user_id)
    fork = await async_client.fork_session(session_id, new_session_id=session_id + "-copy", user_id=user_id + "-b", ttl_seconds=600)
    assert (fork.session_id, fork.user_id, fork.forked_from, fork.last_seq) == (session_id + "-copy", user_id + "-b", ForkOrigin(session_id, 2), 2)
    assert fork.expires_at is not None
    assert [s.item for s in (await async_client.get_items(fork.session_id)).items] == [{"n": 1}, {"n": 2}]
    assert (await async_client.get_session(session_id)).forked_from is None


def test_a_rewind_removes_the_items_after_a_seq_once_with_one_event(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.append_items(session_id, [{"n": n} for n in range(1, 6)], operation_id="five", user_id=user_id)
    seen = follow(client, session_id, after_seq=0)
    stored = seen.get(timeout=30)
    assert (stored.type, [i.seq for i in stored.items]) == ("append", [1, 2, 3, 4, 5])  # the stream is open from here

    rewound = client.rewind_items(session_id, 2, operation_id="undo-1")
    assert rewound == RewindResult(after_seq=2, removed_count=3, last_seq=5)
    assert client.rewind_items(session_id, 2, operation_id="undo-1") == rewound  # a retry is done once
    info = client.get_session(session_id)
    assert (info.item_count, info.last_seq) == (2, 5)
    assert [s.item["n"] for s in client.get_items(session_id).items] == [1, 2]
    assert client.append_items(session_id, [{"n": "next"}]).first_seq == 6  # seqs are not reused

    event = seen.get(timeout=30)
    assert (event.type, event.first_seq, event.last_seq, event.items) == ("rewind", 3, 5, [])
    following = seen.get(timeout=30)
    assert (following.type, following.first_seq) == ("append", 6)  # the retry made no second rewind event
    with pytest.raises(BadRequestError) as beyond:
        client.rewind_items(session_id, 7)
    assert beyond.value.field == "afterSeq"
    delete_and_wait(client, session_id, seen)


async def test_the_async_client_rewinds_and_a_missing_session_is_not_found(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.append_items(session_id, [{"n": 1}, {"n": 2}, {"n": 3}], user_id=user_id)
    assert await async_client.rewind_items(session_id, 0, operation_id="all") == RewindResult(0, 3, 3)
    assert (await async_client.get_items(session_id)).items == []
    with pytest.raises(NotFoundError):
        await async_client.rewind_items("no-such-" + session_id, 0)


def test_a_session_capped_at_max_items_trims_its_oldest_items_with_a_trim_event(client: SessionsClient, user_id: str, session_id: str) -> None:
    created = client.create_session(user_id, session_id=session_id, max_items=3)
    assert (created.max_items, created.trimmed_items) == (3, 0)
    client.append_items(session_id, [{"n": 1}, {"n": 2}], operation_id="a")
    seen = follow(client, session_id, after_seq=0)
    assert [i.seq for i in seen.get(timeout=30).items] == [1, 2]

    client.append_items(session_id, [{"n": 3}, {"n": 4}, {"n": 5}], operation_id="b")
    info = client.get_session(session_id)
    assert (info.max_items, info.trimmed_items, info.item_count, info.last_seq) == (3, 2, 3, 5)
    assert [s.seq for s in client.get_items(session_id).items] == [3, 4, 5]
    events = [seen.get(timeout=30), seen.get(timeout=30)]
    trims = [(e.first_seq, e.last_seq) for e in events if e.type == "trim"]
    assert trims == [(1, 2)] and [e.type for e in events].count("append") == 1
    delete_and_wait(client, session_id, seen)


async def test_max_items_on_an_append_caps_the_session_from_then_on(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.append_items(session_id, [{"n": n} for n in range(1, 5)], user_id=user_id)
    await async_client.append_items(session_id, [{"n": 5}], operation_id="capped", max_items=2)
    info = await async_client.get_session(session_id)
    assert (info.max_items, info.trimmed_items) == (2, 3)
    assert [s.item["n"] for s in (await async_client.get_items(session_id)).items] == [4, 5]
    with pytest.raises(BadRequestError) as refused:
        await async_client.append_items(session_id, [{"n": 6}], max_items=0)
    assert refused.value.field == "maxItems"
    with pytest.raises(BadRequestError) as too_big:
        await async_client.append_items(session_id, [{"n": 6}, {"n": 7}, {"n": 8}])
    assert too_big.value.limit == 2  # a batch is never split
    assert (await async_client.get_session(session_id)) == info


def test_a_stream_from_after_seq_sends_the_stored_items_once_then_the_changes(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.append_items(session_id, [{"n": n} for n in range(1, 11)], operation_id="ten", user_id=user_id)
    seen = follow(client, session_id, after_seq=0)
    stored = seen.get(timeout=30)
    assert (stored.type, stored.first_seq, stored.last_seq) == ("append", 1, 10)
    assert [i.item["n"] for i in stored.items] == list(range(1, 11))
    client.append_items(session_id, [{"n": 11}], operation_id="eleven")
    assert [i.seq for i in seen.get(timeout=30).items] == [11]

    later = follow(client, session_id, after_seq=8)
    assert [i.seq for i in later.get(timeout=30).items] == [9, 10, 11]
    resumed = next(client.stream_events(session_id, last_event_id=stored.id, after_seq=0))  # the event id wins
    assert [i.seq for i in resumed.items] == [11]
    with pytest.raises(BadRequestError) as refused:
        next(client.stream_events(session_id, after_seq=-1))
    assert refused.value.field == "afterSeq"
    delete_and_wait(client, session_id, seen, later)


async def test_a_stream_opened_beside_writers_gets_every_item_once_in_order(async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.append_items(session_id, [{"w": -1, "b": b} for b in range(5)], operation_id="before", user_id=user_id)
    writers, batches, total = 4, 10, 5 + 4 * 10 * 2
    seqs: list[int] = []
    items: list[dict[str, int]] = []

    async def read() -> None:
        async with contextlib.aclosing(async_client.stream_events(session_id, after_seq=0)) as events:
            async for event in events:
                assert event.type == "append"
                seqs.extend(i.seq for i in event.items)
                items.extend(i.item for i in event.items)
                if event.last_seq == total:
                    return

    async def write(writer: int) -> None:
        for b in range(batches):
            await async_client.append_items(session_id, [{"w": writer, "b": b}, {"w": writer, "b": b}], operation_id=f"w{writer}-{b}")

    reader = asyncio.create_task(read())
    await asyncio.gather(*(write(w) for w in range(writers)))
    await asyncio.wait_for(reader, 30)
    assert seqs == list(range(1, total + 1))
    stored = (await async_client.get_items(session_id)).items
    assert items == [s.item for s in stored]
    for writer in range(writers):
        assert [item["b"] for item in items if item["w"] == writer] == [b for b in range(batches) for _ in range(2)]
