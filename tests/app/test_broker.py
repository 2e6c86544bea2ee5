"""The same broker contract, run against RabbitMQ and against the in-process broker."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable

import structlog.testing

from app.broker import Message, Reject, queue_name
from app.broker.dead_letters import AUTO_REPLAY_AFTER
from app.broker.journal import FILENAME, Journal
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from clients.errors import AuthError, TransientError
from tests.reliability.rabbit_faults import delete_store_queues


async def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def journaled(settings: Settings, queue: str) -> list[str]:
    """Ids of `queue`'s messages in the in-process broker's journal, read through a
    connection of its own (as another process would)."""
    journal = Journal(settings.data_dir / FILENAME)
    await journal.open()
    try:
        return [e.id for e in await journal.entries() if e.queue == queue]
    finally:
        await journal.close()


async def test_publish_and_consume(broker_runtime: Runtime, store_id: str) -> None:
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    seen: list[Message] = []

    async def handler(message: Message) -> None:
        seen.append(message)

    ids = [await broker.publish(queue, {"sku": i}) for i in range(20)]
    await broker.consume(queue, handler)
    await wait_for(lambda: len(seen) == 20)
    assert sorted(m.body["sku"] for m in seen) == list(range(20))
    assert {m.id for m in seen} == set(ids)
    assert all(m.store_id == store_id and m.context == "catalog" for m in seen)
    await asyncio.sleep(0.2)
    assert len(seen) == 20  # acknowledged: nothing comes back


async def test_failing_message_is_retried_then_dead_lettered_and_replayable(
    broker_runtime: Runtime, store_id: str
) -> None:
    broker, dead = broker_runtime.broker, broker_runtime.dead_letters
    queue = queue_name("stock", store_id)
    attempts: list[int] = []
    healthy = asyncio.Event()

    async def handler(message: Message) -> None:
        attempts.append(message.attempt)
        if not healthy.is_set():
            raise ConnectionError("VTEX answered 503")

    message_id = await broker.publish(queue, {"sku": "42", "stock": 3})
    await broker.consume(queue, handler)
    await wait_for(lambda: len(attempts) >= 10)
    for _ in range(200):
        if await dead.count(store_id=store_id) == 1:
            break
        await asyncio.sleep(0.05)
    assert attempts == list(range(1, 11))  # at least 10 attempts, as VTEX requires for 5xx
    [letter] = await dead.list(store_id=store_id)
    assert letter["message_id"] == message_id and letter["queue"] == queue
    assert letter["attempts"] == 10 and "503" in letter["reason"]
    assert letter["body"] == {"sku": "42", "stock": 3}

    healthy.set()
    await dead.replay(message_id, broker)
    await wait_for(lambda: len(attempts) == 11)
    assert attempts[-1] == 1  # a fresh attempt budget
    assert await dead.count(store_id=store_id) == 0
    [replayed] = await dead.list(store_id=store_id, status="replayed")
    assert replayed["message_id"] == message_id


async def test_reject_dead_letters_at_once(broker_runtime: Runtime, store_id: str) -> None:
    broker, dead = broker_runtime.broker, broker_runtime.dead_letters
    queue = queue_name("price", store_id)
    calls = 0

    async def handler(message: Message) -> None:
        nonlocal calls
        calls += 1
        raise Reject("SKU 42 does not exist in VTEX")

    await broker.publish(queue, {"sku": "42"})
    await broker.consume(queue, handler)
    for _ in range(200):
        if await dead.count(store_id=store_id):
            break
        await asyncio.sleep(0.05)
    [letter] = await dead.list(store_id=store_id)
    assert calls == 1 and letter["attempts"] == 1 and "does not exist" in letter["reason"]


async def test_work_survives_a_worker_restart(broker_settings: Settings, store_id: str) -> None:
    queue = queue_name("catalog", store_id)
    started = asyncio.Event()

    async def crashing_handler(message: Message) -> None:
        started.set()
        await asyncio.sleep(3600)  # the worker dies before acknowledging

    async with open_runtime(broker_settings) as first:
        first.broker.drain_timeout = 0.2
        await first.broker.publish(queue, {"sku": "7"})
        await first.broker.consume(queue, crashing_handler)
        await asyncio.wait_for(started.wait(), 15)
    # first worker is gone (connection closed / process state dropped)

    received: list[Message] = []

    async def handler(message: Message) -> None:
        received.append(message)

    async with open_runtime(broker_settings) as second:
        await second.broker.consume(queue, handler)
        await wait_for(lambda: len(received) == 1)
        assert received[0].body == {"sku": "7"}
    if broker_settings.amqp_url:
        await delete_store_queues(broker_settings.amqp_url, store_id)


async def test_stopping_lets_messages_in_hand_finish(
    broker_runtime: Runtime, store_id: str
) -> None:
    """A worker told to stop (SIGTERM, a deploy) finishes what it holds and acknowledges
    it: nothing comes back and no error is raised on the closed channel."""
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def handler(message: Message) -> None:
        started.set()
        await release.wait()
        finished.append(message.body["sku"])

    await broker.publish(queue, {"sku": "1"})
    await broker.consume(queue, handler)
    await asyncio.wait_for(started.wait(), 15)
    stopping = asyncio.create_task(broker.stop_consuming(queue))
    await asyncio.sleep(0.2)
    assert not stopping.done()  # waits for the message in hand
    release.set()
    await asyncio.wait_for(stopping, 15)
    assert finished == ["1"]

    again: list[Message] = []

    async def second(message: Message) -> None:
        again.append(message)

    await broker.publish(queue, {"sku": "2"})
    await broker.consume(queue, second)
    await wait_for(lambda: [m.body["sku"] for m in again] == ["2"])
    await asyncio.sleep(0.3)
    assert [m.body["sku"] for m in again] == ["2"]  # "1" was acknowledged


async def test_stopping_cuts_a_stuck_message_and_requeues_it(
    broker_runtime: Runtime, store_id: str
) -> None:
    broker = broker_runtime.broker
    broker.drain_timeout = 0.3
    queue = queue_name("catalog", store_id)
    started = asyncio.Event()
    loop_errors: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))

    async def stuck(message: Message) -> None:
        started.set()
        await asyncio.sleep(3600)

    await broker.publish(queue, {"sku": "9"})
    await broker.consume(queue, stuck)
    await asyncio.wait_for(started.wait(), 15)
    await asyncio.wait_for(broker.stop_consuming(queue), 15)

    received: list[Message] = []

    async def handler(message: Message) -> None:
        received.append(message)

    await broker.consume(queue, handler)
    await wait_for(lambda: len(received) == 1)
    assert received[0].body == {"sku": "9"}
    await asyncio.sleep(0.2)
    loop.set_exception_handler(None)
    assert loop_errors == []


async def test_a_bug_is_logged_as_an_error_with_its_traceback(
    broker_runtime: Runtime, store_id: str
) -> None:
    """An exception outside our error tree is retried like a passing fault, but logged at
    error level with the traceback: its reason alone cannot tell anyone what to fix."""
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    failed = asyncio.Event()

    async def handler(message: Message) -> None:
        failed.set()
        raise KeyError("seller_sku")

    with structlog.testing.capture_logs() as events:
        await broker.publish(queue, {"sku": "1"})
        await broker.consume(queue, handler)
        await asyncio.wait_for(failed.wait(), 15)
        await wait_for(lambda: any(e["event"] == "message_retry_scheduled" for e in events))
        await broker.stop_consuming(queue)
    retry = next(e for e in events if e["event"] == "message_retry_scheduled")
    assert retry["log_level"] == "error" and retry["kind"] == "bug"
    assert isinstance(retry["exc_info"], KeyError)
    assert retry["reason"] == "KeyError: 'seller_sku'" and retry["attempt"] == 2


async def test_a_busy_store_does_not_starve_another(broker_runtime: Runtime) -> None:
    broker = broker_runtime.broker
    busy, quiet = f"b{uuid.uuid4().hex[:8]}", f"q{uuid.uuid4().hex[:8]}"
    order: list[str] = []

    async def handler(message: Message) -> None:
        await asyncio.sleep(0.01)
        order.append(message.store_id)

    busy_queue, quiet_queue = queue_name("catalog", busy), queue_name("catalog", quiet)
    for i in range(400):
        await broker.publish(busy_queue, {"i": i})
    for i in range(5):
        await broker.publish(quiet_queue, {"i": i})
    await broker.consume(busy_queue, handler, prefetch=4)
    await broker.consume(quiet_queue, handler, prefetch=4)
    await wait_for(lambda: order.count(quiet) == 5)
    # The quiet store finished while the busy store still had most of its backlog.
    assert order.count(busy) < 200
    if broker_runtime.settings.amqp_url:
        for store in (busy, quiet):
            await delete_store_queues(broker_runtime.settings.amqp_url, store)


async def test_rabbitmq_connection_loss_loses_nothing(
    settings: Settings, rabbit_url: str, store_id: str
) -> None:
    """The broker drops every connection (as on a restart); consumers and publishers resume."""
    import subprocess

    rabbit_settings = settings.with_(amqp_url=rabbit_url)
    queue = queue_name("catalog", store_id)
    seen: list[int] = []

    async def handler(message: Message) -> None:
        seen.append(message.body["n"])

    async with open_runtime(rabbit_settings) as runtime:
        await runtime.broker.consume(queue, handler)
        await runtime.broker.publish(queue, {"n": 1})
        await wait_for(lambda: seen == [1])
        closed = await asyncio.to_thread(
            subprocess.run,
            ["rabbitmqctl", "close_all_connections", "test: simulated broker restart"],
            capture_output=True,
            timeout=60,
        )
        assert closed.returncode == 0, closed.stderr
        await runtime.broker.publish(queue, {"n": 2})  # waits for the reconnection
        await wait_for(lambda: seen == [1, 2], timeout=30)
    await delete_store_queues(rabbit_url, store_id)


async def test_dead_letters_of_passing_faults_replay_by_themselves(
    broker_runtime: Runtime, store_id: str
) -> None:
    """CLARIFICATIONS §3: a transient dead letter replays once due; a config one waits."""
    broker, dead = broker_runtime.broker, broker_runtime.dead_letters
    queue = queue_name("stock", store_id)
    healthy = asyncio.Event()
    delivered: list[str] = []

    async def handler(message: Message) -> None:
        if message.body["sku"] == "config":
            raise AuthError("E009 Access Denied", code="E009")
        if not healthy.is_set():
            raise TransientError("Seller Center 503")
        delivered.append(message.body["sku"])

    await broker.publish(queue, {"sku": "transient"})
    await broker.publish(queue, {"sku": "config"})
    await broker.consume(queue, handler)
    for _ in range(750):
        if await dead.count(store_id=store_id) == 2:
            break
        await asyncio.sleep(0.02)
    assert await dead.count(store_id=store_id) == 2

    healthy.set()
    assert await dead.replay_passing_faults(broker) == []  # not due yet
    later = dt.datetime.now(dt.UTC) + AUTO_REPLAY_AFTER + dt.timedelta(seconds=1)
    [replayed] = await dead.replay_passing_faults(broker, now=later)
    await wait_for(lambda: delivered == ["transient"])
    [waiting] = await dead.list(store_id=store_id)
    assert waiting["message_id"] != replayed and waiting["headers"]["x-failure-kind"] == "config"


async def test_oldest_at_peeks_at_the_head_without_taking_it(
    broker_runtime: Runtime, store_id: str
) -> None:
    broker = broker_runtime.broker
    queue = queue_name("price", store_id)
    assert await broker.oldest_at(queue) is None
    first = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).isoformat()
    await broker.publish(queue, {"kind": "sku", "at": first})
    await broker.publish(queue, {"kind": "sku", "at": dt.datetime.now(dt.UTC).isoformat()})
    assert await broker.oldest_at(queue) == first
    assert await broker.oldest_at(queue) == first  # handed back, in its place
    seen: list[Message] = []

    async def handler(message: Message) -> None:
        seen.append(message)

    await broker.consume(queue, handler)
    await wait_for(lambda: len(seen) == 2)
    assert seen[0].body["at"] == first and seen[0].attempt == 1


async def test_acknowledgements_leave_the_journal_in_batches_and_on_stop(
    settings: Settings, store_id: str
) -> None:
    """In-process broker: done messages are deleted from the journal by the batch (one
    delete per 50 ids); stopping flushes what is pending, so a restart redelivers nothing
    that was done."""
    queue = queue_name("catalog", store_id)
    done: list[str] = []

    async def handler(message: Message) -> None:
        done.append(message.body["sku"])

    async with open_runtime(settings) as first:
        await first.broker.publish_many([(queue, {"sku": str(n)}) for n in range(120)])
        assert len(await journaled(settings, queue)) == 120
        await first.broker.consume(queue, handler)
        await wait_for(lambda: len(done) == 120)
        await wait_for(lambda: not first.broker._acked)  # flushed within ACK_FLUSH_SECONDS
        assert await journaled(settings, queue) == []
        await first.broker.publish_many([(queue, {"sku": "late"})])
        await wait_for(lambda: "late" in done)
    # closed right after: the pending acknowledgement was flushed on the way out

    again: list[Message] = []

    async def second_handler(message: Message) -> None:
        again.append(message)

    async with open_runtime(settings) as second:
        assert await journaled(settings, queue) == []
        await second.broker.consume(queue, second_handler)
        await asyncio.sleep(0.3)
        assert again == []
