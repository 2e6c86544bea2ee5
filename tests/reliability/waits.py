"""The one wait of the fault tests: for an event, under a hang guard (CLARIFICATIONS §14)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def until(
    check: Callable[[], Awaitable[bool] | bool],
    what: str,
    *,
    limit: float = 300.0,
    every: float = 0.1,
) -> None:
    """Return once `check()` (plain or awaitable) is true, asking every `every` seconds;
    raise AssertionError naming `what` after `limit` seconds — a guard against hanging,
    never an expectation of speed."""
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        outcome = check()
        if await outcome if isinstance(outcome, Awaitable) else outcome:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"hang guard: still waiting for {what}")
        await asyncio.sleep(every)
