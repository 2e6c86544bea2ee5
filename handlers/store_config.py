"""The template app's store-configuration contract.

`POST /vtex/{token}/store-config/notification` is what a VTEX IO admin app built on VTEX's
mkp-app-template sends on every "Save" (with the app token as `cookie`) when the connector
endpoint is `/vtex/{token}`; the old `/store-config/notification?token=` (the template
re-appends the endpoint's query string) stays accepted. The cookie is stored encrypted and
leaves the process only in this contract's `GET …/config` answer and in VTEX calls.
`GET /_v/<vendor>/<app>/config` answers with the stored configuration, authenticated by the
store's appKey/appToken, so the configuration can be read back the way the template does.
"""

from __future__ import annotations

import dataclasses

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import BROKER, MANIFEST, STORES
from clients.vtex.inbound import StoreConfig, normalise_account, parse_store_config
from domain.stores import AffiliateInUse
from domain.work import StoreAction, StoreWork
from handlers.common import parse_body
from handlers.store_auth import note_legacy_url, store_for_token


async def store_config_notification(request: web.Request) -> web.Response:
    store = await store_for_token(request)  # the secret first, the body after
    config: StoreConfig = await parse_body(request, parse_store_config, "invalid_store_config")
    if config.account != store.account:
        raise ApiError("account_mismatch", expected=store.account, got=config.account)
    was_active = store.active
    updated = dataclasses.replace(
        store,
        affiliate_id=config.affiliate_id,
        sales_channel=config.sales_channel,
        email=config.email or store.email,
        active=config.active,
        allow_franchise_accounts=config.allow_franchise_accounts,
        **config.rules,
        credentials=dataclasses.replace(
            store.credentials, vtex_cookie=config.cookie or store.credentials.vtex_cookie
        ),
    )
    try:
        await request.app[STORES].upsert(updated)
    except AffiliateInUse:
        raise ApiError("affiliate_in_use", affiliate=config.affiliate_id) from None
    queued = []
    action: StoreAction | None = None
    if was_active and not config.active:
        action = "deactivate_store"  # take the store's products off Linio
    elif config.active and not was_active:
        action = "initial_load"  # saving the integration starts the first full load
    if action:
        await request.app[BROKER].publish_work(StoreWork(store.store_id, action=action))
        queued.append(action)
    await note_legacy_url(request, store)
    return web.json_response(
        {
            "store": store.store_id,
            "active": config.active,
            "affiliateId": config.affiliate_id,
            "salesChannel": config.sales_channel,
            "queued": queued,
        }
    )


def _credentials(request: web.Request) -> tuple[str, str]:
    headers = request.headers
    key = headers.get("X-VTEX-API-AppKey") or headers.get("appkey") or ""
    token = headers.get("X-VTEX-API-AppToken") or headers.get("apptoken") or ""
    if not key or not token:
        raise ApiError("template_credentials_required")
    return key, token


async def get_config(request: web.Request) -> web.Response:
    manifest = request.app[MANIFEST]
    if (request.match_info["vendor"], request.match_info["app"]) != (
        manifest.vendor,
        manifest.name,
    ):
        raise ApiError("unknown_app", app=f"{manifest.vendor}/{manifest.name}")
    key, token = _credentials(request)
    account = normalise_account(request.query.get("an"))
    for store in await request.app[STORES].by_vtex_credentials(key, token, account):
        body = {
            "accountName": store.account,
            "active": store.active,
            "affiliateId": store.affiliate_id,
            "salesChannel": store.sales_channel,
            "email": store.email,
            "allowFranchiseAccounts": store.allow_franchise_accounts,
            "cookie": store.credentials.vtex_cookie or None,
        }
        return web.json_response(body, headers={"Cache-Control": "no-cache, no-store"})
    raise ApiError("invalid_credentials")
