"""The retry policy the .NET and TypeScript clients share: a read, or a write carrying an operation id, is sent again
after a dropped connection, a 429 or a 503 (as Retry-After says); any other write is sent once."""

from __future__ import annotations

import json
import time
from typing import Iterator

import httpx
import pytest

from orleans_sessions import AsyncSessionsClient, OrleansSession, SessionsClient, UnavailableError
from faulty_proxy import FaultyProxy
from silos import Cluster


@pytest.fixture
def proxy(cluster: Cluster) -> Iterator[FaultyProxy]:
    faulty = FaultyProxy(cluster.base_url)
    yield faulty
    faulty.close()


def appends(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/items")


async def test_an_append_whose_answer_was_lost_is_sent_again_and_stored_once(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = appends
    proxy.faults.drop_after_forwarding = 1
    async with AsyncSessionsClient(proxy.url, api_key=cluster.api_key) as client:
        session = OrleansSession(session_id, client, user_id=user_id)
        await session.add_items([{"role": "user", "content": "once"}, {"role": "assistant", "content": "only once"}])
        assert await session.get_items() == [{"role": "user", "content": "once"}, {"role": "assistant", "content": "only once"}]
        assert (await client.get_session(session_id)).last_seq == 2
    sent = [json.loads(seen.body) for seen in proxy.faults.seen]
    assert len(sent) == 2 and sent[0] == sent[1] and sent[0]["operationId"]


def test_the_blocking_client_repeats_a_lost_append_with_its_operation_id_too(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = appends
    proxy.faults.drop_after_forwarding = 1
    with SessionsClient(proxy.url, api_key=cluster.api_key) as client:
        result = client.append_items(session_id, [{"n": 1}], operation_id="lost-answer", user_id=user_id)
        assert (result.first_seq, result.count) == (1, 1)
        assert client.get_session(session_id).item_count == 1
    assert len(proxy.faults.seen) == 2


def test_a_write_without_an_operation_id_is_sent_once(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = appends
    proxy.faults.drop_after_forwarding = 1
    with SessionsClient(proxy.url, api_key=cluster.api_key) as client:
        with pytest.raises(httpx.TransportError):
            client.append_items(session_id, [{"n": 1}], user_id=user_id)
        assert client.get_session(session_id).item_count == 1  # the silo stored it; the client did not send it twice
    assert len(proxy.faults.seen) == 1


async def test_a_503_is_waited_out_as_retry_after_says(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.unavailable = 1
    proxy.faults.retry_after = 1
    async with AsyncSessionsClient(proxy.url, api_key=cluster.api_key) as client:
        started = time.monotonic()
        await client.append_items(session_id, [{"n": 1}], operation_id="after-503", user_id=user_id)
        waited = time.monotonic() - started
        assert waited >= 1.0
        assert (await client.get_session(session_id)).item_count == 1
    assert len(proxy.faults.seen) == 3  # the refused append, the append again, the read


def test_a_503_for_a_write_that_is_not_safe_to_repeat_is_raised_with_its_retry_after(cluster: Cluster, proxy: FaultyProxy, session_id: str) -> None:
    proxy.faults.unavailable = 1
    proxy.faults.retry_after = 2
    with SessionsClient(proxy.url, api_key=cluster.api_key) as client:
        with pytest.raises(UnavailableError) as refused:
            client.set_data(session_id, "k", 1)
        assert refused.value.status == 503 and refused.value.retry_after == 2
    assert len(proxy.faults.seen) == 1


def test_retries_stop_after_the_configured_count(cluster: Cluster, proxy: FaultyProxy, session_id: str) -> None:
    proxy.faults.unavailable = 5
    proxy.faults.retry_after = 0
    with SessionsClient(proxy.url, api_key=cluster.api_key, retries=2) as client:
        with pytest.raises(UnavailableError):
            client.get_items(session_id)
    assert len(proxy.faults.seen) == 3 and proxy.faults.unavailable == 2


def test_a_fork_whose_answer_was_lost_is_sent_again_with_its_operation_id_and_forks_once(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = lambda method, path: method == "POST" and path.endswith("/fork")
    proxy.faults.drop_after_forwarding = 1
    with SessionsClient(proxy.url, api_key=cluster.api_key) as client:
        client.append_items(session_id, [{"n": 1}], operation_id="first", user_id=user_id)
        fork = client.fork_session(session_id, operation_id="fork-lost")
        assert fork.forked_from is not None and fork.forked_from.session_id == session_id
        assert {s.session_id for s in client.list_all_sessions(user_id)} == {session_id, fork.session_id}
    assert len(proxy.faults.seen) == 2 and proxy.faults.seen[0].body == proxy.faults.seen[1].body


def test_a_fork_without_an_operation_id_is_sent_once(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = lambda method, path: method == "POST" and path.endswith("/fork")
    proxy.faults.drop_after_forwarding = 1
    with SessionsClient(proxy.url, api_key=cluster.api_key) as client:
        client.append_items(session_id, [{"n": 1}], operation_id="first", user_id=user_id)
        with pytest.raises(httpx.TransportError):
            client.fork_session(session_id)
    assert len(proxy.faults.seen) == 1


async def test_a_rewind_whose_answer_was_lost_is_sent_again_with_its_operation_id_and_done_once(cluster: Cluster, proxy: FaultyProxy, user_id: str, session_id: str) -> None:
    proxy.faults.matches = lambda method, path: method == "DELETE" and "/items?" in path
    proxy.faults.drop_after_forwarding = 1
    async with AsyncSessionsClient(proxy.url, api_key=cluster.api_key) as client:
        await client.append_items(session_id, [{"n": 1}, {"n": 2}, {"n": 3}], operation_id="three", user_id=user_id)
        rewound = await client.rewind_items(session_id, 1, operation_id="rewind-lost")
        assert (rewound.after_seq, rewound.removed_count, rewound.last_seq) == (1, 2, 3)
        assert [s.seq for s in (await client.get_items(session_id)).items] == [1]
    assert [seen.path for seen in proxy.faults.seen] == [f"/v1/sessions/{session_id}/items?afterSeq=1&operationId=rewind-lost"] * 2
