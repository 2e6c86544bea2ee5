"""What a consumer does with the SKUs of a lot that failed on their own (CLARIFICATIONS §9).

`retry_alone` turns them into retries of their own: a one-SKU message raises its SKU's
error (its attempts, its dead letter), a lot message's failed SKUs are published again as
one-SKU `SkuWork`s, and the lot's other messages are done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog

from app.broker import Broker, Message, queue_name
from domain.work import SkuLotWork, SkuWork, retried_alone

log = structlog.get_logger(__name__)


async def retry_alone(
    broker: Broker,
    messages: Sequence[Message],
    works: Sequence[SkuWork | SkuLotWork],
    failed: Mapping[str, BaseException],
) -> dict[str, BaseException]:
    """`works` are `messages`' works in order, `failed` sku_id → its error; returns message
    id → the error it must raise (the broker retries or dead-letters it)."""
    if not failed:
        return {}
    by_index, alone = retried_alone(works, failed)
    if alone:
        queue = queue_name(works[0].queue_context, works[0].store_id)
        await broker.publish_many(
            [(queue, w.to_body()) for w in alone], dedupe_keys=[w.dedupe_key() for w in alone]
        )
    log.warning(
        "lot_skus_retried_alone",
        queue=queue_name(works[0].queue_context, works[0].store_id),
        skus=sorted(failed)[:20],
        count=len(failed),
        error=str(next(iter(failed.values())))[:200],
    )
    return {messages[i].id: error for i, error in by_index.items()}
