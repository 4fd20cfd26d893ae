"""Live events from Python: every change on any silo, in order, resumed from the last event id."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import threading

from orleans_sessions import AsyncSessionsClient, SessionEvent, SessionsClient
from silos import Cluster

PROBE = {"probe": True}


async def test_events_of_writes_on_another_silo_arrive_in_order_and_end_with_the_deletion(
        cluster: Cluster, async_client: AsyncSessionsClient, user_id: str, session_id: str) -> None:
    await async_client.create_session(user_id, session_id=session_id)
    seen: asyncio.Queue[SessionEvent] = asyncio.Queue()

    async def follow() -> None:
        async with contextlib.aclosing(async_client.stream_events(session_id)) as events:
            async for event in events:
                await seen.put(event)

    follower = asyncio.create_task(follow())
    try:
        async with AsyncSessionsClient(cluster.base_urls[1], api_key=cluster.api_key) as other:
            # A stream starts at the next change: append probes until one arrives, then everything after it must too.
            for n in itertools.count():
                await other.append_items(session_id, [PROBE], operation_id=f"probe-{n}")
                try:
                    first = await asyncio.wait_for(seen.get(), 0.5)
                    break
                except asyncio.TimeoutError:
                    assert n < 60, "the stream delivered no event in 30 s"
            await other.append_items(session_id, [{"n": 1}, {"n": 2}], operation_id="e-1")
            await other.pop_item(session_id)
            await other.clear_items(session_id)
            await other.delete_session(session_id)
        await asyncio.wait_for(follower, 30)
    finally:
        follower.cancel()

    events = [first] + [seen.get_nowait() for _ in range(seen.qsize())]
    after = [e for e in events if not (e.type == "append" and e.items and e.items[0].item == PROBE)]
    assert [e.type for e in after] == ["append", "pop", "clear", "deleted"]
    assert [i.item["n"] for i in after[0].items] in ([1, 2], [1])  # without the popped item if read after the pop
    assert after[0].last_seq - after[0].first_seq == 1
    assert [e.version for e in events] == sorted(e.version for e in events)


def test_the_blocking_stream_resumes_after_an_event_id(client: SessionsClient, user_id: str, session_id: str) -> None:
    client.create_session(user_id, session_id=session_id)
    seen: queue.Queue[SessionEvent] = queue.Queue()

    def follow(last_event_id: str | None, into: queue.Queue[SessionEvent]) -> None:
        for event in client.stream_events(session_id, last_event_id=last_event_id):
            into.put(event)

    threading.Thread(target=follow, args=(None, seen), daemon=True).start()
    for n in itertools.count():
        client.append_items(session_id, [PROBE], operation_id=f"probe-{n}")
        try:
            first = seen.get(timeout=0.5)
            break
        except queue.Empty:
            assert n < 60, "the stream delivered no event in 30 s"
    for n in range(2):
        client.append_items(session_id, [{"n": n}], operation_id=f"r-{n}")
    following = [seen.get(timeout=30) for _ in range(2)]
    while following[0].items[0].item == PROBE:  # probes sent before the first one arrived
        following = following[1:] + [seen.get(timeout=30)]
    assert [e.items[0].item["n"] for e in following] == [0, 1]

    resumed: queue.Queue[SessionEvent] = queue.Queue()
    threading.Thread(target=follow, args=(following[0].id, resumed), daemon=True).start()
    again = resumed.get(timeout=30)
    assert (again.type, again.id, again.items[0].item) == ("append", following[1].id, {"n": 1})
    client.delete_session(session_id)
    assert resumed.get(timeout=30).type == "deleted"
    while seen.get(timeout=30).type != "deleted":  # the first stream ends too, before the test's client closes
        pass
    assert first.type == "append"
