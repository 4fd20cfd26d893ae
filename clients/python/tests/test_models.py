"""The wire records as Python values, without a server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from orleans_sessions._models import parse_time
from orleans_sessions._requests import events_query, fork_session, get_items, retry_wait, rewind_items


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-04T18:49:53+00:00", datetime(2026, 12, 4, 18, 49, 53, tzinfo=timezone.utc)),
    ("2026-12-04T18:49:53.1Z", datetime(2026, 12, 4, 18, 49, 53, 100_000, tzinfo=timezone.utc)),
    ("2026-12-04T18:49:53.12+00:00", datetime(2026, 12, 4, 18, 49, 53, 120_000, tzinfo=timezone.utc)),
    ("2026-12-04T18:49:53.1234567+01:00", datetime(2026, 12, 4, 18, 49, 53, 123_456, tzinfo=timezone(timedelta(hours=1)))),
])
def test_times_as_dotnet_writes_them_parse_on_every_supported_python(text: str, expected: datetime) -> None:
    # .NET drops trailing zeros of the fraction; Python 3.10's fromisoformat takes exactly 3 or 6 digits.
    assert parse_time(text) == expected


@pytest.mark.parametrize(("header", "wait"), [("2", 2.0), ("0", 0.0), ("60", 10.0), ("-1", 1.0), ("nan", 1.0), ("soon", 1.0)])
def test_retry_after_is_followed_within_bounds_and_a_bad_one_falls_back(header: str, wait: float) -> None:
    unavailable = httpx.Response(503, headers={"Retry-After": header})
    assert retry_wait(get_items("s"), 0, 3, unavailable) == wait


def test_a_fork_or_rewind_is_repeatable_only_with_an_operation_id() -> None:
    assert rewind_items("s", 2, "op-1").repeatable and not rewind_items("s", 2).repeatable
    assert rewind_items("s", 0).params == {"afterSeq": "0"}
    assert fork_session("s", operation_id="op-1").repeatable and not fork_session("s", through_seq=3).repeatable


def test_a_stream_sends_after_seq_until_it_has_an_event_id_to_resume_from() -> None:
    assert events_query(0, None) == {"afterSeq": "0"}
    assert events_query(5, "event-7") == {} and events_query(None, None) == {}
