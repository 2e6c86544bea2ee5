"""Work queues: one per context and store, with delayed retries and dead letters.

RabbitMQ (aio-pika) in production, an in-process broker with the same interface and the
same retry/dead-letter behaviour when AMQP_URL is unset. Choose with `create_broker`.
"""

from app.broker.base import (
    Broker,
    BrokerUnavailable,
    Handler,
    Message,
    Reject,
    RetryPolicy,
    Wait,
)
from app.broker.dead_letters import DeadLetters
from app.broker.factory import create_broker
from app.broker.names import CONTEXTS, queue_name, split_queue_name

__all__ = [
    "CONTEXTS",
    "Broker",
    "BrokerUnavailable",
    "DeadLetters",
    "Handler",
    "Message",
    "Reject",
    "RetryPolicy",
    "Wait",
    "create_broker",
    "queue_name",
    "split_queue_name",
]
