from __future__ import annotations

import uuid
from typing import AsyncIterator, Iterator

import pytest

from orleans_sessions import AsyncSessionsClient, SessionsClient
from silos import Cluster, start_cluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """Two silos of one cluster on one redis-server, for the whole test run."""
    started = start_cluster(silos=2)
    yield started
    started.stop()


@pytest.fixture
def client(cluster: Cluster) -> Iterator[SessionsClient]:
    with SessionsClient(cluster.base_url, api_key=cluster.api_key) as sessions:
        yield sessions


@pytest.fixture
async def async_client(cluster: Cluster) -> AsyncIterator[AsyncSessionsClient]:
    async with AsyncSessionsClient(cluster.base_url, api_key=cluster.api_key) as sessions:
        yield sessions


@pytest.fixture
def user_id() -> str:
    return "user-" + uuid.uuid4().hex[:12]


@pytest.fixture
def session_id() -> str:
    return "s-" + uuid.uuid4().hex
