import asyncio
import io
import json
from contextlib import redirect_stderr

import structlog

from app.broker import Message, queue_name
from app.log_setup import configure_logging
from app.runtime import Runtime
from app.worker import Worker
from domain.stores import Store, StoreCredentials


async def test_worker_consumes_every_store_and_picks_up_new_ones(runtime: Runtime) -> None:
    seen: list[Message] = []

    def factory(*, stores: object, **_: object):
        assert stores is runtime.stores  # a factory gets the resources it names

        async def handle(message: Message) -> None:
            seen.append(message)

        return handle

    async def add_store(account: str) -> str:
        store = Store(
            store_id=f"{account}-mx",
            account=account,
            affiliate_id="LMX",
            sales_channel="1",
            country="MX",
            linio_user_id="a@b.c",
        )
        await runtime.stores.upsert(store)
        return store.store_id

    first = await add_store("alpha")
    worker = Worker(runtime, {"catalog": factory, "stock": factory}, sync_interval=0.05)
    await worker.start()
    try:
        assert worker.queues == {queue_name("catalog", first), queue_name("stock", first)}
        second = await add_store("beta")
        await runtime.broker.publish(queue_name("stock", second), {"sku": "1"})
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.02)
        assert [m.store_id for m in seen] == [second]
    finally:
        await worker.stop()
    assert worker.queues == set()


def test_operator_logs_mask_secrets() -> None:
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "json")
        logger = structlog.get_logger("t")
        logger.info(
            "calling",
            api_key="b1bdb357ced1",
            url="https://x/?Action=A&Signature=abc123",
            payload={"appToken": "tok-999", "IdSku": "1"},
            creds=repr(StoreCredentials(linio_api_key="plain-key-777")),
        )
    configure_logging("WARNING", "console")  # give the other tests their stderr back
    line = stream.getvalue().strip().splitlines()[-1]
    event = json.loads(line)
    assert event["api_key"] == "***" and event["payload"]["appToken"] == "***"
    assert "abc123" not in line and "tok-999" not in line and "plain-key-777" not in line
    assert event["payload"]["IdSku"] == "1"


async def test_worker_runs_its_schedules_with_the_resources_they_name(runtime: Runtime) -> None:
    events: list[str] = []

    class Job:
        def __init__(self, *, settings: object, **_: object) -> None:
            assert settings is runtime.settings

        def start(self) -> None:
            events.append("start")

        async def stop(self) -> None:
            events.append("stop")

    worker = Worker(runtime, {}, schedules={"job": Job}, sync_interval=0.05)
    await worker.start()
    await worker.stop()
    assert events == ["start", "stop"]


def test_the_order_poller_is_scheduled_every_order_poll_interval(runtime: Runtime) -> None:
    from handlers.consumers import SCHEDULES
    from handlers.consumers_orders import OrderPoller

    poller = SCHEDULES["order-poll"](**runtime.resources())
    assert isinstance(poller, OrderPoller)
    assert poller.interval == runtime.settings.order_poll_interval
