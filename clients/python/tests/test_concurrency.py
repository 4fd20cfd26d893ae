"""Many writers on one conversation through two silos: one order, every batch whole, contiguous and stored once."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from orleans_sessions import AppendResult, AsyncSessionsClient, OrleansSession
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


async def test_a_rewind_among_writers_on_two_silos_removes_whole_batches_and_only_those_after_its_seq(cluster: Cluster, user_id: str, session_id: str) -> None:
    clients = [AsyncSessionsClient(url, api_key=cluster.api_key) for url in cluster.base_urls]
    acknowledged: dict[tuple[int, int], AppendResult] = {}
    enough = asyncio.Event()
    try:
        await clients[0].create_session(user_id, session_id=session_id)

        async def writer(task: int) -> None:
            for batch in range(BATCHES * 2):
                items = [{"task": task, "batch": batch, "part": part} for part in range(ITEMS_PER_BATCH)]
                acknowledged[(task, batch)] = await clients[task % 2].append_items(session_id, items, operation_id=f"{task}-{batch}")
                if len(acknowledged) >= TASKS * 2:
                    enough.set()

        async def rewinder() -> tuple[int, int, int]:
            await enough.wait()
            after_seq = sorted(result.last_seq for result in acknowledged.values())[TASKS]  # a batch's end, while writers go on
            rewound = await clients[1].rewind_items(session_id, after_seq, operation_id="mid-run")
            return after_seq, rewound.removed_count, rewound.last_seq

        *_, (after_seq, removed_count, last_seq_then) = await asyncio.gather(*(writer(t) for t in range(TASKS)), rewinder())

        page = await clients[0].get_items(session_id)
        stored = {s.seq: s.item for s in page.items}
        assert [s.seq for s in page.items] == sorted(stored)
        removed = 0
        for (task, batch), result in acknowledged.items():
            seqs = range(result.first_seq, result.last_seq + 1)
            rewound = after_seq < result.first_seq <= last_seq_then
            expected = [{"task": task, "batch": batch, "part": part} for part in range(ITEMS_PER_BATCH)]
            if rewound:
                assert not any(seq in stored for seq in seqs), f"batch {task}/{batch} is partly present after the rewind"
                assert expected[0] not in stored.values()
                removed += result.count
            else:
                assert [stored.get(seq) for seq in seqs] == expected, f"batch {task}/{batch} is not wholly present"
        assert removed == removed_count > 0
        print(f"\nrewind after seq {after_seq} among {TASKS} writers: removed {removed_count} items through seq {last_seq_then}; "
              f"{sum(r.first_seq > last_seq_then for r in acknowledged.values())} batches appended after it, last seq {page.last_seq}")
        assert len(stored) == len(acknowledged) * ITEMS_PER_BATCH - removed  # nothing else is stored
        info = await clients[0].get_session(session_id)
        assert info.last_seq == max(result.last_seq for result in acknowledged.values()) == page.last_seq
        assert info.item_count == len(stored)
    finally:
        for client in clients:
            await client.aclose()
