"""Seller Center and VTEX errors mapped to our codes, each with the seller's action."""

from __future__ import annotations

from domain.errors.base import Bilingual, ErrorEntry, entries

ENTRIES: dict[str, ErrorEntry] = entries(
    ErrorEntry(
        code="linio_auth",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="Seller Center rechaza la firma: API key o usuario equivocados (E007, E009).",
            en="Seller Center refuses the signature: wrong API key or user (E007, E009).",
        ),
        message=Bilingual(
            es="Seller Center rechazó las credenciales de la tienda {store}: {detail}",
            en="Seller Center refused the credentials of store {store}: {detail}",
        ),
        action=Bilingual(
            es="Copia de nuevo la API key y el usuario desde Seller Center (Mi cuenta → "
            "Integraciones) en la configuración de la tienda y reenvía los mensajes fallidos.",
            en="Copy the API key and user again from Seller Center (My account → "
            "Integrations) into the store's settings, then replay the failed messages.",
        ),
    ),
)
