"""Seller-facing texts in Spanish (Linio sellers' language, the default) and English.

Templates call `t("key")`; the language comes from `?lang=` or the Accept-Language header.
A key missing in one language is a bug, caught by tests/handlers/admin/test_pages.py.
"""

from __future__ import annotations

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"


def _t(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


TEXTS: dict[str, dict[str, str]] = {
    "app.title": _t("Conector VTEX – Linio", "VTEX – Linio connector"),
    "app.read_only": _t(
        "Usuario de solo lectura: puedes mirar todo, pero no cambiar nada.",
        "Read-only user: you can see everything but change nothing.",
    ),
    "lang.switch": _t("English", "Español"),
    # navigation
    "nav.overview": _t("Resumen", "Overview"),
    "nav.logs": _t("Registros", "Logs"),
    "nav.skus": _t("SKUs", "SKUs"),
    "nav.orders": _t("Pedidos", "Orders"),
    "nav.dead_letters": _t("Mensajes fallidos", "Dead letters"),
    "nav.mappings": _t("Mapeos", "Mappings"),
    "nav.stores": _t("Tiendas", "Stores"),
    "nav.fields": _t("Campos obligatorios", "Mandatory fields"),
    "nav.errors": _t("Errores y acciones", "Errors and actions"),
    "nav.logout": _t("Salir ({user})", "Sign out ({user})"),
    # login
    "login.heading": _t("Iniciar sesión", "Sign in"),
    "login.user": _t("Usuario", "User"),
    "login.password": _t("Contraseña", "Password"),
    "login.submit": _t("Entrar", "Sign in"),
    # filters and pages
    "filter.store": _t("Tienda", "Store"),
    "filter.flow": _t("Flujo", "Flow"),
    "filter.status": _t("Estado", "Status"),
    "filter.state": _t("Estado", "State"),
    "filter.code": _t("Código", "Code"),
    "filter.since": _t("Desde", "From"),
    "filter.until": _t("Hasta", "To"),
    "filter.all": _t("Todos", "All"),
    "filter.apply": _t("Filtrar", "Filter"),
    "pager.first": _t("Primera página", "First page"),
    "pager.next": _t("Siguiente", "Next"),
    "pager.previous": _t("Anterior", "Previous"),
    # overview
    "overview.heading": _t("Resumen por tienda", "Overview per store"),
    "overview.skus": _t("SKUs por estado", "SKUs by state"),
    "overview.orders": _t("Pedidos por estado", "Orders by state"),
    "overview.queues": _t("Colas (mensajes en espera)", "Queues (messages waiting)"),
    "overview.dead_letters": _t("Mensajes fallidos", "Dead letters"),
    "overview.seller_center": _t("Seller Center", "Seller Center"),
    "overview.feeds_today": _t(
        "Feeds enviados hoy (día del vendedor)", "Feeds sent today (seller's day)"
    ),
    "overview.no_feeds": _t("Aún no se envió ningún feed.", "No feed sent yet."),
    "overview.quota_left": _t("Cuota de feeds disponible", "Feed quota left"),
    "overview.next_slot": _t("Próximo feed libre en", "Next free feed slot in"),
    "overview.window": _t("Llamadas en la ventana de 3 s", "Calls in the 3-s window"),
    "overview.no_calls": _t(
        "Este proceso aún no llamó a Seller Center para la tienda.",
        "This process has not called Seller Center for the store yet.",
    ),
    "overview.last_success": _t("Última sincronización correcta", "Last successful sync"),
    "overview.chart": _t("Éxitos y errores, últimos 14 días", "Successes and errors, last 14 days"),
    "overview.successes": _t("éxitos", "successes"),
    "overview.errors": _t("errores", "errors"),
    "overview.none": _t("Nada todavía.", "Nothing yet."),
    "overview.queue_stalled": _t(
        "La cola «{queue}» está detenida: ningún proceso avanza desde hace {idle} "
        "(mensajes en espera: {waiting}; en manos de un worker: {held}). Revisa que los "
        "workers corran y estén conectados a RabbitMQ; el registro del servicio dice qué "
        "falló (queue_stalled).",
        "Queue “{queue}” is stalled: no process has made progress for {idle} (messages "
        "waiting: {waiting}; held by a worker: {held}). Check that the workers run and are "
        "connected to RabbitMQ; the service log says what failed (queue_stalled).",
    ),
    "overview.queue_stalled_never": _t(
        "La cola «{queue}» está detenida: ningún proceso la hizo avanzar desde que arrancó "
        "(mensajes en espera: {waiting}; en manos de un worker: {held}). Revisa que los "
        "workers corran y estén conectados a RabbitMQ; el registro del servicio dice qué "
        "falló (queue_stalled).",
        "Queue “{queue}” is stalled: no process has moved it since it started (messages "
        "waiting: {waiting}; held by a worker: {held}). Check that the workers run and are "
        "connected to RabbitMQ; the service log says what failed (queue_stalled).",
    ),
    "overview.queue_unattended": _t(
        "La cola «{queue}» no tiene consumidor (mensajes en espera: {waiting}): ningún "
        "worker la atiende. Inicia o reinicia un worker (vtex-linio worker).",
        "Queue “{queue}” has no consumer (messages waiting: {waiting}): no worker takes "
        "them. Start or restart a worker (vtex-linio worker).",
    ),
    "overview.held": _t("Retenidos por el control de precios", "Held by the price guard"),
    # logs
    "logs.heading": _t("Registros para el vendedor", "Seller logs"),
    "logs.at": _t("Fecha (UTC)", "Date (UTC)"),
    "logs.subject": _t("SKU / pedido", "SKU / order"),
    "logs.order": _t("Pedido", "Order"),
    "logs.message": _t("Mensaje", "Message"),
    "logs.action": _t("Qué hacer", "What to do"),
    "logs.vtex_fields": _t("Campos para VTEX", "VTEX fields"),
    "logs.csv": _t("Exportar CSV", "Export CSV"),
    "logs.empty": _t("No hay registros con este filtro.", "No entries match this filter."),
    # SKUs
    "skus.heading": _t("Tabla de estados de SKUs", "SKU states table"),
    "skus.state": _t("Estado", "State"),
    "skus.problem": _t("Problema (código)", "Problem (code)"),
    "skus.last_stage": _t("Última etapa", "Last stage"),
    "skus.last_result": _t("Último resultado", "Last result"),
    "skus.retry": _t("Reintentar", "Retry"),
    "skus.resend": _t("Reenviar todo", "Resend everything"),
    "skus.bulk_retry": _t("Reintentar todos los SKUs del filtro", "Retry every SKU of the filter"),
    "skus.timeline": _t("Línea de tiempo", "Timeline"),
    "skus.problems": _t("Problemas", "Problems"),
    "skus.no_problems": _t("Sin problemas registrados.", "No problems recorded."),
    "skus.waiting": _t("Espera el mapeo de", "Waits for the mapping of"),
    "skus.empty": _t("No hay SKUs con este filtro.", "No SKUs match this filter."),
    "skus.price_guard": _t("Aprobaciones del control de precios", "Price-guard approvals"),
    "skus.price_guard_detail": _t("Detalle", "Detail"),
    "skus.price_guard_none": _t(
        "Ningún SKU retenido por el control de precios.", "No SKU is held by the price guard."
    ),
    "skus.previous_price": _t("Precio enviado", "Price sent"),
    "skus.new_price": _t("Precio nuevo de VTEX", "New VTEX price"),
    "skus.drop": _t("Baja", "Drop"),
    "skus.held_at": _t("Retenido el", "Held on"),
    "skus.approve": _t("Aprobar y enviar", "Approve and send"),
    "skus.reject": _t("Rechazar", "Reject"),
    "skus.price_approved": _t(
        "Precio del SKU {sku} aprobado: se envía a Seller Center en el próximo feed.",
        "Price of SKU {sku} approved: it goes to Seller Center in the next feed.",
    ),
    "skus.price_rejected": _t(
        "Precio del SKU {sku} rechazado: Linio mantiene el precio anterior. Corrige el precio "
        "en VTEX; si VTEX vuelve a bajarlo tanto, quedará retenido de nuevo.",
        "Price of SKU {sku} rejected: Linio keeps the previous price. Fix the price in VTEX; "
        "if VTEX drops it as much again, it is held again.",
    ),
    "skus.retried": _t("SKU {sku} encolado de nuevo.", "SKU {sku} queued again."),
    "skus.resent": _t(
        "SKU {sku} encolado para reenviar todos sus campos.",
        "SKU {sku} queued to send all its fields again.",
    ),
    "skus.bulk_retried": _t("{count} SKUs encolados de nuevo.", "{count} SKUs queued again."),
    # orders
    "orders.heading": _t("Pedidos (libro de pedidos)", "Orders (order ledger)"),
    "orders.search": _t("Id o número de pedido", "Order id or number"),
    "orders.vtex_order": _t("Pedido VTEX", "VTEX order"),
    "orders.updated": _t("Actualizado", "Updated"),
    "orders.ledger": _t("Datos del pedido", "Order data"),
    "orders.timeline": _t("Línea de tiempo (Linio y VTEX)", "Timeline (Linio and VTEX)"),
    "orders.documents": _t("Documentos", "Documents"),
    "orders.held_divergence": _t(
        "VTEX retiene este pedido por divergencia de precio: el comprador pagó en Linio un "
        "precio distinto del de VTEX. Autoriza el pedido en VTEX o ajusta la regla de "
        "divergencia de precios del afiliado.",
        "VTEX holds this order for price divergence: the buyer paid on Linio a price other "
        "than VTEX's. Authorize the order in VTEX or adjust the affiliate's price-divergence "
        "rule.",
    ),
    "orders.no_documents": _t("Sin documentos guardados.", "No documents stored."),
    "orders.retry": _t("Leer de nuevo y reintentar", "Read again and retry"),
    "orders.retried": _t("Pedido {order} encolado de nuevo.", "Order {order} queued again."),
    "orders.empty": _t("No hay pedidos con este filtro.", "No orders match this filter."),
    # dead letters
    "dead.heading": _t("Mensajes fallidos", "Dead letters"),
    "dead.intro": _t(
        "Trabajo que falló definitivamente: por qué, qué hacer, y reenviarlo.",
        "Work that failed for good: why, what to do, and replay it.",
    ),
    "dead.queue": _t("Cola", "Queue"),
    "dead.kind": _t("Tipo de fallo", "Failure kind"),
    "dead.when": _t("Cuándo", "When"),
    "dead.why": _t("Por qué y qué hacer", "Why and what to do"),
    "dead.message": _t("Mensaje", "Message"),
    "dead.attempts": _t("{n} intentos", "{n} attempts"),
    "dead.replay": _t("Reenviar", "Replay"),
    "dead.replay_all": _t("Reenviar los {n} del filtro", "Replay the {n} of the filter"),
    "dead.replayed": _t("{count} mensajes reenviados.", "{count} messages replayed."),
    "dead.empty": _t("No hay mensajes fallidos.", "No dead letters."),
    # mappings
    "mappings.heading": _t("Mapeos", "Mappings"),
    "mappings.kind": _t("Tipo", "Kind"),
    "mappings.waiting": _t("SKUs esperando un mapeo", "SKUs waiting on a mapping"),
    "mappings.none_waiting": _t("Ningún SKU espera un mapeo.", "No SKU waits on a mapping."),
    "mappings.skus": _t("SKUs", "SKUs"),
    "mappings.map_it": _t("Mapear", "Map it"),
    "mappings.edit": _t("Agregar o editar", "Add or edit"),
    "mappings.edit_row": _t("Editar", "Edit"),
    "mappings.vtex_id": _t("Id en VTEX", "VTEX id"),
    "mappings.linio_id": _t("Id en Seller Center", "Seller Center id"),
    "mappings.vtex_category": _t("Categoría VTEX", "VTEX category"),
    "mappings.linio_category": _t(
        "Categoría de Linio (id, o * para todas)", "Linio category (id, or * for all)"
    ),
    "mappings.from_linio": _t("Elegir de Linio", "Pick from Linio"),
    "mappings.load_tree": _t(
        "Leer el árbol de categorías de Linio (una llamada a Seller Center, guardada un día)",
        "Read Linio's category tree (one Seller Center call, kept for a day)",
    ),
    "mappings.linio_tree": _t(
        "Árbol de categorías de Linio ({count})", "Linio's category tree ({count})"
    ),
    "mappings.use": _t("Usar", "Use"),
    "mappings.see_attributes": _t("Ver atributos", "See attributes"),
    "mappings.attribute_label": _t("Nombre", "Name"),
    "mappings.mandatory": _t("Obligatorio", "Mandatory"),
    "mappings.options": _t("Opciones", "Options"),
    "mappings.yes": _t("sí", "yes"),
    "mappings.no_attributes": _t(
        "La categoría no tiene atributos propios.", "The category has no attributes of its own."
    ),
    "mappings.vtex_field": _t("Especificación VTEX", "VTEX specification"),
    "mappings.linio_attribute": _t("Atributo de Linio", "Linio attribute"),
    "mappings.values": _t(
        "Valores (VTEX = Linio, uno por línea)", "Values (VTEX = Linio, one per line)"
    ),
    "mappings.source": _t("Origen", "Source"),
    "mappings.save": _t("Guardar", "Save"),
    "mappings.export": _t("Exportar CSV (formato del plugin)", "Export CSV (plugin format)"),
    "mappings.import": _t("Importar CSV (formato del plugin)", "Import CSV (plugin format)"),
    "mappings.upload": _t("Subir", "Upload"),
    "mappings.empty": _t("Sin mapeos todavía.", "No mappings yet."),
    "mappings.saved": _t(
        "Mapeo guardado; {released} SKUs liberados.", "Mapping saved; {released} SKUs released."
    ),
    "mappings.imported": _t(
        "{count} filas importadas; {released} SKUs liberados.",
        "{count} rows imported; {released} SKUs released.",
    ),
    # stores
    "stores.heading": _t("Tiendas conectadas", "Connected stores"),
    "stores.empty": _t(
        "Todavía no hay tiendas. Impórtalas con «vtex-linio import» o desde la app de VTEX.",
        "No stores yet. Import them with `vtex-linio import` or from the VTEX app.",
    ),
    "stores.active": _t("Activa", "Active"),
    "stores.inactive": _t("Desactivada", "Switched off"),
    "stores.endpoint": _t(
        "Search Endpoint para el afiliado en VTEX (cópialo tal cual):",
        "Search Endpoint for the VTEX affiliate (copy it as is):",
    ),
    "stores.connector": _t(
        "Connector endpoint (app de configuración, Channel Order API y servicios del "
        "marketplace para facturas, seguimiento y cancelaciones):",
        "Connector endpoint (settings app, Channel Order API and marketplace services "
        "endpoint for invoices, tracking and cancellations):",
    ),
    "stores.legacy": _t(
        "VTEX aún llama a la URL antigua (?token=). Reemplácela por la Search Endpoint de arriba.",
        "VTEX still calls the old URL (?token=). Replace it with the Search Endpoint above.",
    ),
    "stores.rotate": _t(
        "Cambiar el token (las URL actuales dejan de funcionar)",
        "Rotate the token (the current URLs stop working)",
    ),
    "stores.rotated": _t(
        "Token de {store} cambiado: pega las URL nuevas en VTEX y Seller Center.",
        "Token of {store} rotated: paste the new URLs into VTEX and Seller Center.",
    ),
    "stores.webhook_url": _t("URL del webhook de Seller Center:", "Seller Center webhook URL:"),
    "stores.register_webhook": _t("Registrar webhook en Seller Center", "Register the webhook"),
    "stores.webhook_registered_at": _t(
        "Registrado (id {id}) el {at}", "Registered (id {id}) on {at}"
    ),
    "stores.webhook_registered": _t(
        "Webhook de {store} registrado en Seller Center (id {id}).",
        "Webhook of {store} registered in Seller Center (id {id}).",
    ),
    "stores.activate": _t("Activar", "Activate"),
    "stores.deactivate": _t("Desactivar", "Deactivate"),
    "stores.activated": _t("Tienda {store} activada.", "Store {store} activated."),
    "stores.deactivated": _t("Tienda {store} desactivada.", "Store {store} switched off."),
    "stores.initial_load": _t("Carga inicial", "Initial load"),
    "stores.load_requested": _t(
        "Carga inicial de {store} encolada.", "Initial load of {store} queued."
    ),
    "stores.load_progress": _t(
        "Carga inicial pedida el {at}. Avance:", "Initial load requested on {at}. Progress:"
    ),
    "stores.config": _t("Configuración", "Settings"),
    "stores.secret_set": _t("guardada (oculta)", "stored (hidden)"),
    "stores.secret_missing": _t("falta", "missing"),
    "stores.rules": _t("Reglas de la tienda", "Store rules"),
    "stores.no_rules": _t(
        "Sin reglas (margen, stock de seguridad, control de precios).",
        "No rules (markup, safety stock, price guard).",
    ),
    "stores.dead_letters": _t("Mensajes fallidos", "Dead letters"),
    "stores.save_rules": _t("Guardar reglas", "Save rules"),
    "stores.rules_saved": _t("Reglas de {store} guardadas.", "Rules of {store} saved."),
    "stores.rule_empty_off": _t("vacío = desactivado", "empty = off"),
    "stores.divergence": _t(
        "Esta tienda sube el precio en Linio ({percent} % y {fixed} fijo), y los pedidos llegan "
        "a VTEX con el precio que pagó el comprador en Linio. En VTEX, la regla de divergencia "
        "de precios del afiliado debe aceptar al menos ese margen (tolerancia ≥ {percent} %, "
        "más el monto fijo), o los pedidos quedarán retenidos. Alternativa sin divergencia: "
        "una lista de precios de VTEX para la política comercial de Linio, sin margen aquí.",
        "This store raises the price on Linio ({percent} % and {fixed} fixed), and orders reach "
        "VTEX with the price the buyer paid on Linio. In VTEX, the affiliate's price-divergence "
        "rule must accept at least that markup (tolerance ≥ {percent} %, plus the fixed "
        "amount), or orders are held. Alternative without divergence: a VTEX price table for "
        "Linio's trade policy, with no markup here.",
    ),
    "stores.courier_map": _t(
        "Transportadoras de VTEX → proveedores de envío de Linio",
        "VTEX couriers → Linio shipment providers",
    ),
    "stores.postal_codes": _t(
        "Ciudades → código postal (direcciones de Linio sin código postal)",
        "Cities → postal code (Linio addresses without a postal code)",
    ),
    "stores.map_empty": _t("Sin filas todavía.", "No rows yet."),
    "stores.map_save": _t(
        "Guardar fila (segundo valor vacío = borrar)", "Save row (empty second value = delete)"
    ),
    "stores.map_export": _t("Exportar CSV", "Export CSV"),
    "stores.map_import": _t("Importar CSV (reemplaza todo)", "Import CSV (replaces all)"),
    "stores.courier_map_saved": _t(
        "Mapa de transportadoras de {store} guardado ({count} filas).",
        "Courier map of {store} saved ({count} rows).",
    ),
    "stores.postal_codes_saved": _t(
        "Códigos postales de {store} guardados ({count} filas).",
        "Postal codes of {store} saved ({count} rows).",
    ),
    "column.vtex_courier": _t("Transportadora en VTEX", "VTEX courier"),
    "column.linio_shipment_provider": _t("Proveedor de envío en Linio", "Linio shipment provider"),
    "column.city": _t("Ciudad", "City"),
    "column.postal_code": _t("Código postal", "Postal code"),
    "rule.markup_percent": _t("Margen (%)", "Markup (%)"),
    "rule.markup_fixed": _t("Margen fijo (moneda de la tienda)", "Fixed markup (store currency)"),
    "rule.rounding": _t("Redondeo", "Rounding"),
    "rule.safety_stock": _t("Stock de seguridad (unidades)", "Safety stock (units)"),
    "rule.price_drop_guard_percent": _t("Límite de baja de precio (%)", "Price-drop guard (%)"),
    "rule.reconcile_interval": _t(
        "Intervalo de conciliación (segundos, 0 = nunca)",
        "Reconciliation interval (seconds, 0 = never)",
    ),
    "rule.reconcile_budget": _t(
        "SKUs por conciliación (máximo)", "SKUs per reconciliation (at most)"
    ),
    "rule.reconcile_call_reserve": _t(
        "Llamadas que la conciliación deja libres (de 30 cada 3 s)",
        "Calls reconciliation leaves free (of 30 per 3 s)",
    ),
    "rule.reconcile_feed_reserve": _t(
        "Feeds de la cuota que la conciliación deja libres",
        "Feeds of the quota reconciliation leaves free",
    ),
    "rule.deactivation": _t("Al quitar un producto de Linio", "When a product leaves Linio"),
    "choice.inactive": _t("desactivarlo (stock 0)", "make it inactive (stock 0)"),
    "choice.remove": _t("eliminarlo de Seller Center", "remove it from Seller Center"),
    "choice.half_up": _t("al más cercano", "to the nearest"),
    "choice.up": _t("hacia arriba", "up"),
    "choice.down": _t("hacia abajo", "down"),
    # public tables
    "tables.fields": _t("Tabla de campos obligatorios", "Mandatory-field table"),
    "tables.fields_intro": _t(
        "Cómo llena el conector cada campo de Linio a partir de VTEX; la misma tabla que usan "
        "la validación y la transformación.",
        "How the connector fills each Linio field from VTEX; the same table validation and "
        "transformation use.",
    ),
    "tables.category_attributes": _t(
        "Atributos obligatorios por categoría de Linio", "Mandatory attributes per Linio category"
    ),
    "tables.no_category_cache": _t(
        "Aparecerán aquí cuando el conector lea los atributos de las categorías mapeadas "
        "(GetCategoryAttributes de Seller Center); aún no se leyó ninguna.",
        "They appear here once the connector reads the attributes of the mapped categories "
        "(Seller Center's GetCategoryAttributes); none has been read yet.",
    ),
    "tables.no_mandatory": _t(
        "Sin atributos obligatorios propios.", "No mandatory attributes of its own."
    ),
    "tables.errors": _t("Tabla de errores y acciones", "Error-action table"),
    "tables.errors_intro": _t(
        "Cada código que el conector puede mostrar: cuándo ocurre, el mensaje y qué hacer.",
        "Every code the connector can show: when it happens, the message and what to do.",
    ),
    "tables.code": _t("Código", "Code"),
    "tables.flow": _t("Flujo", "Flow"),
    "tables.http_status": _t("Respuesta HTTP", "HTTP status"),
    "tables.log_status": _t("Estado del registro", "Log status"),
    "tables.when": _t("Cuándo", "When"),
    "tables.message": _t("Mensaje", "Message"),
    "tables.action": _t("Acción", "Action"),
    # labels of values (shown raw when a flow adds one not listed here)
    "status.success": _t("Éxito", "Success"),
    "status.error": _t("Error", "Error"),
    "status.warning": _t("Aviso", "Warning"),
    "status.alert": _t("Alerta", "Alert"),
    "status.pending": _t("Pendiente", "Pending"),
    "state.pending": _t("Pendiente", "Pending"),
    "state.pending_mapping": _t("Espera un mapeo", "Pending mapping"),
    "state.live": _t("Publicado", "Live"),
    "state.error": _t("Con error", "Error"),
    "state.inactive": _t("Inactivo", "Inactive"),
    "state.held": _t("Retenido por precio", "Held by the price guard"),
    "state.unknown": _t("Sin estado", "No state"),
    "stage.notified": _t("Notificado", "Notified"),
    "stage.read": _t("Leído de VTEX", "Read from VTEX"),
    "stage.validated": _t("Validado", "Validated"),
    "stage.sent": _t("Enviado", "Sent"),
    "stage.confirmed": _t("Confirmado por Seller Center", "Confirmed by Seller Center"),
    "stage.live": _t("Publicado", "Live"),
    "stage.qc": _t("Control de calidad", "Quality control"),
    "kind.category": _t("Categorías", "Categories"),
    "kind.brand": _t("Marcas", "Brands"),
    "kind.attribute": _t("Valores de atributos", "Attribute values"),
    "side.linio": _t("Linio", "Linio"),
    "side.vtex": _t("VTEX", "VTEX"),
    "side.connector": _t("Conector", "Connector"),
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
