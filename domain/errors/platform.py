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
    ErrorEntry(
        code="linio_staging_auth",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="El host de staging de Seller Center pide su usuario y contraseña HTTP Basic.",
            en="Seller Center's staging host asks for its HTTP Basic user and password.",
        ),
        message=Bilingual(
            es="El entorno de pruebas de Seller Center rechazó el acceso de la tienda {store}.",
            en="Seller Center's staging environment refused store {store}'s access.",
        ),
        action=Bilingual(
            es="Pide a Linio el usuario y la contraseña de staging y guárdalos en la tienda, o "
            "usa el entorno de producción.",
            en="Ask Linio for the staging user and password and save them in the store, or "
            "use the production environment.",
        ),
    ),
    ErrorEntry(
        code="vtex_auth",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="VTEX responde 401/403: app key o token equivocados, o sin el rol necesario.",
            en="VTEX answers 401/403: wrong app key or token, or a role missing.",
        ),
        message=Bilingual(
            es="VTEX rechazó las credenciales de la tienda {store}: {detail}",
            en="VTEX refused the credentials of store {store}: {detail}",
        ),
        action=Bilingual(
            es="Revisa la app key y el token de la tienda y que su rol incluya "
            "'IntegrationProfile - Fulfillment Gateway Oms'; luego reenvía los mensajes fallidos.",
            en="Check the store's app key and token and that its role includes "
            "'IntegrationProfile - Fulfillment Gateway Oms'; then replay the failed messages.",
        ),
    ),
    ErrorEntry(
        code="config_error",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="Nuestra configuración impide la llamada (un host que manifest.json no declara, "
            "un dato de la tienda que falta).",
            en="Our configuration forbids the call (a host manifest.json does not declare, a "
            "store setting missing).",
        ),
        message=Bilingual(
            es="La configuración de la tienda {store} impide el trabajo: {detail}",
            en="The configuration of store {store} prevents the work: {detail}",
        ),
        action=Bilingual(
            es="Corrige la configuración indicada (tienda o manifest.json) y reenvía los "
            "mensajes fallidos.",
            en="Fix the configuration named (store or manifest.json) and replay the failed "
            "messages.",
        ),
    ),
    ErrorEntry(
        code="rejected_data",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="La plataforma rechaza los datos; repetir la misma llamada no puede funcionar.",
            en="The platform rejects the data; repeating the same call cannot succeed.",
        ),
        message=Bilingual(
            es="La plataforma rechazó los datos de la tienda {store}: {detail}",
            en="The platform rejected store {store}'s data: {detail}",
        ),
        action=Bilingual(
            es="Corrige el dato que indica el mensaje y reenvía el mensaje fallido.",
            en="Fix the value the message names and replay the failed message.",
        ),
    ),
    ErrorEntry(
        code="item_error",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="Un mismo ítem falla igual varias veces mientras la plataforma está sana "
            "(p. ej. E021 en un ítem de pedido).",
            en="One item fails the same way several times while the platform is healthy "
            "(e.g. E021 on one order item).",
        ),
        message=Bilingual(
            es="El ítem sigue fallando en la tienda {store}: {detail}",
            en="The item keeps failing in store {store}: {detail}",
        ),
        action=Bilingual(
            es="Revisa en Seller Center la configuración que indica el mensaje y reenvía el "
            "mensaje fallido.",
            en="Check the Seller Center setting the message names and replay the failed message.",
        ),
    ),
    ErrorEntry(
        code="gave_up",
        flow="platform",
        log_status="error",
        retry=True,
        when=Bilingual(
            es="Un error pasajero se repitió en todos los intentos (al menos 10).",
            en="A passing error repeated on every attempt (at least 10).",
        ),
        message=Bilingual(
            es="Se agotaron los intentos en la tienda {store}: {detail}",
            en="All attempts were used up in store {store}: {detail}",
        ),
        action=Bilingual(
            es="Nada que hacer si la plataforma ya responde: el mensaje se reenvía solo cuando "
            "vuelve a estar sana. Si el error persiste, contacta al soporte con este texto.",
            en="Nothing to do once the platform answers again: the message is replayed by "
            "itself when it is healthy. If the error persists, contact support with this text.",
        ),
    ),
    ErrorEntry(
        code="malformed_work",
        flow="platform",
        log_status="error",
        when=Bilingual(
            es="Un mensaje de la cola que no es de ningún tipo conocido (un bug o una versión "
            "antigua).",
            en="A queue message of no known kind (a bug or an old version).",
        ),
        message=Bilingual(
            es="Mensaje de cola inválido en la tienda {store}: {detail}",
            en="Invalid queue message in store {store}: {detail}",
        ),
        action=Bilingual(
            es="Abre un issue con el mensaje fallido; reenviarlo no ayudará.",
            en="Open an issue quoting the failed message; replaying it will not help.",
        ),
    ),
)

# What a dead-lettered failure tells the seller: (failure kind, platform) -> catalogue code.
DEAD_LETTER_CODES: dict[tuple[str, str | None], str] = {
    ("config", "linio"): "linio_auth",
    ("config", "vtex"): "vtex_auth",
    ("config", None): "config_error",
    ("rejected", "linio"): "rejected_data",
    ("rejected", "vtex"): "rejected_data",
    ("rejected", None): "malformed_work",
    ("item", "linio"): "item_error",
    ("item", "vtex"): "item_error",
    ("item", None): "item_error",
}


def dead_letter_code(kind: str, platform: str | None, error_code: str | None = None) -> str:
    """The catalogue code that explains a dead letter to the seller.

    `kind` is the broker's failure kind (`config`, `rejected`, `item`, `transient`, …),
    `platform` the error's platform (`linio`, `vtex`, None for ours), `error_code` the
    platform's or our own code (`HTTP_BASIC`, `malformed_work`…)."""
    if error_code == "HTTP_BASIC":
        return "linio_staging_auth"
    if error_code == "malformed_work":
        return "malformed_work"
    return DEAD_LETTER_CODES.get((kind, platform), "gave_up")
