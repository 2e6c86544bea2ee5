"""Answers of our HTTP routes: status, stable code, message and action (es/en).

The callers are programs (VTEX, Seller Center, scripts) and the people who read their logs:
the message says what is wrong, the action what to change. `{placeholders}` are filled by
`app.http_errors.ApiError(code, **params)`; `{detail}` carries a parser's own words.
"""

from __future__ import annotations

from domain.errors.base import Bilingual as B
from domain.errors.base import ErrorEntry, entries


def _api(code: str, status: int, when: B, message: B, action: B) -> ErrorEntry:
    return ErrorEntry(
        code=code, flow="api", http_status=status, when=when, message=message, action=action
    )


_RETRY = B(
    es="Reintenta más tarde; VTEX y Seller Center reintentan solos.",
    en="Retry later; VTEX and Seller Center retry by themselves.",
)
_FIX_BODY = B(
    es="Corrige el campo indicado y reenvía la solicitud.",
    en="Fix the field named and send the request again.",
)
_DASHBOARD_URL = B(
    es="Copia la URL que muestra el panel (Tiendas) y pégala tal cual en VTEX.",
    en="Copy the URL the dashboard shows (Stores) and paste it as is into VTEX.",
)

ENTRIES: dict[str, ErrorEntry] = entries(
    # --- generic HTTP errors (also those aiohttp raises itself) ----------------------------
    _api(
        "bad_request",
        400,
        B(es="La solicitud HTTP está mal formada.", en="The HTTP request is malformed."),
        B(es="La solicitud está mal formada: {detail}", en="The request is malformed: {detail}"),
        B(
            es="Revisa la solicitud contra /openapi.json.",
            en="Check the request against /openapi.json.",
        ),
    ),
    _api(
        "unauthorized",
        401,
        B(
            es="Una página o acción privada sin sesión.",
            en="A private page or action without a session.",
        ),
        B(es="Hace falta iniciar sesión.", en="Authentication is required."),
        B(
            es="Inicia sesión con el usuario y la contraseña del panel (ADMIN_USER).",
            en="Sign in with the dashboard user and password (ADMIN_USER).",
        ),
    ),
    _api(
        "forbidden",
        403,
        B(es="El usuario no tiene permiso para la acción.", en="The user may not do this."),
        B(es="No tienes permiso para hacer esto.", en="You are not allowed to do this."),
        B(
            es="Pide a un administrador que lo haga o que te dé ese permiso.",
            en="Ask an administrator to do it or to grant you that role.",
        ),
    ),
    _api(
        "not_found",
        404,
        B(es="Una ruta que el servicio no ofrece.", en="A route this service does not offer."),
        B(es="No existe esa ruta.", en="No such route."),
        B(
            es="Consulta /openapi.json para ver las rutas.",
            en="See /openapi.json for the routes this service offers.",
        ),
    ),
    _api(
        "method_not_allowed",
        405,
        B(
            es="Un método HTTP que la ruta no acepta.",
            en="An HTTP method the route does not accept.",
        ),
        B(
            es="Esta ruta no acepta ese método HTTP.",
            en="This route does not accept that HTTP method.",
        ),
        B(
            es="Usa uno de los métodos del encabezado Allow.",
            en="Use one of the methods in the Allow header.",
        ),
    ),
    _api(
        "payload_too_large",
        413,
        B(
            es="Un cuerpo mayor que el límite (MAX_REQUEST_BYTES).",
            en="A body over the limit (MAX_REQUEST_BYTES).",
        ),
        B(
            es="El cuerpo de la solicitud es mayor de lo que acepta el servicio {detail}.",
            en="The request body is larger than this service accepts {detail}.",
        ),
        B(
            es="Envía cuerpos más pequeños (por partes).",
            en="Send smaller bodies (split the work).",
        ),
    ),
    _api(
        "unsupported_media_type",
        415,
        B(es="Un cuerpo que no es JSON.", en="A body that is not JSON."),
        B(
            es="El cuerpo debe enviarse como application/json.",
            en="Send the body as application/json.",
        ),
        B(es="Pon Content-Type: application/json.", en="Set Content-Type: application/json."),
    ),
    _api(
        "too_many_requests",
        429,
        B(
            es="Demasiadas solicitudes seguidas (p. ej. inicios de sesión).",
            en="Too many requests in a row (e.g. sign-ins).",
        ),
        B(
            es="Demasiadas solicitudes; espera antes de reintentar.",
            en="Too many requests; wait before retrying.",
        ),
        B(es="Espera los segundos de Retry-After.", en="Wait the seconds given in Retry-After."),
    ),
    _api(
        "internal_error",
        500,
        B(
            es="Un error inesperado del servicio (un bug).",
            en="An unexpected error of the service (a bug).",
        ),
        B(es="Error inesperado; quedó registrado.", en="Unexpected error; it was logged."),
        B(
            es="Reintenta más tarde y, si se repite, abre un issue con el X-Request-Id.",
            en="Retry later; if it repeats, open an issue quoting the X-Request-Id.",
        ),
    ),
    _api(
        "unavailable",
        503,
        B(
            es="La base de datos o el broker no responden.",
            en="The database or the broker does not answer.",
        ),
        B(
            es="Una dependencia no está disponible por ahora.",
            en="A dependency is unavailable right now.",
        ),
        _RETRY,
    ),
    _api(
        "http_error",
        400,
        B(es="Otro error HTTP del framework.", en="Another HTTP error of the framework."),
        B(es="Error HTTP: {detail}", en="HTTP error: {detail}"),
        B(
            es="Revisa la solicitud contra /openapi.json.",
            en="Check the request against /openapi.json.",
        ),
    ),
    # --- bodies -------------------------------------------------------------------------
    _api(
        "empty_body",
        400,
        B(
            es="Una solicitud sin cuerpo donde se espera JSON.",
            en="A request without body where JSON is expected.",
        ),
        B(
            es="El cuerpo está vacío; envía un objeto JSON.",
            en="The request body is empty; send a JSON object.",
        ),
        _FIX_BODY,
    ),
    _api(
        "invalid_json",
        400,
        B(es="Un cuerpo que no es JSON válido.", en="A body that is not valid JSON."),
        B(
            es="El cuerpo no es JSON válido ({detail}).",
            en="The body is not valid JSON ({detail}).",
        ),
        _FIX_BODY,
    ),
    *(
        _api(
            code,
            400,
            B(
                es=f"Un cuerpo de {es} con un campo inválido.",
                en=f"A {en} body with an invalid field.",
            ),
            B(es="Campo {field}: {detail}", en="Field {field}: {detail}"),
            _FIX_BODY,
        )
        for code, es, en in (
            ("invalid_notification", "notificación de catálogo", "catalog notification"),
            ("invalid_store_config", "configuración de tienda", "store configuration"),
            ("invalid_invoice", "factura", "invoice"),
            ("invalid_tracking", "seguimiento", "tracking"),
            ("invalid_processing_result", "resultado de procesamiento", "processing result"),
            ("invalid_status", "filtro de logs", "log filter"),
            ("invalid_date", "filtro de fecha", "date filter"),
            ("invalid_mapper_mapping", "mapeo del Mapper de VTEX", "VTEX Mapper mapping"),
        )
    ),
    # --- stores and credentials ---------------------------------------------------------
    _api(
        "unknown_store",
        404,
        B(
            es="Ninguna tienda corresponde a la cuenta VTEX (y afiliado) de la solicitud.",
            en="No store matches the request's VTEX account (and affiliate).",
        ),
        B(
            es="No hay una tienda configurada para la cuenta VTEX {account!r}.",
            en="No store is configured for VTEX account {account!r}.",
        ),
        B(
            es="Agrega la tienda (vtex-linio import o la configuración de la app en VTEX) y "
            "revisa el afiliado del Search Endpoint.",
            en="Add the store (vtex-linio import or the VTEX app's settings) and check the "
            "affiliate of the Search Endpoint.",
        ),
    ),
    _api(
        "no_held_price",
        404,
        B(
            es="El SKU no tiene un precio retenido por el límite de baja de precio.",
            en="The SKU has no price held by the price-drop guard.",
        ),
        B(
            es="No hay precio retenido para el SKU {sku_id} de la tienda {store_id}.",
            en="There is no held price for SKU {sku_id} of store {store_id}.",
        ),
        B(
            es="Recarga el panel: el precio ya se aprobó o VTEX envió otro.",
            en="Reload the dashboard: the price was already approved or VTEX sent another.",
        ),
    ),
    _api(
        "invalid_token",
        403,
        B(
            es="Falta el token de la tienda en la URL, o no es el correcto.",
            en="The store's token in the URL is missing or wrong.",
        ),
        B(
            es="El token de la URL falta o no es correcto.",
            en="The URL's token is missing or wrong.",
        ),
        _DASHBOARD_URL,
    ),
    _api(
        "credentials_required",
        401,
        B(es="Una llamada de VTEX sin appKey/appToken.", en="A VTEX call without appKey/appToken."),
        B(
            es="Envía los encabezados X-VTEX-API-AppKey y X-VTEX-API-AppToken de la tienda.",
            en="Send the store's X-VTEX-API-AppKey and X-VTEX-API-AppToken headers.",
        ),
        B(
            es="Configura la app key y el token de la tienda en VTEX.",
            en="Configure the store's app key and token in VTEX.",
        ),
    ),
    _api(
        "template_credentials_required",
        400,
        B(
            es="La app de VTEX pide la configuración sin AppKey/AppToken (contrato de la "
            "plantilla mkp-app-template: texto exacto en inglés).",
            en="The VTEX app asks for the configuration without AppKey/AppToken (the "
            "mkp-app-template contract: exact English text).",
        ),
        B(es="Faltan AppKey y AppToken", en="AppKey and AppToken are required"),
        B(
            es="Guarda la app key y el token en la app de configuración de VTEX.",
            en="Save the app key and token in the VTEX settings app.",
        ),
    ),
    _api(
        "invalid_credentials",
        403,
        B(
            es="appKey/appToken que no son los de la tienda.",
            en="appKey/appToken that are not the store's.",
        ),
        B(es="appKey y/o appToken inválidos.", en="Invalid appKey and/or appToken"),
        B(
            es="Usa la app key y el token guardados en la configuración de la tienda.",
            en="Use the app key and token saved in the store's settings.",
        ),
    ),
    _api(
        "account_mismatch",
        409,
        B(
            es="La configuración llega para otra cuenta VTEX que la del endpoint.",
            en="The configuration comes for another VTEX account than the endpoint's.",
        ),
        B(
            es="Este endpoint pertenece a la cuenta VTEX {expected!r}, no a {got!r}.",
            en="This endpoint belongs to VTEX account {expected!r}, not {got!r}.",
        ),
        _DASHBOARD_URL,
    ),
    _api(
        "affiliate_in_use",
        409,
        B(
            es="Dos tiendas de una cuenta VTEX con el mismo afiliado.",
            en="Two stores of one VTEX account with the same affiliate.",
        ),
        B(
            es="El afiliado {affiliate} ya lo usa otra tienda de esta cuenta.",
            en="Affiliate {affiliate} is already used by another store of this account.",
        ),
        B(
            es="Elige otro id de afiliado (3 consonantes) para esta tienda.",
            en="Choose another affiliate id (3 consonants) for this store.",
        ),
    ),
    _api(
        "unknown_app",
        404,
        B(
            es="La configuración llega para otra app de VTEX IO.",
            en="The configuration comes for another VTEX IO app.",
        ),
        B(es="Este servicio es {app}.", en="This service is {app}."),
        B(
            es="Revisa el vendor y el nombre de la app en la URL de configuración.",
            en="Check the app's vendor and name in the configuration URL.",
        ),
    ),
    _api(
        "queue_unavailable",
        503,
        B(es="La notificación no pudo encolarse.", en="The notification could not be queued."),
        B(
            es="No se pudo encolar la notificación ({detail}).",
            en="The notification could not be queued ({detail}).",
        ),
        B(
            es="Nada que hacer: VTEX reintenta y la reconciliación periódica lo recupera.",
            en="Nothing to do: VTEX retries and the periodic reconciliation catches up.",
        ),
    ),
    # --- orders ---------------------------------------------------------------------------
    _api(
        "unknown_order",
        404,
        B(
            es="Un callback de un pedido que el conector no creó.",
            en="A callback for an order this connector did not place.",
        ),
        B(
            es="El pedido {order_id} no fue creado por este conector.",
            en="Order {order_id} was not placed by this connector.",
        ),
        B(es="Nada que hacer en este conector.", en="Nothing to do in this connector."),
    ),
    _api(
        "account_required",
        400,
        B(
            es="Un resultado de procesamiento sin cuenta VTEX.",
            en="A processing result without VTEX account.",
        ),
        B(
            es="Indica la cuenta VTEX como ?an= o accountName en el cuerpo.",
            en="Pass the VTEX account as ?an= or accountName in the body.",
        ),
        _FIX_BODY,
    ),
    _api(
        "unknown_invoice",
        404,
        B(
            es="Eventos de seguimiento de una factura desconocida.",
            en="Tracking events for an unknown invoice.",
        ),
        B(
            es="La factura {invoice} del pedido {order_id} no es conocida.",
            en="Invoice {invoice} of order {order_id} is not known.",
        ),
        B(
            es="Envía primero la factura (POST …/invoice) y luego su seguimiento.",
            en="Send the invoice first (POST …/invoice), then its tracking.",
        ),
    ),
    ErrorEntry(
        code="store_inactive",
        flow="api",
        http_status=200,
        when=B(
            es="Llega una notificación para una tienda desactivada.",
            en="A notification arrives for a store that is switched off.",
        ),
        message=B(
            es="La integración está desactivada para esta tienda; no se encoló nada.",
            en="The integration is switched off for this store; nothing was queued.",
        ),
        action=B(
            es="Activa la integración en la app de VTEX o en el panel (Tiendas).",
            en="Switch the integration on in the VTEX app or the dashboard (Stores).",
        ),
    ),
    # --- hardening: outages, store tokens, limits, sign-in -----------------------------
    _api(
        "database_unavailable",
        503,
        B(
            es="La base de datos no responde (se está reiniciando o no es accesible).",
            en="The database does not answer (it is restarting or unreachable).",
        ),
        B(
            es="La base de datos no está disponible en este momento; no se guardó nada.",
            en="The database is unavailable right now; nothing was stored.",
        ),
        _RETRY,
    ),
    _api(
        "broker_unavailable",
        503,
        B(
            es="La cola de trabajo (RabbitMQ) no responde (se está reiniciando o no es accesible).",
            en="The work queue (RabbitMQ) does not answer (it is restarting or unreachable).",
        ),
        B(
            es="No se pudo encolar el trabajo: la cola no respondió a tiempo.",
            en="The work could not be queued: the queue did not answer in time.",
        ),
        _RETRY,
    ),
    _api(
        "request_timeout",
        408,
        B(
            es="El cuerpo de la solicitud no llegó completo a tiempo.",
            en="The request body did not arrive in full in time.",
        ),
        B(
            es="El cuerpo de la solicitud llegó incompleto o demasiado lento ({seconds} s).",
            en="The request body arrived incomplete or too slowly ({seconds} s).",
        ),
        B(
            es="Envía la solicitud completa de nuevo.",
            en="Send the whole request again.",
        ),
    ),
    _api(
        "invalid_store_token",
        404,
        B(
            es="La URL no corresponde a ninguna tienda: token desconocido o tienda inexistente.",
            en="The URL matches no store: unknown token or no such store.",
        ),
        B(
            es="Ninguna tienda corresponde a esta URL.",
            en="No store matches this URL.",
        ),
        _DASHBOARD_URL,
    ),
    _api(
        "store_mismatch",
        409,
        B(
            es="La notificación nombra otra cuenta o afiliado que la tienda de la URL.",
            en="The notification names another account or affiliate than the URL's store.",
        ),
        B(
            es="Esta URL es de la cuenta {account} con el afiliado {affiliate_id}.",
            en="This URL belongs to account {account} with affiliate {affiliate_id}.",
        ),
        B(
            es="Pega en cada afiliado de VTEX la URL que muestra el panel para esa tienda.",
            en="Paste into each VTEX affiliate the URL the dashboard shows for that store.",
        ),
    ),
    _api(
        "order_limit_reached",
        409,
        B(
            es="Un pedido alcanzó el máximo de facturas, eventos de seguimiento o tamaño.",
            en="An order reached its maximum of invoices, tracking events or size.",
        ),
        B(
            es="El pedido {order_id} ya tiene el máximo de {what} ({limit}); no se guardó nada.",
            en="Order {order_id} already holds the most {what} allowed ({limit}); nothing stored.",
        ),
        B(
            es="Revisa las integraciones que envían datos a este pedido; contacta a soporte.",
            en="Check the integrations sending data to this order; contact support.",
        ),
    ),
    _api(
        "too_many_attempts",
        429,
        B(
            es="Demasiados intentos de inicio de sesión fallidos desde la misma dirección.",
            en="Too many failed sign-in attempts from the same address.",
        ),
        B(
            es="Demasiados intentos fallidos; espera {seconds} s.",
            en="Too many failed attempts; wait {seconds} s.",
        ),
        B(
            es="Espera y usa la contraseña de ADMIN_PASSWORD.",
            en="Wait, then use the password in ADMIN_PASSWORD.",
        ),
    ),
    _api(
        "invalid_order_id",
        400,
        B(
            es="El id de pedido de la URL no tiene la forma de un id de VTEX ni de Linio.",
            en="The order id in the URL has the shape of neither a VTEX nor a Linio id.",
        ),
        B(
            es="El id de pedido debe cumplir {pattern}.",
            en="The order id must match {pattern}.",
        ),
        B(
            es="Revisa el endpoint de servicios del marketplace configurado en VTEX.",
            en="Check the marketplace services endpoint configured in VTEX.",
        ),
    ),
    _api(
        "cross_site_request",
        403,
        B(
            es="Una acción del panel enviada desde otro sitio.",
            en="A dashboard action sent from another site.",
        ),
        B(
            es="La acción debe hacerse desde el propio panel.",
            en="The action must be made from the dashboard itself.",
        ),
        B(
            es="Abre el panel en PUBLIC_BASE_URL y repite la acción allí.",
            en="Open the dashboard at PUBLIC_BASE_URL and repeat the action there.",
        ),
    ),
    # --- dashboard ------------------------------------------------------------------------
    _api(
        "login_failed",
        401,
        B(
            es="Usuario o contraseña equivocados al iniciar sesión en el panel.",
            en="Wrong user or password when signing in to the dashboard.",
        ),
        B(es="Usuario o contraseña incorrectos.", en="Wrong user or password."),
        B(
            es="Revisa ADMIN_USER / ADMIN_PASSWORD (o SUPPORT_USER) en la configuración.",
            en="Check ADMIN_USER / ADMIN_PASSWORD (or SUPPORT_USER) in the settings.",
        ),
    ),
    _api(
        "csrf_failed",
        403,
        B(
            es="Un formulario enviado sin el token CSRF de la sesión (o con uno viejo).",
            en="A form sent without the session's CSRF token (or with a stale one).",
        ),
        B(
            es="El formulario caducó o no salió de este panel.",
            en="The form expired or did not come from this dashboard.",
        ),
        B(
            es="Recarga la página y vuelve a enviar el formulario.",
            en="Reload the page and send the form again.",
        ),
    ),
    _api(
        "session_required",
        403,
        B(
            es="Una acción del panel con HTTP Basic en lugar de una sesión.",
            en="A dashboard action sent with HTTP Basic instead of a session.",
        ),
        B(
            es="Las acciones del panel piden una sesión iniciada en /login.",
            en="Dashboard actions need a session started at /login.",
        ),
        B(
            es="Inicia sesión en /login y usa los botones del panel.",
            en="Sign in at /login and use the dashboard's buttons.",
        ),
    ),
    _api(
        "read_only",
        403,
        B(
            es="El usuario de soporte (solo lectura) intenta una acción.",
            en="The support user (read-only) tries an action.",
        ),
        B(
            es="Tu usuario es de solo lectura: no puede hacer cambios.",
            en="Your user is read-only: it cannot make changes.",
        ),
        B(
            es="Pide a un administrador del panel que haga la acción.",
            en="Ask a dashboard administrator to do it.",
        ),
    ),
    _api(
        "metrics_unauthorized",
        401,
        B(
            es="GET /metrics sin el token de métricas.",
            en="GET /metrics without the metrics token.",
        ),
        B(
            es="Las métricas piden el token METRICS_TOKEN.",
            en="Metrics need the METRICS_TOKEN token.",
        ),
        B(
            es="Configura Prometheus con «Authorization: Bearer <METRICS_TOKEN>».",
            en="Configure Prometheus with `Authorization: Bearer <METRICS_TOKEN>`.",
        ),
    ),
    _api(
        "unknown_sku",
        404,
        B(
            es="Una página o acción sobre un SKU que el conector no conoce.",
            en="A page or action about a SKU the connector does not know.",
        ),
        B(
            es="El SKU {sku_id} de la tienda {store} no está en la tabla de estados.",
            en="SKU {sku_id} of store {store} is not in the states table.",
        ),
        B(
            es="Busca el SKU en la lista de SKUs; llega con la próxima notificación de VTEX.",
            en="Look the SKU up in the SKU list; it arrives with VTEX's next notification.",
        ),
    ),
    _api(
        "unknown_dead_letter",
        404,
        B(
            es="Reenviar un mensaje fallido que ya no espera.",
            en="Replaying a failed message that no longer waits.",
        ),
        B(
            es="El mensaje {message_id} ya fue reenviado o no existe.",
            en="Message {message_id} was already replayed or does not exist.",
        ),
        B(
            es="Recarga la lista de mensajes fallidos.",
            en="Reload the list of failed messages.",
        ),
    ),
    _api(
        "unknown_document",
        404,
        B(
            es="Descargar un documento que el pedido no tiene guardado.",
            en="Downloading a document the order has not stored.",
        ),
        B(
            es="El pedido {order_id} no tiene el documento {name}.",
            en="Order {order_id} has no document {name}.",
        ),
        B(
            es="Espera a que el conector lo descargue de Seller Center y recarga la página.",
            en="Wait for the connector to fetch it from Seller Center and reload the page.",
        ),
    ),
    _api(
        "invalid_mapping",
        400,
        B(
            es="Guardar una fila de mapeo con valores inválidos.",
            en="Saving a mapping row with invalid values.",
        ),
        B(es="El mapeo no es válido: {detail}", en="The mapping is not valid: {detail}"),
        B(
            es="Corrige el valor indicado; los ids de VTEX y Seller Center son números.",
            en="Fix the value named; VTEX and Seller Center ids are numbers.",
        ),
    ),
    _api(
        "store_rule_number",
        400,
        B(
            es="Guardar una regla de tienda en porcentaje con un valor que no es un número.",
            en="Saving a percentage store rule with a value that is not a number.",
        ),
        B(
            es="La regla {field} no acepta «{value}»: debe ser un número de cero o más.",
            en="Rule {field} does not take “{value}”: it must be a number of zero or more.",
        ),
        B(
            es="Escribe un número con punto decimal (por ejemplo 12.5); deja vacío el límite "
            "de baja de precio para no usarlo. No se guardó ninguna regla.",
            en="Type a number with a decimal point (for example 12.5); leave the price-drop "
            "guard empty to switch it off. No rule was saved.",
        ),
    ),
    _api(
        "store_rule_amount",
        400,
        B(
            es="Guardar un monto fijo de regla de tienda que no es un número.",
            en="Saving a fixed store-rule amount that is not a number.",
        ),
        B(
            es="La regla {field} no acepta «{value}»: debe ser un monto en la moneda de la tienda.",
            en="Rule {field} does not take “{value}”: it must be an amount in the store's "
            "currency.",
        ),
        B(
            es="Escribe un monto con punto decimal (por ejemplo 1500 o -2.5). No se guardó "
            "ninguna regla.",
            en="Type an amount with a decimal point (for example 1500 or -2.5). No rule was saved.",
        ),
    ),
    _api(
        "store_rule_integer",
        400,
        B(
            es="Guardar una regla de tienda en unidades o segundos que no es un entero.",
            en="Saving a store rule in units or seconds that is not a whole number.",
        ),
        B(
            es="La regla {field} no acepta «{value}»: debe ser un número entero de cero o más.",
            en="Rule {field} does not take “{value}”: it must be a whole number of zero or more.",
        ),
        B(
            es="Escribe solo dígitos (por ejemplo 2). No se guardó ninguna regla.",
            en="Type digits only (for example 2). No rule was saved.",
        ),
    ),
    _api(
        "store_rule_choice",
        400,
        B(
            es="Guardar una regla de tienda con una opción que no existe.",
            en="Saving a store rule with an option that does not exist.",
        ),
        B(
            es="La regla {field} no acepta «{value}»: elige una de {choices}.",
            en="Rule {field} does not take “{value}”: choose one of {choices}.",
        ),
        B(
            es="Elige una opción de la lista. No se guardó ninguna regla.",
            en="Pick an option from the list. No rule was saved.",
        ),
    ),
    _api(
        "store_map_row",
        400,
        B(
            es="Una fila del mapa de transportadoras o de códigos postales sin sus dos valores.",
            en="A courier-map or postal-code-map row without both of its values.",
        ),
        B(
            es="La fila {row} necesita los dos valores (VTEX y Linio, o ciudad y código postal).",
            en="Row {row} needs both values (VTEX and Linio, or city and postal code).",
        ),
        B(
            es="Completa la fila y vuelve a guardar; para borrar una fila del panel deja el "
            "segundo valor vacío. No se guardó nada.",
            en="Fill the row in and save again; to delete a row on the dashboard leave the "
            "second value empty. Nothing was saved.",
        ),
    ),
    _api(
        "store_map_columns",
        400,
        B(
            es="Un CSV de transportadoras o de códigos postales con otras columnas.",
            en="A courier or postal-code CSV with other columns.",
        ),
        B(
            es="El archivo debe empezar con la fila de encabezado {columns}.",
            en="The file must start with the header row {columns}.",
        ),
        B(
            es="Exporta el CSV actual desde el panel, edítalo y súbelo de nuevo. No se "
            "importó nada.",
            en="Export the current CSV from the dashboard, edit it and upload it again. "
            "Nothing was imported.",
        ),
    ),
    _api(
        "linio_reference_failed",
        502,
        B(
            es="Leer el árbol de categorías o los atributos de Linio para el panel de mapeos "
            "falló en Seller Center.",
            en="Reading Linio's category tree or attributes for the mappings page failed on "
            "Seller Center.",
        ),
        B(
            es="Seller Center no entregó las categorías o atributos: {detail}",
            en="Seller Center did not return the categories or attributes: {detail}",
        ),
        B(
            es="Revisa la clave de API de la tienda y vuelve a intentar en unos minutos; "
            "mientras tanto puedes escribir los ids a mano.",
            en="Check the store's API key and try again in a few minutes; meanwhile you can "
            "type the ids by hand.",
        ),
    ),
    _api(
        "import_failed",
        400,
        B(
            es="Un CSV de mapeos con filas inválidas (no se importó nada).",
            en="A mapping CSV with invalid rows (nothing was imported).",
        ),
        B(
            es="No se importó nada: {detail}",
            en="Nothing was imported: {detail}",
        ),
        B(
            es="Corrige las filas indicadas (archivo:línea) y vuelve a subir el archivo.",
            en="Fix the rows named (file:line) and upload the file again.",
        ),
    ),
    _api(
        "webhook_failed",
        502,
        B(
            es="Seller Center no aceptó el registro del webhook (CreateWebhook).",
            en="Seller Center did not accept the webhook registration (CreateWebhook).",
        ),
        B(
            es="Seller Center no registró el webhook: {detail}",
            en="Seller Center did not register the webhook: {detail}",
        ),
        B(
            es="Revisa las credenciales de Seller Center de la tienda y vuelve a intentarlo.",
            en="Check the store's Seller Center credentials and try again.",
        ),
    ),
)
