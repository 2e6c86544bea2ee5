"""Queue names: `<context>.<store>`, so a storm in one store never fills another's queue."""

from __future__ import annotations

import re

CONTEXTS = ("catalog", "price", "stock", "order", "order-status", "feed")

_STORE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def queue_name(context: str, store_id: str) -> str:
    if context not in CONTEXTS:
        raise ValueError(f"unknown queue context {context!r}; expected one of {CONTEXTS}")
    if not _STORE_ID.match(store_id):
        raise ValueError(f"invalid store id {store_id!r} for a queue name")
    return f"{context}.{store_id}"


def split_queue_name(name: str) -> tuple[str, str]:
    context, _, store_id = name.partition(".")
    return context, store_id


class OnQueue:
    """For anything that names a `queue`: its `context` and `store_id`, read from the name."""

    queue: str

    @property
    def context(self) -> str:
        return split_queue_name(self.queue)[0]

    @property
    def store_id(self) -> str:
        return split_queue_name(self.queue)[1]
