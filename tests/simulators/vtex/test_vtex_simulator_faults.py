"""Injected latency, 5xx and 429; the request log; the standalone sandbox process."""

from __future__ import annotations

import asyncio
import sys
import time

import aiohttp

from simulators.vtex import VtexSimulator

IDS_PATH = "/api/catalog_system/pvt/sku/stockkeepingunitidsbysaleschannel"
IDS = f"{IDS_PATH}?sc=2"
SIMULATION = "/api/fulfillment/pvt/orderForms/simulation"


async def _statuses(sim: VtexSimulator, path: str, n: int, method: str = "GET") -> list[int]:
    async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as http:
        out = []
        for _ in range(n):
            async with http.request(method, path, json={"items": []}) as response:
                out.append(response.status)
        return out


async def test_fail_next_answers_the_status_then_recovers() -> None:
    async with VtexSimulator() as sim:
        sim.faults.fail_next(2, status=503)
        assert await _statuses(sim, IDS, 3) == [503, 503, 200]


async def test_throttle_sends_retry_after() -> None:
    async with VtexSimulator() as sim:
        sim.faults.throttle_next(1, retry_after=2.5)
        async with aiohttp.ClientSession(headers=sim.auth_headers()) as http:
            async with http.get(f"{sim.url}{IDS}") as response:
                assert response.status == 429
                assert response.headers["Retry-After"] == "2.5"
            async with http.get(f"{sim.url}{IDS}") as response:
                assert response.status == 200


async def test_faults_can_target_one_api_by_path_prefix() -> None:
    async with VtexSimulator(seed=3) as sim:
        sim.faults.fail_rate(1.0, status=500, path="/api/fulfillment")
        assert await _statuses(sim, IDS, 2) == [200, 200]
        assert await _statuses(sim, SIMULATION, 2, "POST") == [500, 500]
        sim.faults.clear()
        sim.faults.fail_rate(0.5, status=502)
        statuses = await _statuses(sim, IDS, 40)
        assert {502, 200} == set(statuses)  # seeded: both outcomes occur


async def test_latency_delays_every_request() -> None:
    async with VtexSimulator(latency=0.05) as sim:
        started = time.monotonic()
        await _statuses(sim, IDS, 3)
        assert time.monotonic() - started >= 0.15


async def test_a_simulation_costs_a_share_of_latency_per_item() -> None:
    async with VtexSimulator(simulation_item_latency=0.01) as sim:
        items = [{"id": str(i), "quantity": 1, "seller": "1"} for i in range(20)]
        async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as http:
            started = time.monotonic()
            async with http.post(SIMULATION, params={"sc": "1"}, json={"items": items}) as r:
                assert r.status == 200
            assert time.monotonic() - started >= 0.2  # 20 items of 10 ms, a lower bound
        sim.faults.clear()
        assert sim.faults.simulation_item_latency == 0.0


async def test_requests_are_recorded_without_credentials() -> None:
    async with VtexSimulator() as sim:
        sim.faults.fail_next(1)
        await _statuses(sim, IDS, 2)
        async with aiohttp.ClientSession() as http, http.get(f"{sim.url}{IDS}") as r:
            assert r.status == 401
        assert [(r.method, r.path, r.status) for r in sim.requests] == [
            ("GET", IDS_PATH, 503),
            ("GET", IDS_PATH, 200),
            ("GET", IDS_PATH, 401),
        ]
        assert len(sim.requests_to("/api/catalog_system")) == 3
        assert "SIMULATEDTOKEN" not in repr(sim.requests)


async def test_standalone_sandbox_serves_a_generated_catalog() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.vtex", "--port", "0", "--skus", "40",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        url = first.rsplit(" at ", 1)[1].strip()
        rest = (await asyncio.wait_for(process.stdout.read(400), 5)).decode()
        assert "40 SKUs" in rest and "SIMULATEDTOKEN" not in rest
        sim = VtexSimulator()  # same default credentials as the sandbox
        async with aiohttp.ClientSession(headers=sim.auth_headers()) as http:
            async with http.get(f"{url}{IDS}", params={"pageSize": "100"}) as response:
                assert len(await response.json()) == 40
    finally:
        process.terminate()
        await process.wait()
