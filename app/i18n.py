"""Seller-facing texts in Spanish (Linio sellers' language, the default) and English.

Templates call `t("key")`; the language comes from `?lang=` or the Accept-Language header.
A key missing in one language is a bug, caught by tests/test_dashboard.py.
"""

from __future__ import annotations

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"es": "Conector VTEX – Linio", "en": "VTEX – Linio connector"},
    "nav.stores": {"es": "Tiendas", "en": "Stores"},
    "stores.heading": {"es": "Tiendas conectadas", "en": "Connected stores"},
    "stores.empty": {
        "es": "Todavía no hay tiendas. Impórtalas con «vtex-linio import» o desde la app de VTEX.",
        "en": "No stores yet. Import them with `vtex-linio import` or from the VTEX app.",
    },
    "stores.store": {"es": "Tienda", "en": "Store"},
    "stores.account": {"es": "Cuenta VTEX", "en": "VTEX account"},
    "stores.country": {"es": "País", "en": "Country"},
    "stores.affiliate": {"es": "Afiliado", "en": "Affiliate"},
    "stores.policy": {"es": "Política comercial", "en": "Trade policy"},
    "stores.status": {"es": "Estado", "en": "Status"},
    "stores.active": {"es": "Activa", "en": "Active"},
    "stores.inactive": {"es": "Desactivada", "en": "Switched off"},
    "stores.endpoint": {
        "es": "Search Endpoint para el afiliado en VTEX (cópialo tal cual):",
        "en": "Search Endpoint for the VTEX affiliate (copy it as is):",
    },
    "stores.connector": {
        "es": "Connector endpoint (app de configuración, Channel Order API y servicios del "
        "marketplace para facturas, seguimiento y cancelaciones):",
        "en": "Connector endpoint (settings app, Channel Order API and marketplace services "
        "endpoint for invoices, tracking and cancellations):",
    },
    "stores.legacy": {
        "es": "VTEX aún llama a la URL antigua (?token=). Reemplácela por la Search Endpoint "
        "de arriba.",
        "en": "VTEX still calls the old URL (?token=). Replace it with the Search Endpoint above.",
    },
    "stores.rotate": {
        "es": "Cambiar el token (las URL actuales dejan de funcionar)",
        "en": "Rotate the token (the current URLs stop working)",
    },
    "stores.dead_letters": {"es": "Mensajes fallidos", "en": "Failed messages"},
    "lang.switch": {"es": "English", "en": "Español"},
}


def pick_language(query_lang: str | None, accept_language: str | None) -> str:
    if query_lang in LANGUAGES:
        return query_lang
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def translate(key: str, language: str) -> str:
    texts = TEXTS[key]
    return texts.get(language) or texts[DEFAULT_LANGUAGE]
