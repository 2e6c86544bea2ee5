"""What the store commands of the CLI (`vtex-linio load`, `vtex-linio reconcile`) share.

Each runs either way (CLARIFICATIONS §2): when a service answers at HOST:PORT, through its
admin API with the dashboard credentials (`run_via_service_or_in_process`,
`admin_session`), so the CLI never opens the service's data directory a second time; with
no service running, in-process (`run_in_process`): the runtime, worker and consumers of
`serve` around the command's own work, stopped once that work is done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import aiohttp

from app.settings import Settings

if TYPE_CHECKING:
    from app.runtime import Runtime
    from domain.stores import Store

T = TypeVar("T")


def service_url(settings: Settings) -> str:
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    return f"http://{host}:{settings.port}"


async def service_running(base_url: str) -> bool:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http,
            http.get(f"{base_url}/health") as response,
        ):
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError, OSError):
        return False


def admin_session(settings: Settings) -> aiohttp.ClientSession:
    """An HTTP session that signs in to the service's admin API (dashboard credentials)."""
    auth = aiohttp.encode_basic_auth(settings.admin_user, settings.admin_password)
    return aiohttp.ClientSession(headers={"Authorization": auth})


async def run_via_service_or_in_process(
    settings: Settings,
    what: str,
    remote: Callable[[str], Awaitable[int]],
    in_process: Callable[[], Awaitable[int]],
) -> int:
    """`remote(base_url)` when a service answers at HOST:PORT (saying so: "a service is
    running at URL: `what` goes through its admin API"), else `in_process()`; returns the
    exit code of the one that ran."""
    base = service_url(settings)
    if await service_running(base):
        print(f"a service is running at {base}: {what} goes through its admin API")
        return await remote(base)
    return await in_process()


async def run_in_process(
    settings: Settings,
    store_id: str,
    work: Callable[[Runtime, Store], Awaitable[T]],
    summary: Callable[[T], str],
) -> int:
    """Open the runtime of `serve`, find the store, start a worker with every consumer,
    await `work(runtime, store)` and stop the worker; then print `summary` of what `work`
    returned. Exit code 0, or 2 (with a hint) when there is no such store."""
    from app.runtime import open_runtime
    from app.worker import Worker
    from handlers.consumers import CONSUMERS

    async with open_runtime(settings) as runtime:
        store = await runtime.stores.get(store_id)
        if store is None:
            print(f"no store {store_id!r}; import it first (vtex-linio import)")
            return 2
        worker = Worker(runtime, CONSUMERS)
        await worker.start()
        try:
            result = await work(runtime, store)
        finally:
            await worker.stop()
    print(summary(result))
    return 0
