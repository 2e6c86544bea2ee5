"""The simulator refuses what Seller Center refuses, with the platform's exact codes:
identity (parameters, Version, Timestamp, User-Agent, signature), the rolling request
window, the feed quota, faults on demand and the standalone command. Raw signed requests."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from app.embedded_mongo import free_port
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.testing import SellerCenterCaller, serving, signed_query

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")
OTHER = SimSeller(user_id="otro+mx@tienda.mx", api_key="key-456", seller_id="OTRO02")
PRODUCT = (
    "<Request><Product><SellerSku>{sku}</SellerSku><Name>Mesa</Name>"
    "<PrimaryCategory>2001</PrimaryCategory><Description>d</Description><Brand>Acme</Brand>"
    "<Price>100.00</Price><ProductData><ConditionType>Nuevo</ConditionType>"
    "<PackageWeight>3</PackageWeight></ProductData></Product></Request>"
)


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator(
        [SELLER, OTHER], feed_delay=0.0, rate_limit=(30, 1.0), feed_quota=(3, 0.3)
    ) as simulator:
        yield simulator


@pytest.fixture
async def caller(sim: LinioSimulator) -> AsyncIterator[SellerCenterCaller]:
    async with aiohttp.ClientSession() as session:
        yield SellerCenterCaller(sim.url, SELLER, session)


async def test_a_correctly_signed_request_is_answered(caller: SellerCenterCaller) -> None:
    answer = await caller.call("GetBrands")
    assert answer.status == 200 and answer.content_type == "text/xml"
    head = answer.head
    assert (head["RequestAction"], head["ResponseType"]) == ("GetBrands", "Brands")
    stamp = dt.datetime.strptime(head["Timestamp"], "%Y-%m-%dT%H:%M:%S%z")
    assert abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) < 60
    assert head["Timestamp"][-5] in "+-" and ":" not in head["Timestamp"][-5:]  # -0500 style


@pytest.mark.parametrize(
    "stamp",
    [
        lambda now: now.isoformat(timespec="seconds"),  # +00:00
        lambda now: now.strftime("%Y-%m-%dT%H:%M:%S%z"),  # +0000
        lambda now: now.astimezone(dt.timezone(dt.timedelta(hours=-5))).strftime(
            "%Y-%m-%dT%H:%M:%S-05:00"
        ),
    ],
)
async def test_timestamps_with_or_without_colon_are_accepted(
    caller: SellerCenterCaller, stamp: object
) -> None:
    when = stamp(dt.datetime.now(dt.UTC))  # type: ignore[operator]
    answer = await caller.send(signed_query(SELLER, "GetBrands", when=when))
    assert answer.status == 200, answer.text


async def test_wrong_signature_is_login_failed(caller: SellerCenterCaller) -> None:
    answer = await caller.send(signed_query(SELLER, "GetBrands", key="not-the-key"))
    assert answer.status == 400
    assert answer.error == ("7", "E007: Login failed. Signature mismatching")
    head = answer.document["ErrorResponse"]["Head"]
    assert list(head) == ["RequestAction", "ErrorType", "ErrorCode", "ErrorMessage"]
    assert (head["RequestAction"], head["ErrorType"]) == ("GetBrands", "Sender")
    assert answer.document["ErrorResponse"]["Body"] is None  # <Body></Body>, as in fixtures


async def test_a_tampered_parameter_breaks_the_signature(caller: SellerCenterCaller) -> None:
    query = signed_query(SELLER, "GetOrders", Limit="10").replace("Limit=10", "Limit=11")
    assert (await caller.send(query)).error[0] == "7"


async def test_unknown_user_is_login_failed(caller: SellerCenterCaller) -> None:
    stranger = SimSeller(user_id="nadie@x.mx", api_key="key-123", seller_id="ACME01")
    answer = await caller.send(signed_query(stranger, "GetBrands"))
    assert answer.error == ("7", "E007: Login failed. Signature mismatching")


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (dt.timedelta(hours=-1), ("3", "E003: Timestamp has expired")),
        (dt.timedelta(hours=1), ("3", "E003: Timestamp has expired")),  # future: replay guard
        (dt.timedelta(minutes=-5), None),  # inside the 600-s tolerance
    ],
)
async def test_stale_and_future_timestamps_expire(
    caller: SellerCenterCaller, offset: dt.timedelta, expected: tuple[str, str] | None
) -> None:
    answer = await caller.send(
        signed_query(SELLER, "GetBrands", when=dt.datetime.now(dt.UTC) + offset)
    )
    if expected is None:
        assert answer.status == 200
    else:
        assert (answer.status, answer.error) == (400, expected)


@pytest.mark.parametrize("stamp", ["yesterday", "2024-01-15 09:30:00", "2024-01-15T09:30:00"])
async def test_malformed_or_zoneless_timestamp(caller: SellerCenterCaller, stamp: str) -> None:
    answer = await caller.send(signed_query(SELLER, "GetBrands", when=stamp))
    assert answer.error == ("4", "E004: Invalid Timestamp format")


@pytest.mark.parametrize("missing", ["Timestamp", "Version", "Signature", "UserID"])
async def test_missing_mandatory_parameter(caller: SellerCenterCaller, missing: str) -> None:
    query = signed_query(SELLER, "GetBrands", omit=(missing,) if missing != "Signature" else ())
    if missing == "Signature":
        query = query.split("&Signature=")[0]
    answer = await caller.send(query)
    assert answer.error == ("1", f"E001: Parameter {missing} is mandatory")


async def test_version_must_be_1_0(caller: SellerCenterCaller) -> None:
    answer = await caller.send(signed_query(SELLER, "GetBrands", Version="2.0"))
    assert answer.error == ("2", "E002: Invalid Version")


@pytest.mark.parametrize(
    "agent", [None, "", "ACME01", "ACME01/Python", "OTRO02/Python/3.11", "ACME 01/Py/3"]
)
async def test_user_agent_is_mandatory_and_names_the_seller(
    caller: SellerCenterCaller, agent: str | None
) -> None:
    headers = {} if agent is None else {"User-Agent": agent}
    if agent is None:
        headers = {"User-Agent": ""}  # aiohttp would otherwise add its own
    answer = await caller.send(signed_query(SELLER, "GetBrands"), headers=headers)
    assert (answer.status, answer.error) == (400, ("9", "E009: Access Denied"))


async def test_user_agent_may_carry_integrator_and_country(caller: SellerCenterCaller) -> None:
    query = signed_query(SELLER, "GetBrands")
    answer = await caller.send(query, headers={"User-Agent": "ACME01/Python/3.11.7/VTEX/MX"})
    assert answer.status == 200


async def test_unknown_action(caller: SellerCenterCaller) -> None:
    assert (await caller.call("GetUnicorns")).error == ("8", "E008: Invalid Action")


async def test_json_format_answers_the_same_tree(caller: SellerCenterCaller) -> None:
    answer = await caller.call("GetBrands", Format="JSON")
    assert answer.content_type == "application/json"
    document = json.loads(answer.text)
    brands = document["SuccessResponse"]["Body"]["Brands"]["Brand"]
    assert brands[0] == {"BrandId": "1", "Name": "Samsung", "GlobalIdentifier": "samsung"}


async def test_the_31st_request_inside_the_window_is_refused(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    answers = await asyncio.gather(*(caller.call("GetBrands") for _ in range(31)))
    assert sorted(a.status for a in answers) == [200] * 30 + [429]
    [refused] = [a for a in answers if a.status == 429]
    assert refused.error == ("429", "E429: Too many requests")
    await asyncio.sleep(1.05)  # the window rolls on: accepted again
    assert (await caller.call("GetBrands")).status == 200


async def test_the_window_is_per_seller(sim: LinioSimulator, caller: SellerCenterCaller) -> None:
    await asyncio.gather(*(caller.call("GetBrands") for _ in range(30)))
    assert (await caller.call("GetBrands")).status == 429
    other = SellerCenterCaller(sim.url, OTHER, caller.session)
    assert (await other.call("GetBrands")).status == 200


async def test_the_real_window_is_3_seconds() -> None:
    async with serving([SELLER]) as (sim, caller):
        answers = await asyncio.gather(*(caller.call("GetBrands") for _ in range(31)))
        assert [a.status for a in answers].count(429) == 1
        assert sim.rate_limit == (30, 3.0)


async def test_feed_quota_refuses_then_refills(caller: SellerCenterCaller) -> None:
    for n in range(3):
        answer = await caller.call("ProductCreate", body=PRODUCT.format(sku=f"Q{n}"))
        assert answer.status == 200
    refused = await caller.call("Image", body=PRODUCT.format(sku="Q9"))
    assert (refused.status, refused.error) == (
        429,
        ("429", "E429: Too many attempts to create feeds"),
    )
    assert (await caller.call("GetBrands")).status == 200  # reads are not feeds
    await asyncio.sleep(0.35)  # one token per interval
    assert (await caller.call("ProductRemove", body=PRODUCT.format(sku="Q0"))).status == 200
    assert (await caller.call("ProductRemove", body=PRODUCT.format(sku="Q1"))).status == 429


async def test_injected_platform_errors_and_maintenance(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    sim.faults.fail_next(1, status=503)
    sim.faults.maintenance_next(1)
    failed = await caller.call("GetBrands")
    assert failed.status == 503
    assert failed.error == ("6", "E006: Unexpected internal error")
    assert failed.document["ErrorResponse"]["Head"]["ErrorType"] == "Platform"
    page = await caller.call("GetBrands")
    assert (page.status, page.content_type) == (503, "text/html")
    assert "mantenimiento" in page.text
    assert (await caller.call("GetBrands")).status == 200


async def test_held_requests_time_out_on_the_caller(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    sim.faults.timeout_next(1, seconds=0.5)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(caller.call("GetBrands"), timeout=0.1)
    await asyncio.sleep(0.5)
    assert (await caller.call("GetBrands")).status == 200


async def test_slow_platform_and_clear(sim: LinioSimulator, caller: SellerCenterCaller) -> None:
    sim.faults.slow(0.3)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(caller.call("GetBrands"), timeout=0.1)
    sim.faults.clear()
    assert (await caller.call("GetBrands")).status == 200


async def test_a_lost_answer_still_creates_the_feed(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    sim.faults.lose_response_next(1)
    lost = await caller.call("ProductCreate", body=PRODUCT.format(sku="LOST"))
    assert (lost.status, lost.content_type) == (502, "text/html")
    await sim.settle()
    assert "LOST" in sim.products(SELLER.user_id)


async def test_every_request_is_recorded(sim: LinioSimulator, caller: SellerCenterCaller) -> None:
    await caller.call("GetBrands")
    await caller.send(signed_query(SELLER, "GetBrands", key="bad"))
    assert [(r.user_id, r.action, r.status) for r in sim.requests] == [
        (SELLER.user_id, "GetBrands", 200),
        (SELLER.user_id, "GetBrands", 400),
    ]
    assert sim.requests[0].at <= sim.requests[1].at


async def test_standalone_command_serves_a_seller() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators.linio",
        "--port",
        str(port),
        "--seller",
        f"{SELLER.user_id}:{SELLER.api_key}:{SELLER.seller_id}:MX",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        assert f"127.0.0.1:{port}" in banner and SELLER.api_key not in banner
        async with aiohttp.ClientSession() as session:
            caller = SellerCenterCaller(f"http://127.0.0.1:{port}/", SELLER, session)
            assert (await caller.call("GetBrands")).status == 200
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
