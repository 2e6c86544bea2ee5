"""Dead letters: why (the catalogue's explanation of the failure kind), replay one or a
filtered set through `DeadLetters.replay`."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from app.broker import Message, queue_name
from app.runtime import Runtime
from tests.handlers.admin.conftest import login, post_form, published


async def _dead(runtime: Runtime, n: int, context: str, kind: str, platform: str | None) -> None:
    headers = {"x-failure-kind": kind}
    if platform:
        headers["x-platform"] = platform
    await runtime.dead_letters.record(
        Message(
            id=f"m-{context}-{n}",
            queue=queue_name(context, "acme-mx"),
            body={"kind": "sku", "store_id": "acme-mx", "sku_id": str(n)},
            attempt=10,
            headers=headers,
        ),
        "VTEX answered 503 ten times",
    )


async def test_dead_letters_explain_and_replay_one_or_a_filtered_set(
    service: TestClient, runtime: Runtime
) -> None:
    await _dead(runtime, 1, "catalog", "config", "linio")
    await _dead(runtime, 2, "price", "transient", None)
    await _dead(runtime, 3, "price", "transient", None)
    csrf = await login(service)
    page = await (await service.get("/admin/dead-letters?lang=es")).text()
    assert page.count('class="dead-letter"') == 3
    assert "Seller Center rechazó las credenciales de la tienda acme-mx" in page
    assert "Copia de nuevo la API key" in page  # the action to take
    response = await post_form(
        service, "/admin/dead-letters/replay", csrf, {"message_id": "m-catalog-1"}
    )
    assert response.status == 302
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    assert body["sku_id"] == "1"
    assert await runtime.dead_letters.count() == 2
    again = await post_form(
        service, "/admin/dead-letters/replay", csrf, {"message_id": "m-catalog-1"}
    )
    assert again.status == 404
    assert (await again.json())["error"]["code"] == "unknown_dead_letter"

    response = await post_form(service, "/admin/dead-letters/replay", csrf, {"context": "price"})
    assert response.status == 302
    bodies = await published(runtime.broker, queue_name("price", "acme-mx"), 2)
    assert sorted(b["sku_id"] for b in bodies) == ["2", "3"]
    assert await runtime.dead_letters.count() == 0
    assert (
        "2 mensajes reenviados." in await (await service.get(response.headers["Location"])).text()
    )
