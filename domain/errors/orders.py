"""Error-catalogue entries of the orders flow.

Three families:

- `order.A` … `order.Q`: VTEX's order log letters (spec §4.5, "[Deprecated] Order Logs"),
  English as VTEX words them (placeholders renamed to ours), Spanish written for sellers;
  `http_status` is the table's "response" column, `log_status` its severity (K and M have
  none in the source: K is an error, M is pending because we retry by ourselves).
- `order.SOI001` … `order.EOI011` and `order.result_unknown`: outcomes of the Channel Order
  API (spec §3.4.3, §4.6: the new method logs its codes). `retry` says whether the
  connector tries again by itself.
- `order.<problem>`: our own problems, listed inside an I / D / F log or written alone
  (unmapped SellerSku, postal code unknown, courier not mapped, tracking refused…).
"""

from __future__ import annotations

from domain.errors.base import Bilingual, ErrorEntry, LogStatus, entries


def _e(
    code: str,
    *,
    when: tuple[str, str],
    message: tuple[str, str],
    action: tuple[str, str],
    log_status: LogStatus | None,
    http_status: int | None = None,
    retry: bool = False,
    flow: str = "order",
) -> ErrorEntry:
    return ErrorEntry(
        code=code,
        flow=flow,  # type: ignore[arg-type]
        when=Bilingual(es=when[0], en=when[1]),
        message=Bilingual(es=message[0], en=message[1]),
        action=Bilingual(es=action[0], en=action[1]),
        http_status=http_status,
        log_status=log_status,
        retry=retry,
    )


_LETTERS = (
    _e(
        "order.A",
        log_status="success",
        http_status=201,
        when=(
            "Al integrar el pedido en VTEX con éxito.",
            "When integrating the order successfully in VTEX.",
        ),
        message=(
            "El pedido {marketplace_order_id} se creó en VTEX con éxito con el ID "
            "{vtex_order_id}. Enlace al pedido en VTEX: {order_url}",
            "The order {marketplace_order_id} was created in VTEX successfully under the ID "
            "{vtex_order_id}. Link to the order within VTEX: {order_url}",
        ),
        action=("Ninguna.", "None."),
    ),
    _e(
        "order.B",
        log_status="success",
        http_status=201,
        when=(
            "Al crear la regla estándar de divergencia de precios.",
            "When creating the standard price-divergence rule.",
        ),
        message=(
            "La regla estándar con aprobación manual de 0-100% se creó con éxito. Para verla "
            "o cambiarla entra en https://{account}.myvtex.com/admin/order-auth",
            "The standard rule with 0-100% manual approval was created successfully. To view "
            "or change this rule go to https://{account}.myvtex.com/admin/order-auth",
        ),
        action=("Revisa la regla si quieres otro margen.", "Review the rule for another range."),
    ),
    _e(
        "order.C",
        log_status="success",
        http_status=201,
        when=("Al enviar la cancelación del pedido.", "When sending the cancel order request."),
        message=(
            "El pedido {vtex_order_id} se canceló con éxito.",
            "The order {vtex_order_id} has been cancelled successfully.",
        ),
        action=("Ninguna.", "None."),
    ),
    _e(
        "order.D",
        log_status="warning",
        http_status=400,
        when=(
            "Cuando la simulación de fulfillment no devuelve el SKU en `items`.",
            "When the fulfillment simulation does not return the SKU in `items`.",
        ),
        message=(
            "No pudimos obtener la información del SKU {sku_id}. Revisa en VTEX que: 1. en el "
            "registro del producto esté asociado a la política comercial; 2. en la simulación "
            "de fulfillment exista una transportadora que atienda el SKU; 3. en la "
            "configuración de precios haya un precio para la política comercial.",
            "Oops, we couldn’t obtain the information of SKU {sku_id}. Please check if the "
            "items below are configured correctly in the VTEX platform. 1. In product "
            "registration, check if it is associated with the trade policy. 2. In "
            "fulfillment simulation, check if the carrier attending the SKU exists. 3. In "
            "price configuration, check if there’s a price associated with the trade policy.",
        ),
        action=(
            "Corrige la política comercial, la transportadora o el precio y reintenta el pedido.",
            "Fix the trade policy, carrier or price, then retry the order.",
        ),
    ),
    _e(
        "order.E",
        log_status="alert",
        http_status=400,
        retry=True,
        when=(
            "Cuando la cancelación falla varias veces por exceso de solicitudes.",
            "When the Cancel Order request fails repeatedly for too many requests.",
        ),
        message=(
            "No pudimos cancelar el pedido ahora por el alto volumen de solicitudes. Lo "
            "intentaremos más tarde. Si prefieres, cancela el pedido directamente en VTEX.",
            "Oops, we could not cancel the order right now, due to the high volume of requests "
            "we’re receiving. We’ll try again later. If you prefer, you can cancel the order "
            "directly in VTEX.",
        ),
        action=("Espera o cancela en VTEX.", "Wait, or cancel in VTEX."),
    ),
    _e(
        "order.F",
        log_status="warning",
        http_status=400,
        when=("Cuando el SKU está inactivo en VTEX.", "When the SKU is inactive in VTEX."),
        message=(
            "El SKU {sku_id} está inactivo en VTEX. Revisa: 1. en el Catálogo, que «Activar "
            "SKU» esté marcado; 2. que tenga imagen; 3. que una transportadora lo atienda en "
            "la simulación; 4. que tenga precio en la política comercial.",
            "Oops, the SKU {sku_id} is inactive in VTEX. We recommend that you check: 1. In "
            "Catalog, identify the SKU and check if the field “Activate SKU” is checked. 2. In "
            "Catalog, check if the image is uploaded. 3. In fulfillment simulation, check if "
            "the carrier attending the SKU exists. 4. On price configuration, check if "
            "there’s a price associated with the trade policy.",
        ),
        action=("Activa el SKU y reintenta el pedido.", "Activate the SKU, then retry the order."),
    ),
    _e(
        "order.G",
        log_status="error",
        http_status=500,
        when=(
            "Al cancelar un pedido que ya se canceló manualmente en VTEX.",
            "When cancelling an order already cancelled manually in VTEX.",
        ),
        message=(
            "El pedido {vtex_order_id} ya estaba cancelado en VTEX.",
            "The order {vtex_order_id} has already been cancelled in VTEX.",
        ),
        action=("Ninguna.", "None."),
    ),
    _e(
        "order.H",
        log_status="warning",
        http_status=200,
        when=("Al recibir un error de divergencias.", "When receiving an error about divergences."),
        message=(
            "No encontramos los valores necesarios para crear el pedido con valores estándar "
            "aceptados por el marketplace: {fields}",
            "Oops, we couldn’t find the values needed for order placement, with standard "
            "values accepted by the marketplace. {fields}",
        ),
        action=("Revisa los valores indicados.", "Check the values listed."),
    ),
    _e(
        "order.I",
        log_status="error",
        http_status=400,
        when=(
            "Al transformar el pedido al formato que VTEX exige.",
            "When transforming the order data to the format VTEX demands.",
        ),
        message=(
            "No pudimos preparar el pedido {marketplace_order_id} para VTEX por: {problems}",
            "Oops, we couldn't prepare the order {marketplace_order_id} for VTEX due to: "
            "{problems}",
        ),
        action=(
            "Corrige cada punto de la lista y pulsa «Reintentar» en el pedido.",
            "Fix every point of the list, then press 'Retry' on the order.",
        ),
    ),
    _e(
        "order.J",
        log_status="error",
        http_status=400,
        when=(
            "Al fallar la creación de la regla estándar de divergencia de precios.",
            "When creating the standard price-divergence rule fails.",
        ),
        message=(
            "No pudimos crear la regla estándar de divergencia de precios. Intenta más tarde.",
            "Oops, we were not able to create the standard price divergence rule. Please try "
            "again later.",
        ),
        action=(
            "Crea la regla en Configuración de la tienda → Pedidos → Autorización de pedidos.",
            "Create the rule in Store Settings → Orders → Order authorization.",
        ),
    ),
    _e(
        "order.K",
        log_status="error",
        when=(
            "Al cancelar un pedido con credenciales inválidas.",
            "When cancelling an order with invalid credentials.",
        ),
        message=(
            "No pudimos comunicarnos con VTEX para cancelar el pedido. Revisa que la "
            "configuración de tu integración sea correcta.",
            "Oops, we were not able to communicate with VTEX to cancel the Order. Please check "
            "if your integration’s settings are correct.",
        ),
        action=(
            "Revisa la AppKey y el AppToken de la tienda y reintenta.",
            "Check the store's AppKey and AppToken, then retry.",
        ),
    ),
    _e(
        "order.L",
        log_status="error",
        http_status=500,
        retry=True,
        when=(
            "Al no poder comunicarse con la API del marketplace.",
            "When the marketplace API cannot be reached.",
        ),
        message=(
            "El marketplace {marketplace} no está disponible ahora. No te preocupes: lo "
            "intentaremos de nuevo en unos minutos. Si el problema persiste, contacta al "
            "marketplace.",
            "Oops, the {marketplace} marketplace is unavailable right now. Don’t worry - we’ll "
            "try again in a few minutes. In case the problem persists, get in touch with the "
            "marketplace.",
        ),
        action=("Espera; reintentamos solos.", "Wait; we retry by ourselves."),
    ),
    _e(
        "order.M",
        log_status="pending",
        retry=True,
        when=(
            "Al cancelar un pedido que aún no está integrado en VTEX.",
            "When cancelling an order not yet integrated in VTEX.",
        ),
        message=(
            "El pedido {order_id} aún no está integrado en VTEX. Lo intentaremos más tarde.",
            "Oops, the order {order_id} has not been integrated in VTEX yet. We’ll try again "
            "later.",
        ),
        action=("Ninguna.", "None."),
    ),
    _e(
        "order.N",
        log_status="error",
        http_status=400,
        when=(
            "Cuando el marketplace rechaza datos incorrectos.",
            "When the marketplace rejects incorrect data.",
        ),
        message=(
            "El marketplace rechazó los datos del pedido {order_id}: {problems}",
            "The marketplace refused the data of order {order_id}: {problems}",
        ),
        action=("Corrige los datos y reintenta.", "Fix the data, then retry."),
    ),
    _e(
        "order.O",
        log_status="error",
        http_status=400,
        when=(
            "Al no encontrar el mapeo de categoría o atributo en el Mapper de VTEX.",
            "When the category or attribute mapping is missing in VTEX's Mapper.",
        ),
        message=(
            "No encontramos el mapeo de la categoría {category} del SKU {sku_id} en el "
            "marketplace. Hazlo en {mapper_url}.",
            "Oops, we couldn’t find the category {category} mapping of the {sku_id} SKU in the "
            "marketplace. Please perform this mapping at {mapper_url}.",
        ),
        action=("Mapea la categoría.", "Map the category."),
    ),
    _e(
        "order.P",
        log_status="error",
        http_status=500,
        retry=True,
        when=(
            "Al no poder comunicarse con la API de mapeo del Mapper.",
            "When the Mapper's mapping API cannot be reached.",
        ),
        message=(
            "El mapeo de categorías de VTEX no está disponible ahora. Lo intentaremos de nuevo "
            "en unos minutos; si persiste, contacta a soporte.",
            "Oops, the VTEX category mapping is unavailable right now. Don’t worry - we’ll try "
            "again in a few minutes. In case the problem persists, get in touch with support.",
        ),
        action=("Espera; reintentamos solos.", "Wait; we retry by ourselves."),
    ),
    _e(
        "order.Q",
        log_status="error",
        http_status=400,
        when=(
            "Al reprocesar un pedido que ya se canceló en el marketplace.",
            "When reprocessing an order already cancelled in the marketplace.",
        ),
        message=(
            "No pudimos reprocesar el pedido {order_id} de {marketplace}, porque se canceló "
            "manualmente en el marketplace.",
            "Oops, we couldn’t reprocess the order {order_id} of the {marketplace}, since this "
            "order was cancelled manually in the marketplace.",
        ),
        action=(
            "Ninguna: dejamos de reintentar este pedido.",
            "None: we stopped retrying this order.",
        ),
    ),
)


def _result(
    code: str,
    log_status: LogStatus,
    es: str,
    en: str,
    action: tuple[str, str],
    *,
    retry: bool = False,
) -> ErrorEntry:
    return _e(
        f"order.{code}",
        log_status=log_status,
        retry=retry,
        when=(f"VTEX responde {code} al pedido o a su aprobación.", f"VTEX answers {code}."),
        message=(
            f"Pedido {{marketplace_order_id}}: {es} ({code}). {{detail}}",
            f"Order {{marketplace_order_id}}: {en} ({code}). {{detail}}",
        ),
        action=action,
    )


_NONE = ("Ninguna.", "None.")
_WAIT = ("Espera; reintentamos solos.", "Wait; we retry by ourselves.")

_RESULTS = (
    _result("SOI001", "success", "integrado en VTEX", "integrated into VTEX", _NONE),
    _result("SOI002", "success", "aprobado en VTEX", "approved in VTEX", _NONE),
    _result("SOI003", "pending", "en cola en VTEX", "enqueued in VTEX", _NONE),
    _result(
        "EOI000",
        "error",
        "error desconocido de VTEX",
        "unknown VTEX error",
        ("Contacta al soporte de VTEX con este log.", "Contact VTEX support with this log."),
    ),
    _result(
        "EOI001",
        "error",
        "error no mapeado de VTEX",
        "unmapped VTEX error",
        ("Revisa el detalle y reintenta el pedido.", "Read the details, then retry the order."),
    ),
    _result(
        "EOI002",
        "error",
        "sin SLA o sin ítems disponibles (stock, SKU inactivo, fuera de la política "
        "comercial o sin transportadora)",
        "no SLA or items available (stock, inactive SKU, outside the trade policy or no carrier)",
        (
            "Revisa stock, política comercial y transportadoras; reintentamos mientras Linio "
            "no cancele el pedido.",
            "Check stock, trade policy and carriers; we retry while Linio has not cancelled "
            "the order.",
        ),
        retry=True,
    ),
    _result(
        "EOI003",
        "error",
        "el total pagado difiere del de VTEX y no hay regla de autorización de pedidos",
        "the paid total differs from VTEX's and there is no order-authorization rule",
        (
            "Crea una regla de divergencia de precios en VTEX (tolerancia al menos tu "
            "recargo en Linio) o usa una tabla de precios para la política comercial; luego "
            "reintenta.",
            "Create a price-divergence rule in VTEX (tolerance at least your Linio markup) or "
            "use a price table for the trade policy; then retry.",
        ),
    ),
    _result(
        "EOI004",
        "error",
        "carrito inválido (ítem fuera del catálogo o mínimos de la tienda)",
        "invalid cart (item not in catalog or store minimums not met)",
        ("Corrige el catálogo y reintenta.", "Fix the catalog, then retry."),
    ),
    _result(
        "EOI005",
        "error",
        "error de validación de un campo",
        "validation error in a field",
        ("Corrige el campo indicado y reintenta.", "Fix the field named, then retry."),
    ),
    _result("EOI006", "alert", "error interno de VTEX", "VTEX internal error", _WAIT, retry=True),
    _result(
        "EOI007",
        "warning",
        "pedido duplicado: ya existe en VTEX",
        "duplicate order: it already exists in VTEX",
        ("Ninguna: leemos su ID en VTEX.", "None: we read its id from VTEX."),
    ),
    _result(
        "EOI008",
        "pending",
        "aún no integrado; no se puede aprobar",
        "not integrated yet; cannot approve",
        _WAIT,
        retry=True,
    ),
    _result(
        "EOI009",
        "error",
        "fuera de un estado aprobable (por ejemplo cancelado)",
        "out of a status that can be approved (e.g. cancelled)",
        ("Revisa el pedido en VTEX.", "Check the order in VTEX."),
    ),
    _result("EOI010", "alert", "VTEX no respondió a tiempo", "VTEX timed out", _WAIT, retry=True),
    _result(
        "EOI011",
        "warning",
        "integrado con divergencia de precio; espera tu autorización manual",
        "integrated with price divergence; waiting for your manual authorization",
        (
            "Autoriza o cancela el pedido en VTEX (Pedidos → autorización). El precio "
            "enviado es el pagado en Linio: no lo cambiamos.",
            "Authorize or cancel the order in VTEX (Orders → authorization). The price sent "
            "is the one paid on Linio: we never change it.",
        ),
        retry=True,
    ),
    _e(
        "order.result_unknown",
        log_status="alert",
        when=(
            "VTEX responde un código o un flujo («Unknown») que no conocemos.",
            "VTEX answers a code or a flow ('Unknown') we do not know.",
        ),
        message=(
            "Pedido {marketplace_order_id}: VTEX respondió {code} (flujo {flow}): {detail}",
            "Order {marketplace_order_id}: VTEX answered {code} (flow {flow}): {detail}",
        ),
        action=(
            "Revisa el pedido en VTEX; decidimos por el campo «success».",
            "Check the order in VTEX; we decided by the 'success' field.",
        ),
    ),
)

_PROBLEMS = (
    _e(
        "order.sku_unmapped",
        log_status="error",
        when=(
            "Un SellerSku del pedido no está vinculado a un SKU de VTEX.",
            "A SellerSku of the order is not linked to a VTEX SKU.",
        ),
        message=(
            "El SellerSku {seller_sku} no corresponde a ningún SKU de VTEX de esta tienda.",
            "SellerSku {seller_sku} matches no VTEX SKU of this store.",
        ),
        action=(
            "Vincula el SellerSku (importa el producto o corrige el SKU en Seller Center) y "
            "reintenta.",
            "Link the SellerSku (import the product or fix the SKU in Seller Center), then retry.",
        ),
    ),
    _e(
        "order.item_without_price",
        log_status="error",
        when=("Un ítem de Linio llega sin precio.", "A Linio item arrives without a price."),
        message=(
            "El ítem {order_item_id} ({seller_sku}) no trae PaidPrice ni ItemPrice.",
            "Item {order_item_id} ({seller_sku}) carries neither PaidPrice nor ItemPrice.",
        ),
        action=("Contacta a Linio.", "Contact Linio."),
    ),
    _e(
        "order.address_field_missing",
        log_status="error",
        when=("A la dirección de envío le falta un dato.", "The shipping address lacks a field."),
        message=(
            "A la dirección de envío le falta {field}.",
            "The shipping address lacks {field}.",
        ),
        action=("Pide el dato a Linio y reintenta.", "Ask Linio for it, then retry."),
    ),
    _e(
        "order.postal_code_unknown",
        log_status="error",
        when=(
            "La dirección no trae código postal y la tienda no asignó uno a su ciudad.",
            "The address has no postal code and the store gave its city none.",
        ),
        message=(
            "La dirección ({city}, {region}) no trae código postal; en {country} VTEX usa el "
            "código de la comuna/distrito/ciudad y la tienda no tiene uno para ella.",
            "The address ({city}, {region}) has no postal code; in {country} VTEX uses the "
            "commune/district/city code and the store has none for it.",
        ),
        action=(
            "Agrega la ciudad con su código postal de VTEX en la tabla de códigos postales de "
            "la tienda y reintenta.",
            "Add the city with its VTEX postal code to the store's postal-code table, then retry.",
        ),
    ),
    _e(
        "order.sku_inactive",
        log_status="warning",
        when=(
            "El SKU está inactivo o fuera de la política comercial (log F).",
            "The SKU is inactive or outside the trade policy (log F).",
        ),
        message=(
            "El SKU {sku_id} (SellerSku {seller_sku}) está inactivo o fuera de la política "
            "comercial.",
            "SKU {sku_id} (SellerSku {seller_sku}) is inactive or outside the trade policy.",
        ),
        action=("Actívalo en VTEX y reintenta.", "Activate it in VTEX, then retry."),
    ),
    _e(
        "order.sku_not_simulated",
        log_status="warning",
        when=(
            "La simulación no devuelve el SKU (log D).",
            "The simulation does not return the SKU (log D).",
        ),
        message=(
            "La simulación de VTEX no devolvió el SKU {sku_id} (SellerSku {seller_sku}).",
            "VTEX's simulation did not return SKU {sku_id} (SellerSku {seller_sku}).",
        ),
        action=(
            "Revisa política comercial, precio y transportadora del SKU.",
            "Check the SKU's trade policy, price and carrier.",
        ),
    ),
    _e(
        "order.sku_out_of_stock",
        log_status="warning",
        when=("El SKU no tiene stock suficiente.", "The SKU lacks stock."),
        message=(
            "El SKU {sku_id} tiene {stock} unidades y el pedido pide {quantity}.",
            "SKU {sku_id} has {stock} units and the order asks for {quantity}.",
        ),
        action=(
            "Repón stock en VTEX (reintentamos) o cancela el pedido en Linio.",
            "Restock in VTEX (we retry) or cancel the order on Linio.",
        ),
        retry=True,
    ),
    _e(
        "order.sku_no_sla",
        log_status="warning",
        when=("Ninguna transportadora atiende el destino.", "No carrier serves the destination."),
        message=(
            "Ninguna transportadora de VTEX entrega el SKU {sku_id} en el código postal "
            "{postal_code}.",
            "No VTEX carrier delivers SKU {sku_id} to postal code {postal_code}.",
        ),
        action=(
            "Revisa las políticas de envío del muelle de la política comercial.",
            "Check the shipping policies of the trade policy's loading dock.",
        ),
    ),
    _e(
        "order.fob_policy_needed",
        log_status="warning",
        when=(
            "Pedidos con guías de Linio (FOB) sin política de envío «Delivery» en VTEX.",
            "Orders with Linio's guides (FOB) without a 'Delivery' shipping policy in VTEX.",
        ),
        message=(
            "El pedido {marketplace_order_id} se envía con guías de Linio (FOB); VTEX "
            "necesita una política de envío de tipo entrega para la política comercial "
            "{sales_channel}.",
            "Order {marketplace_order_id} ships with Linio's guides (FOB); VTEX needs a "
            "delivery shipping policy for trade policy {sales_channel}.",
        ),
        action=(
            "Crea en VTEX una política de envío «Delivery» (marketplace entrega) asociada al "
            "muelle de la política comercial.",
            "Create in VTEX a 'Delivery' shipping policy (marketplace delivers) linked to the "
            "trade policy's loading dock.",
        ),
    ),
    _e(
        "order.nothing_to_place",
        log_status="warning",
        when=(
            "Todos los ítems del pedido ya están cancelados en Linio.",
            "Every item of the order is already cancelled on Linio.",
        ),
        message=(
            "El pedido {marketplace_order_id} ya no tiene ítems por entregar: no se crea en VTEX.",
            "Order {marketplace_order_id} has no items left to deliver: not created in VTEX.",
        ),
        action=("Ninguna.", "None."),
    ),
    _e(
        "order.courier_unmapped",
        log_status="error",
        when=(
            "La transportadora de la factura de VTEX no corresponde a un proveedor de Linio.",
            "The VTEX invoice's courier matches no Linio shipment provider.",
        ),
        message=(
            "La transportadora «{courier}» de VTEX no corresponde a ningún proveedor de "
            "envío de Linio ({providers}).",
            "VTEX courier '{courier}' matches no Linio shipment provider ({providers}).",
        ),
        action=(
            "Relaciona la transportadora con un proveedor en la tabla de transportadoras de "
            "la tienda y reenvía el pedido.",
            "Map the courier to a provider in the store's courier table, then replay the order.",
        ),
    ),
    _e(
        "order.tracking_invalid",
        log_status="error",
        when=(
            "El número de guía no cumple el formato del proveedor de Linio.",
            "The tracking number does not match the Linio provider's format.",
        ),
        message=(
            "La guía «{tracking_number}» no cumple el formato de {provider} (ejemplo: {example}).",
            "Tracking number '{tracking_number}' does not match {provider}'s format (example: "
            "{example}).",
        ),
        action=(
            "Corrige la guía en la factura de VTEX; la reenviamos al recibirla.",
            "Fix the tracking number on the VTEX invoice; we send it again when it arrives.",
        ),
    ),
    _e(
        "order.provider_refused",
        log_status="error",
        when=(
            "Linio no permite cambiar el proveedor de envío preseleccionado (E080).",
            "Linio refuses to change the preselected shipment provider (E080).",
        ),
        message=(
            "Linio rechazó el proveedor «{provider}» (de la transportadora de VTEX "
            "«{courier}») para el pedido {order_id}: el pedido tiene otro proveedor "
            "preseleccionado. Proveedores de la cuenta: {providers}.",
            "Linio refused provider '{provider}' (from VTEX courier '{courier}') for order "
            "{order_id}: the order has another preselected provider. Account providers: "
            "{providers}.",
        ),
        action=(
            "Relaciona la transportadora con el proveedor preseleccionado en la tabla de "
            "transportadoras y pulsa «Reenviar»: la guía queda como «no enviada» hasta "
            "entonces.",
            "Map the courier to the preselected provider in the courier table and press "
            "'Replay': the tracking stays 'not sent' until then.",
        ),
    ),
    _e(
        "order.invoice_items_unknown",
        log_status="error",
        when=(
            "La factura de VTEX nombra SKUs que el pedido de Linio no tiene.",
            "The VTEX invoice names SKUs the Linio order does not have.",
        ),
        message=(
            "La factura {invoice_number} trae SKUs que el pedido no tiene: {skus}.",
            "Invoice {invoice_number} carries SKUs the order does not have: {skus}.",
        ),
        action=("Revisa la factura en VTEX.", "Check the invoice in VTEX."),
    ),
    _e(
        "order.cancel_refused_shipped",
        log_status="warning",
        when=(
            "VTEX cancela un pedido cuyos ítems Linio ya envió.",
            "VTEX cancels an order whose items Linio already shipped.",
        ),
        message=(
            "No se pueden cancelar en Linio los ítems {items} del pedido {order_id}: ya "
            "están en estado {status}.",
            "Items {items} of order {order_id} cannot be cancelled on Linio: they are "
            "already {status}.",
        ),
        action=(
            "Gestiona la devolución con Linio desde Seller Center.",
            "Handle the return with Linio from Seller Center.",
        ),
    ),
)

ENTRIES: dict[str, ErrorEntry] = entries(*_LETTERS, *_RESULTS, *_PROBLEMS)

RESULT_CODES = frozenset(e.code.removeprefix("order.") for e in _RESULTS) - {"result_unknown"}
"""The SOI/EOI codes the catalogue knows; anything else renders as `order.result_unknown`."""


def result_code(code: str) -> str:
    """Catalogue code for a Channel Order API result code (open set: unknown → result_unknown)."""
    code = (code or "").upper()
    return f"order.{code}" if code in RESULT_CODES else "order.result_unknown"
