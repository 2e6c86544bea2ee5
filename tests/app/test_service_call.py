"""The two ways the store commands run: through a running service, or in-process."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from app.embedded_mongo import free_port
from app.service_call import admin_session, run_in_process, run_via_service_or_in_process
from app.settings import Settings


async def test_a_running_service_gets_the_command(
    settings: Settings, service: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings.with_(host="0.0.0.0", port=service.port)
    statuses: list[int] = []

    async def remote(base_url: str) -> int:
        async with (
            admin_session(settings) as http,
            http.get(f"{base_url}/api/stores/nope/status") as response,
        ):
            statuses.append(response.status)
        return 7

    async def in_process() -> int:
        raise AssertionError("a service is running")

    assert await run_via_service_or_in_process(settings, "the test", remote, in_process) == 7
    assert statuses == [404]  # signed in: the store is unknown, not the user
    out = capsys.readouterr().out
    assert f"a service is running at http://127.0.0.1:{service.port}: the test goes" in out


async def test_with_no_service_the_command_runs_in_process(settings: Settings) -> None:
    settings = settings.with_(host="127.0.0.1", port=free_port())

    async def remote(base_url: str) -> int:
        raise AssertionError(f"no service runs at {base_url}")

    async def in_process() -> int:
        return 5

    assert await run_via_service_or_in_process(settings, "the test", remote, in_process) == 5


async def test_in_process_needs_the_store(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async def work(runtime: object, store: object) -> str:
        raise AssertionError("no store to work on")

    assert await run_in_process(settings, "nope", work, str) == 2
    assert "no store 'nope'; import it first (vtex-linio import)" in capsys.readouterr().out
