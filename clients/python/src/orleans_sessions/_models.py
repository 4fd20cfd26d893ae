"""The wire records of the silo's HTTP API v1 as Python values. Items are any JSON objects, returned as sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

JsonObject = dict[str, Any]


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time as the silo writes it (.NET: 0 to 7 fraction digits, "Z" or an offset), on Python 3.10 too,
    whose ``fromisoformat`` takes exactly 3 or 6 fraction digits."""
    if text is None:
        return None
    text = re.sub(r"\.(\d+)", lambda fraction: "." + (fraction[1] + "000000")[:6], text.replace("Z", "+00:00"))
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class TurnUsage:
    """What one turn (an agent run, a model response) used, as an append carries it: ``total_tokens`` defaults to
    input + output, ``requests`` to 1; ``model``, when given, also counts the turn under that model."""
    input_tokens: int
    output_tokens: int
    total_tokens: int | None = None
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    model: str | None = None
    requests: int | None = None

    def to_json(self) -> JsonObject:
        fields = {"inputTokens": self.input_tokens, "outputTokens": self.output_tokens, "totalTokens": self.total_tokens,
                  "cachedTokens": self.cached_tokens, "reasoningTokens": self.reasoning_tokens, "model": self.model,
                  "requests": self.requests}
        return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class UsageTotals:
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cached_tokens: int
    reasoning_tokens: int
    requests: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> UsageTotals:
        return cls(json["inputTokens"], json["outputTokens"], json["totalTokens"], json["cachedTokens"],
                   json["reasoningTokens"], json["requests"])


@dataclass(frozen=True)
class SessionUsage(UsageTotals):
    """A session's usage: the totals of every append that carried usage, and the same per model and per agent."""
    by_model: dict[str, UsageTotals] = field(default_factory=dict)
    by_agent: dict[str, UsageTotals] = field(default_factory=dict)

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> SessionUsage:
        totals = UsageTotals.from_json(json)
        return cls(totals.input_tokens, totals.output_tokens, totals.total_tokens, totals.cached_tokens,
                   totals.reasoning_tokens, totals.requests,
                   {name: UsageTotals.from_json(value) for name, value in (json.get("byModel") or {}).items()},
                   {name: UsageTotals.from_json(value) for name, value in (json.get("byAgent") or {}).items()})


@dataclass(frozen=True)
class ForkOrigin:
    """The session a fork was made from, and the seq through which the fork holds its items (with their seqs)."""
    session_id: str
    seq: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> ForkOrigin:
        return cls(session_id=json["sessionId"], seq=json["seq"])


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    user_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime
    item_count: int
    last_seq: int
    version: int
    current_agent: str | None
    agents_used: list[str]
    metadata: JsonObject | None
    expires_at: datetime | None
    token_total: int = 0
    forked_from: ForkOrigin | None = None
    """For a fork: the source session and the seq it was copied through; None otherwise."""
    max_items: int | None = None
    """The session's item cap (the oldest items are trimmed beyond it); None for none."""
    trimmed_items: int = 0
    """How many items the cap has removed, in all."""
    usage: SessionUsage | None = None
    """Token usage of every append that carried usage; None until one did."""

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> SessionInfo:
        return cls(
            session_id=json["sessionId"],
            user_id=json["userId"],
            title=json.get("title"),
            created_at=parse_time(json["createdAt"]),  # type: ignore[arg-type]
            updated_at=parse_time(json["updatedAt"]),  # type: ignore[arg-type]
            item_count=json["itemCount"],
            last_seq=json["lastSeq"],
            version=json["version"],
            current_agent=json.get("currentAgent"),
            agents_used=list(json.get("agentsUsed") or []),
            metadata=json.get("metadata"),
            expires_at=parse_time(json.get("expiresAt")),
            token_total=json.get("tokenTotal", 0),
            forked_from=ForkOrigin.from_json(json["forkedFrom"]) if json.get("forkedFrom") else None,
            max_items=json.get("maxItems"),
            trimmed_items=json.get("trimmedItems", 0),
            usage=SessionUsage.from_json(json["usage"]) if json.get("usage") else None,
        )


@dataclass(frozen=True)
class StoredItem:
    seq: int
    created_at: datetime
    item: JsonObject

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> StoredItem:
        return cls(seq=json["seq"], created_at=parse_time(json["createdAt"]), item=json["item"])  # type: ignore[arg-type]


@dataclass(frozen=True)
class ItemsPage:
    items: list[StoredItem]
    last_seq: int
    version: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> ItemsPage:
        return cls(items=[StoredItem.from_json(i) for i in json["items"]], last_seq=json["lastSeq"], version=json["version"])


@dataclass(frozen=True)
class AppendResult:
    first_seq: int
    last_seq: int
    count: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> AppendResult:
        return cls(first_seq=json["firstSeq"], last_seq=json["lastSeq"], count=json["count"])


@dataclass(frozen=True)
class RewindResult:
    """What a rewind did: it removed ``removed_count`` items, every one after ``after_seq``. ``last_seq`` does not
    move back: seqs are never reused, so the next append gets ``last_seq + 1``."""
    after_seq: int
    removed_count: int
    last_seq: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> RewindResult:
        return cls(after_seq=json["afterSeq"], removed_count=json["removedCount"], last_seq=json["lastSeq"])


@dataclass(frozen=True)
class SessionListPage:
    sessions: list[SessionInfo]
    next_cursor: str | None

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> SessionListPage:
        return cls(sessions=[SessionInfo.from_json(s) for s in json["sessions"]], next_cursor=json.get("nextCursor"))


@dataclass(frozen=True)
class SessionEvent:
    """One change to a session as the live stream sends it: "append" (with its items), "pop", "clear", "rewind" (the
    items ``first_seq``..``last_seq`` were removed by a rewind), "trim" (the items ``first_seq``..``last_seq``, the
    oldest, were removed by the session's cap), "reset" (read the items afresh: the events since were no longer kept)
    or "deleted" (the end)."""

    id: str
    version: int
    type: str
    first_seq: int
    last_seq: int
    items: list[StoredItem] = field(default_factory=list)

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> SessionEvent:
        return cls(
            id=json["id"], version=json["version"], type=json["type"], first_seq=json["firstSeq"],
            last_seq=json["lastSeq"], items=[StoredItem.from_json(i) for i in json.get("items") or []],
        )


@dataclass(frozen=True)
class UserToken:
    token: str
    token_type: str
    user_id: str
    expires_at: datetime

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> UserToken:
        return cls(token=json["token"], token_type=json["tokenType"], user_id=json["userId"], expires_at=parse_time(json["expiresAt"]))  # type: ignore[arg-type]
