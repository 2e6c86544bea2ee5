"""The status report's reuse (`StatusMemo`): polling at any rate costs the database at most
a tenth of its time, and a new load is never shown the previous one's report."""

from __future__ import annotations

import asyncio

from handlers.store_status import StatusMemo


async def test_a_report_is_reused_for_ten_times_what_it_took() -> None:
    made: list[int] = []

    async def make() -> dict[str, int]:
        await asyncio.sleep(0.02)  # a report that takes 20 ms is kept about 200 ms
        made.append(len(made))
        return {"n": len(made)}

    memo = StatusMemo()
    first = await memo.get("acme-mx", make)
    assert await memo.get("acme-mx", make) == first and len(made) == 1
    assert (await memo.get("other", make))["n"] == 2  # per store
    await asyncio.sleep(0.4)
    assert (await memo.get("acme-mx", make))["n"] == 3
    memo.forget("acme-mx")
    assert (await memo.get("acme-mx", make))["n"] == 4


async def test_the_reuse_has_a_cap() -> None:
    async def make() -> dict[str, bool]:
        await asyncio.sleep(0.05)
        return {"ok": True}

    memo = StatusMemo(share=10.0, cap=0.01)
    await memo.get("acme-mx", make)
    await asyncio.sleep(0.02)
    calls = 0

    async def counted() -> dict[str, bool]:
        nonlocal calls
        calls += 1
        return {"ok": True}

    await memo.get("acme-mx", counted)
    assert calls == 1
