"""Canary values in every credential, then every output grepped for them.

The store's Linio API key, VTEX appToken and VTEX cookie, the dashboard password and
SECRET_KEY are distinctive canaries; the store token too (it is shown on the dashboard by
design, and the template's `GET …/config` returns the cookie by contract: those two answers
are the only ones allowed to carry them). Outputs: the DEBUG serve log, every HTTP answer,
secantus.log, the raw `stores` documents, dead letters, and the CLI's import output.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from pathlib import Path

import aiohttp

from app.broker.base import Message
from app.runtime import Runtime
from domain.stores import StoreCredentials
from tests.reliability.service import (
    ADMIN_PASSWORD,
    SECRET_KEY,
    TOKEN,
    Service,
    acme_store,
    data_dir_db,
    running,
    seed_store,
)

LINIO_KEY = "CanaryLinioKey4f1e9b"
APP_TOKEN = "CanaryVtexAppToken77d0"
COOKIE = "CanaryVtexCookie.eyJ9a1"
APP_KEY = "vtexappkey-acme-canary"
CANARIES = (LINIO_KEY, APP_TOKEN, COOKIE, ADMIN_PASSWORD, SECRET_KEY, TOKEN)


def _leaks(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    return [c for c in CANARIES if c in text and c not in allowed]


async def test_no_output_of_the_running_service_carries_a_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    creds = StoreCredentials(
        linio_api_key=LINIO_KEY, vtex_app_key=APP_KEY, vtex_app_token=APP_TOKEN
    )
    await seed_store(data, acme_store(credentials=creds))
    service = Service(data, LOG_LEVEL="DEBUG", LOG_FORMAT="console")
    answers: list[tuple[str, int, str]] = []
    admin = "Basic " + base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    with running(service):
        base = service.url
        config = {"accountName": "acme", "active": True, "affiliateId": "LMX",
                  "salesChannel": "1", "cookie": COOKIE}  # fmt: skip
        requests = [
            ("POST", f"/vtex/{TOKEN}/store-config/notification", json.dumps(config), {}),
            ("POST", f"/vtex/{TOKEN}/catalog/notification",
             '{"IdSku":"1","An":"acme","IdAffiliate":"LMX"}', {"X-Request-Id": TOKEN}),
            ("POST", f"/vtex/{TOKEN}/catalog/notification", "[" * 900, {}),
            ("POST", f"/vtex/{TOKEN}/catalog/notification", '{"IdSku":"x\\ud800"}', {}),
            ("POST", f"/vtex/{TOKEN}/catalog/notification",
             json.dumps({"IdSku": "1", "An": "acme", "IdAffiliate": "LMX",
                         "DateModified": APP_TOKEN * 10}), {}),
            ("POST", f"/catalog/notification?token={TOKEN}x", "{}", {}),
            ("POST", f"/vtex/{TOKEN}/pvt/orders/NOPE-1/cancel", "", {}),
            ("GET", "/_v/vtexlinio/vtex-linio/config", None,
             {"X-VTEX-API-AppKey": APP_KEY, "X-VTEX-API-AppToken": APP_TOKEN + "x"}),
            ("GET", "/acme/logs/", None,
             {"X-VTEX-API-AppKey": APP_KEY, "X-VTEX-API-AppToken": APP_TOKEN + "é"}),
            ("GET", "/admin", None, {"Authorization": "Basic " + base64.b64encode(
                f"admin:{ADMIN_PASSWORD}x".encode()).decode()}),
            ("GET", "/ready", None, {}),
            ("GET", "/health", None, {}),
            ("GET", "/openapi.json", None, {}),
        ]  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for method, path, body, headers in requests:
                async with http.request(
                    method,
                    base + path,
                    data=body,
                    headers={"Content-Type": "application/json", **headers},
                ) as response:
                    answers.append((path, response.status, await response.text()))
            async with http.get(f"{base}/admin/stores", headers={"Authorization": admin}) as page:
                admin_page = await page.text()
            async with http.get(
                f"{base}/_v/vtexlinio/vtex-linio/config",
                headers={"X-VTEX-API-AppKey": APP_KEY, "X-VTEX-API-AppToken": APP_TOKEN},
            ) as contract:
                config_answer = await contract.json()
    assert answers[0][1] == 200 and answers[1][1] == 200, answers[:2]
    for path, status, text in answers:
        assert not _leaks(text), (path, status, _leaks(text))
    # By design: the dashboard shows the token (to paste the URLs), never the credentials.
    assert TOKEN in admin_page and not _leaks(admin_page, allowed=(TOKEN,))
    # By the template contract: the config answer carries the cookie, nothing else secret.
    assert config_answer["cookie"] == COOKIE
    assert not _leaks(json.dumps(config_answer), allowed=(COOKIE,))
    log = service.output()
    assert "embedded_mongo_started" in log and not _leaks(log), _leaks(log)
    assert not _leaks((data / "secantus.log").read_text(errors="replace"))
    async with data_dir_db(data) as db:
        raw = json.dumps([d async for d in db["stores"].find({})], default=str)
    assert not _leaks(raw), _leaks(raw)


async def test_dead_letters_are_masked_by_value(runtime: Runtime, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(
        notification_token=TOKEN,
        credentials=StoreCredentials(linio_api_key=LINIO_KEY, vtex_app_token=APP_TOKEN),
    )
    await runtime.stores.upsert(store)
    message = Message(
        id="m-1",
        queue="catalog.acme-mx",
        body={"store_id": "acme-mx", "sku_id": "1"},
        attempt=10,
        headers={"x-last-error": f"401 for https://x/?an=acme&key={LINIO_KEY} {TOKEN}"},
    )
    await runtime.dead_letters.record(message, f"VTEX said no to {APP_TOKEN} ({TOKEN})")
    [letter] = await runtime.dead_letters.list(store_id="acme-mx")
    text = json.dumps(letter, default=str)
    assert not _leaks(text), _leaks(text)
    assert letter["body"] == {"store_id": "acme-mx", "sku_id": "1"}  # replayable as is


def test_import_never_echoes_a_secret_in_the_wrong_column(tmp_path: Path) -> None:
    header = (
        "vtex_seller_id,name,identifier,store,sellercenter_key,sellercenter_secret,"
        "vtex_api_key,vtex_api_secret,dock_id,has_automatic_guide,trade_policy_id"
    )
    swapped = f"1,Acme,acme,{LINIO_KEY},ops@acme.mx,MX,{APP_KEY},{APP_TOKEN},1,0,1"
    hex_key = "0123456789abcdef0123456789abcdef01234567"
    as_identifier = f"1,Acme,{hex_key},MX,ops@acme.mx,{hex_key},{APP_KEY},{APP_TOKEN},1,0,1"
    for row in (swapped, as_identifier):
        directory = tmp_path / f"csv-{len(row)}"
        directory.mkdir()
        (directory / "seller.csv").write_text(f"{header}\n{row}\n")
        env = {
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": SECRET_KEY,
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "PATH": "/usr/bin:/bin",
        }
        result = subprocess.run(
            [sys.executable, "-m", "app", "import", str(directory)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 2, output  # refused, nothing written
        assert "swapped" in output
        assert LINIO_KEY not in output and APP_TOKEN not in output and hex_key not in output


async def test_canaries_are_distinct_and_long_enough_to_be_masked() -> None:
    await asyncio.sleep(0)
    assert len(set(CANARIES)) == len(CANARIES) and min(map(len, CANARIES)) >= 8


async def test_the_retry_decision_masks_secrets_in_every_header(
    runtime: Runtime,
    make_store,  # type: ignore[no-untyped-def]
) -> None:
    from app.broker.base import RetryPolicy, decide, failure_headers

    store = make_store(
        notification_token=TOKEN, credentials=StoreCredentials(linio_api_key=LINIO_KEY)
    )
    await runtime.stores.upsert(store)  # its secrets become known to the process
    message = Message(id="m-2", queue="catalog.acme-mx", body={}, attempt=10)
    decision = decide(message, RuntimeError(f"boom {LINIO_KEY} {TOKEN}"), RetryPolicy())
    text = json.dumps(failure_headers(message, decision)) + decision.reason
    assert not _leaks(text), _leaks(text)
