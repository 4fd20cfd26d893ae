"""Many writers on one conversation through two silos: one order, every batch whole, contiguous and stored once."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from orleans_sessions import AsyncSessionsClient, OrleansSession
from silos import Cluster

TASKS = 16
BATCHES = 10
ITEMS_PER_BATCH = 3


async def test_sixteen_tasks_through_two_silos_keep_every_batch_whole_and_once(cluster: Cluster, user_id: str, session_id: str) -> None:
    assert len(cluster.base_urls) == 2
    clients = [AsyncSessionsClient(url, api_key=cluster.api_key) for url in cluster.base_urls]
    try:
        async def writer(task: int) -> None:
            session = OrleansSession(session_id, clients[task % 2], user_id=user_id)
            for batch in range(BATCHES):
                await session.add_items([{"role": "user", "content": f"{task}/{batch}/{part}", "task": task, "batch": batch, "part": part}
                                         for part in range(ITEMS_PER_BATCH)])

        started = time.monotonic()
        await asyncio.gather(*(writer(task) for task in range(TASKS)))
        elapsed = time.monotonic() - started

        page = await clients[1].get_items(session_id)
        total = TASKS * BATCHES * ITEMS_PER_BATCH
        assert [stored.seq for stored in page.items] == list(range(1, total + 1))
        assert page.last_seq == total
        batches: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for stored in page.items:
            batches[(stored.item["task"], stored.item["batch"])].append((stored.seq, stored.item["part"]))
        assert len(batches) == TASKS * BATCHES
        for (task, batch), parts in batches.items():
            first = parts[0][0]
            assert parts == [(first + p, p) for p in range(ITEMS_PER_BATCH)], f"batch {task}/{batch} is not whole and contiguous"
        for task in range(TASKS):
            firsts = [batches[(task, batch)][0][0] for batch in range(BATCHES)]
            assert firsts == sorted(firsts), f"task {task}'s batches are out of its order"
        info = await clients[0].get_session(session_id)
        assert (info.item_count, info.last_seq) == (total, total)
        print(f"\n{TASKS} tasks x {BATCHES} batches of {ITEMS_PER_BATCH} through 2 silos: {TASKS * BATCHES} appends in "
              f"{elapsed:.2f} s ({TASKS * BATCHES / elapsed:.0f} appends/s)")
    finally:
        for client in clients:
            await client.aclose()
