"""The HTTP edges of the real `serve` process: aiohttp's own 400s in the JSON error shape,
idle and half-sent connections cut after READ_TIMEOUT, security headers on pages, the
dashboard login throttled."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
from pathlib import Path

import pytest

from tests.reliability.service import ADMIN_PASSWORD, TOKEN, Service, running, seed_store

READ_TIMEOUT = 2


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    data: Path = tmp_path_factory.mktemp("edges") / "data"
    asyncio.run(seed_store(data))
    with running(Service(data, READ_TIMEOUT=str(READ_TIMEOUT))) as started:
        yield started


def _raw(service: Service, payload: bytes, *, wait: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", service.port), timeout=wait) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def _split(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize(
    "payload",
    [
        b"GET /health?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # line too long
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
        b"BREW /health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # TLS hello on the plain port
    ],
)
def test_protocol_errors_answer_in_the_json_error_shape(service: Service, payload: bytes) -> None:
    response = _raw(service, payload)
    status, headers, body = _split(response)
    assert 400 <= status < 500, response[:200]
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["status"] == status
    assert "Traceback" not in service.output()


def test_idle_and_half_sent_connections_are_cut(service: Service) -> None:
    for payload in (b"", b"POST /health HTTP/1.1\r\nHost: x\r\nContent-"):
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", service.port), timeout=60) as sock:
            if payload:
                sock.sendall(payload)
            assert sock.recv(1024) == b""  # closed by the server, not by our 60 s
        assert time.monotonic() - started < 55


def test_half_sent_body_gets_408(service: Service) -> None:
    payload = (
        f"POST /vtex/{TOKEN}/catalog/notification HTTP/1.1\r\nHost: x\r\n".encode()
        + b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"IdSku"'
    )
    status, _, body = _split(_raw(service, payload, wait=60))
    assert status == 408 and json.loads(body)["error"]["code"] == "request_timeout"


async def test_pages_carry_security_headers_and_login_is_throttled(service: Service) -> None:
    import aiohttp

    good = "Basic " + base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    bad = "Basic " + base64.b64encode(b"admin:wrong-password").decode()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{service.url}/admin", headers={"Authorization": good}) as page:
            assert page.status == 200
            assert page.headers["Cache-Control"] == "no-store"
            assert page.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
            assert page.headers["Referrer-Policy"] == "no-referrer"
        statuses = []
        for _ in range(15):
            async with http.get(f"{service.url}/admin", headers={"Authorization": bad}) as r:
                statuses.append(r.status)
        assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
        async with http.get(f"{service.url}/admin", headers={"Authorization": good}) as r:
            assert r.status == 429 and int(r.headers["Retry-After"]) > 0
