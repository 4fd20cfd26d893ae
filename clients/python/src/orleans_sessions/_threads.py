"""Async versions of blocking methods, run in a worker thread as the seed libraries' ``a…`` methods are."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Awaitable, Callable, TypeVar

R = TypeVar("R")


def in_thread(method: Callable[..., R]) -> Callable[..., Awaitable[R]]:
    @functools.wraps(method)
    async def run(*args: Any, **kwargs: Any) -> R:
        return await asyncio.to_thread(method, *args, **kwargs)

    run.__doc__ = f"Async version of ``{method.__name__}`` (the blocking call runs in a worker thread)."
    return run
