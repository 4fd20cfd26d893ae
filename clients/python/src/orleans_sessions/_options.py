"""What both clients are configured with, and the headers every request carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable, Union

import httpx

TokenSource = Union[str, Callable[[], str]]
AsyncTokenSource = Union[str, Callable[[], Union[str, Awaitable[str]]]]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@dataclass(frozen=True)
class ClientOptions:
    base_url: str
    """Where the silo (or its load balancer) listens, e.g. "https://sessions.example"."""
    api_key: str | None = None
    """A tenant's API key: for servers only."""
    retries: int = 3
    """How often a request that is safe to repeat is sent again; 0 sends every request once."""
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    limits: httpx.Limits = field(default_factory=lambda: httpx.Limits(max_connections=100, max_keepalive_connections=20))

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http:// or https:// address, not {self.base_url!r}.")
        if self.retries < 0:
            raise ValueError("retries must be 0 or more.")

    def headers(self, token: str | None, has_body: bool = False) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["X-Api-Key"] = self.api_key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def client_arguments(self) -> dict[str, object]:
        return {"base_url": self.base_url.rstrip("/"), "timeout": self.timeout, "limits": self.limits}


def as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout, connect=min(timeout, 5.0))
