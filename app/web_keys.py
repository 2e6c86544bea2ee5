"""Typed keys of the aiohttp application, one per resource (aiohttp's AppKey).

A handler asks for exactly the resource it uses (`request.app[STORES]`), as in aiohttp's
`polls` demo, never for the whole runtime; `app/web.py` fills every key from the runtime.
"""

from __future__ import annotations

from aiohttp import web

from app.broker import Broker, DeadLetters
from app.broker.stalls import QueueMonitor
from app.client_pool import ClientPool
from app.manifest import Manifest
from app.settings import Settings
from app.storage import Storage
from domain.catalog.feeds import FeedScheduler
from domain.catalog.intake import NotificationIntake
from domain.catalog.loads import InitialLoads
from domain.catalog.states import SkuStates
from domain.mappings import Mappings, ReferenceCache
from domain.orders.ledger import OrderLedger
from domain.seller_log import SellerLog
from domain.stores import StoreRepository

SETTINGS = web.AppKey("settings", Settings)
MANIFEST = web.AppKey("manifest", Manifest)
STORAGE = web.AppKey("storage", Storage)
BROKER = web.AppKey("broker", Broker)
STORES = web.AppKey("stores", StoreRepository)
INTAKE = web.AppKey("intake", NotificationIntake)
SKU_STATES = web.AppKey("sku_states", SkuStates)
LEDGER = web.AppKey("ledger", OrderLedger)
SELLER_LOG = web.AppKey("seller_log", SellerLog)
DEAD_LETTERS = web.AppKey("dead_letters", DeadLetters)
CLIENTS = web.AppKey("clients", ClientPool)
FEED_SCHEDULER = web.AppKey("feed_scheduler", FeedScheduler)
MAPPINGS = web.AppKey("mappings", Mappings)
REFERENCE_CACHE = web.AppKey("reference_cache", ReferenceCache)
LOADS = web.AppKey("loads", InitialLoads)
QUEUE_MONITOR = web.AppKey("queue_monitor", QueueMonitor)
