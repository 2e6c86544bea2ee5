"""Which store a platform's call is for: found by the secret it carries, nothing else.

Every URL a platform calls for a store carries the store's token: in the path under
`/vtex/{token}/…` (CLARIFICATIONS §1), or — for stores registered before that — as the
old Search Endpoint's `?token=`. The store is looked up by the token's keyed hash, so it is
resolved only once its secret has been checked, and an unknown store and a wrong token give
the very same answer (`invalid_store_token`, 404).
"""

from __future__ import annotations

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import STORES
from domain.stores import Store


async def store_for_token(request: web.Request) -> Store:
    """The store of `{token}` in the path, or of `?token=` on the legacy routes."""
    in_path = request.match_info.get("token")
    token = in_path if in_path is not None else request.query.get("token", "")
    store = await request.app[STORES].by_token(token)
    if store is None:
        raise ApiError("invalid_store_token")
    return store


async def note_legacy_url(request: web.Request, store: Store) -> None:
    """After a successful call through an old `?token=` URL: the dashboard asks to replace
    it. Called last, so a refused request writes nothing."""
    if request.match_info.get("token") is None:
        await request.app[STORES].note_legacy_endpoint(store)
