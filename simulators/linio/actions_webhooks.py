"""Webhook actions. A callback URL can be registered once; its events are aliases taken
from GetWebhookEntities; the body carries the URL escaped once (so `&` survives)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import xmltodict

from simulators.linio import params
from simulators.linio.actions_catalog import Action
from simulators.linio.catalog_data import WEBHOOK_ENTITIES
from simulators.linio.envelope import Detail, Refused, Reply, head_timestamp
from simulators.linio.state import SellerState

if TYPE_CHECKING:
    from simulators.linio.server import LinioSimulator

KNOWN_EVENTS = frozenset(alias for _, events in WEBHOOK_ENTITIES for _, alias in events)


def get_webhook_entities(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    entities = [
        {
            "Name": name,
            "Events": {"Event": [{"EventName": e, "EventAlias": a} for e, a in events]},
        }
        for name, events in WEBHOOK_ENTITIES
    ]
    return Reply({"Entities": {"Entity": entities}}, "Entities")


def _format_error(field: str, message: str, value: str) -> Refused:
    return Refused(1000, "Format Error Detected", details=[Detail(field, message, value)])


def create_webhook(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    [hook] = params.records(body, "Webhook") or [{}]
    hook = hook if isinstance(hook, dict) else {}
    url = str(hook.get("CallbackUrl") or "")
    events = (hook.get("Events") or {}).get("Event") or []
    events = [str(e) for e in (events if isinstance(events, list) else [events])]
    if not url or not events:  # Jumia/Linio createwebhook: 89 required field missing
        missing = "CallbackUrl" if not url else "Events"
        raise Refused(
            89,
            f"E089: Required field {missing} is missing",
            details=[Detail(missing, f"{missing} is mandatory", "")],
        )
    if not url.startswith(("http://", "https://")):
        raise Refused(
            98,
            "E098: Invalid callback URL",
            details=[Detail("CallbackUrl", "CallbackUrl must be an http(s) URL", url)],
        )
    unknown = [e for e in events if e not in KNOWN_EVENTS]
    if unknown:
        raise Refused(
            99,
            "E099: Invalid event alias",
            details=[
                Detail(
                    "Events", "Events must be aliases from GetWebhookEntities", ",".join(unknown)
                )
            ],
        )
    if any(h["url"] == url for h in state.webhooks.values()):
        raise _format_error("CallbackUrl", "This callback URL is already registered", url)
    webhook_id = str(uuid.uuid4())
    state.webhooks[webhook_id] = {"url": url, "events": events}
    return Reply(
        {"Webhook": {"WebhookId": webhook_id, "CreatedAt": head_timestamp(zone=state.zone)}},
        "Webhook",
    )


def get_webhooks(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    wanted = params.json_list(q, "WebhookIds", Refused(5, "E005: Invalid Request Format"))
    hooks = [
        {
            "WebhookId": webhook_id,
            "CallbackUrl": hook["url"],
            "WebhookSource": "api",
            "Events": {"Event": hook["events"]},
        }
        for webhook_id, hook in state.webhooks.items()
        if wanted is None or webhook_id in wanted
    ]
    return Reply({"Webhooks": {"Webhook": hooks}} if hooks else "", "Webhooks")


def delete_webhook(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    if not body.strip():
        raise Refused(30, "E030: Empty Request")
    try:
        request = xmltodict.parse(body).get("Request") or {}
    except Exception:
        raise Refused(5, "E005: Invalid Request Format") from None
    webhook_id = str(request.get("Webhook") or "") if isinstance(request, dict) else ""
    if state.webhooks.pop(webhook_id, None) is None:
        raise _format_error("Webhook", "Webhook does not exist", webhook_id)
    return Reply()


ACTIONS: dict[str, Action] = {
    "GetWebhookEntities": get_webhook_entities,
    "CreateWebhook": create_webhook,
    "GetWebhooks": get_webhooks,
    "DeleteWebhook": delete_webhook,
}
