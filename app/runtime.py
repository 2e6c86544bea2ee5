"""The resources a process holds while it runs, opened and closed in one place.

The web app (through `cleanup_ctx`) and the worker both use `open_runtime`, so the order of
start-up and shutdown is written once: storage, then broker, then the outbound HTTP session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from typing import Any

import aiohttp

from app import db_counts
from app.broker import CONTEXTS, Broker, DeadLetters, create_broker, queue_name
from app.broker.heartbeats import ConsumerHeartbeats
from app.broker.stalls import QueueMonitor
from app.client_pool import ClientPool
from app.manifest import Manifest, load_manifest
from app.secrets_box import SecretBox
from app.seller_window import SELLER_WINDOWS
from app.settings import Settings
from app.storage import CONSUMER_HEARTBEATS, Storage, open_storage
from clients.outbound import OutboundPolicy
from domain.catalog.feeds import FeedScheduler
from domain.catalog.intake import NotificationIntake
from domain.catalog.loads import InitialLoads
from domain.catalog.states import SkuStates
from domain.mappings import Mappings, ReferenceCache
from domain.orders.ledger import OrderLedger
from domain.seller_log import SellerLog
from domain.stores import StoreRepository


@dataclass
class Runtime:
    settings: Settings
    manifest: Manifest
    storage: Storage
    broker: Broker
    stores: StoreRepository
    seller_log: SellerLog
    dead_letters: DeadLetters
    http: aiohttp.ClientSession
    outbound: OutboundPolicy
    sku_states: SkuStates
    intake: NotificationIntake
    ledger: OrderLedger
    clients: ClientPool
    feed_scheduler: FeedScheduler
    mappings: Mappings
    reference_cache: ReferenceCache
    loads: InitialLoads
    heartbeats: ConsumerHeartbeats
    queue_monitor: QueueMonitor

    def resources(self) -> dict[str, Any]:
        """Each resource by its field name, for consumer factories (`handlers/consumers.py`)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@asynccontextmanager
async def open_runtime(settings: Settings, *, start_broker: bool = True) -> AsyncIterator[Runtime]:
    manifest = load_manifest()
    async with open_storage(settings) as storage:
        seller_log = SellerLog(storage.db)
        broker = create_broker(settings, storage.db, on_dead=seller_log.dead_letter)
        if start_broker:
            await broker.start()
        http = aiohttp.ClientSession(
            trace_configs=[db_counts.http_trace()],  # calls per pipeline and platform
            timeout=aiohttp.ClientTimeout(total=30, connect=5),
            headers={"User-Agent": f"vtex-linio/{manifest.version}"},
        )
        outbound = manifest.outbound_policy(
            allow_loopback=settings.sandbox or settings.allow_loopback
        )
        sku_states = SkuStates(storage.db)
        intake = NotificationIntake(sku_states, broker)
        stores = StoreRepository(storage.db, SecretBox(settings.secret_key))
        await stores.migrate_tokens()  # plaintext tokens of older versions -> hash + cipher
        heartbeats = ConsumerHeartbeats(storage.db[CONSUMER_HEARTBEATS])

        async def store_queues() -> list[str]:
            return [queue_name(c, s) for s in await stores.ids() for c in CONTEXTS]

        queue_monitor = QueueMonitor(
            broker, heartbeats, store_queues, stall_seconds=settings.queue_stall_seconds
        )
        try:
            yield Runtime(
                settings=settings,
                manifest=manifest,
                storage=storage,
                broker=broker,
                stores=stores,
                seller_log=seller_log,
                dead_letters=DeadLetters(storage.db),
                http=http,
                outbound=outbound,
                sku_states=sku_states,
                intake=intake,
                ledger=OrderLedger(storage.db),
                clients=ClientPool(http, outbound, windows=storage.db[SELLER_WINDOWS]),
                feed_scheduler=FeedScheduler(storage.db, broker),
                mappings=Mappings(storage.db, broker),
                reference_cache=ReferenceCache(storage.db, memo_seconds=30.0),
                loads=InitialLoads(storage.db),
                heartbeats=heartbeats,
                queue_monitor=queue_monitor,
            )
        finally:
            await queue_monitor.stop()
            await intake.close()
            await http.close()
            await broker.close()
