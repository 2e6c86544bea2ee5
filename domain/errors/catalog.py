"""Error-catalogue entries of the catalog flow.

Two families live here:

- VTEX's catalog log codes S1, A1, A2, A3, E1, E2, E3, E4, E5 (spec §4.4, "Catalog log
  messages"): English wording as VTEX publishes it, with the spec's placeholders written in
  `{name}` form, a Spanish translation, the "response" column as `http_status`, VTEX's log
  status, when it is written and the seller's action (the known-errors table of §5.4).
- One entry per validation problem kind (`catalog.*`, emitted by `domain/catalog/validate.py`
  and `domain/catalog/prices.py`): its message is the ONE line that appears inside the list
  of an E1 (data to fix), an E4 (mapping to make), an A1/A2 (why the SKU is skipped) or an A3
  (what was adjusted). `PROBLEM_LOG_CODE` says which of those lists a blocking problem of each
  kind goes to; a non-blocking problem always goes to A3.

Placeholders every problem line may use besides its own: `{linio_field}`, `{vtex_field}`.
"""

from __future__ import annotations

from domain.errors.base import Bilingual, ErrorEntry, entries


def _log(
    code: str,
    status: int,
    log_status: str,
    when: tuple[str, str],
    message: tuple[str, str],
    action: tuple[str, str],
    *,
    retry: bool = False,
) -> ErrorEntry:
    return ErrorEntry(
        code=code,
        flow="catalog",
        when=Bilingual(*when),
        message=Bilingual(*message),
        action=Bilingual(*action),
        http_status=status,
        log_status=log_status,  # type: ignore[arg-type]
        retry=retry,
    )


def _problem(
    code: str, message: tuple[str, str], action: tuple[str, str], *, retry: bool = False
) -> ErrorEntry:
    return ErrorEntry(
        code=code,
        flow="catalog",
        when=Bilingual(
            "Al validar el SKU antes de publicarlo en Linio (spec §2.4 a–h).",
            "When the SKU is validated before it is published on Linio (spec §2.4 a–h).",
        ),
        message=Bilingual(*message),
        action=Bilingual(*action),
        retry=retry,
    )


_LOG_CODES = (
    _log(
        "S1",
        201,
        "success",
        (
            "Al enviar el registro del SKU al marketplace.",
            "When sending the SKU registration to the marketplace.",
        ),
        (
            "El SKU {sku_id} {sku_name} fue creado en el marketplace con el código "
            "{marketplace_id}. Enlace del SKU en el marketplace: {link}",
            "The SKU {sku_id} {sku_name} was created in the marketplace with the code "
            "{marketplace_id}. Link for the SKU within the marketplace: {link}",
        ),
        (
            "Nada que hacer: el SKU está publicado. Linio todavía puede revisarlo (control de "
            "calidad); su estado aparece en la línea de tiempo del SKU.",
            "Nothing to do: the SKU is published. Linio may still review it (quality "
            "control); its status shows in the SKU's timeline.",
        ),
    ),
    _log(
        "A1",
        400,
        "warning",
        (
            "Al usar la simulación de carrito de la API de fulfillment, el SKU no vuelve en el "
            "objeto items.",
            "When using the shopping cart simulation through the fulfillment API, the SKU is "
            "not retrieved in the items object.",
        ),
        (
            "Ups, no pudimos obtener el precio del SKU {sku_id}. Revisa que lo siguiente esté "
            "bien configurado en VTEX:\n"
            "En el registro del producto, que esté asociado a la política comercial.\n"
            "En la simulación de inventario, que exista la transportadora que atiende al SKU.\n"
            "En la configuración de precios, que haya un precio asociado a la política "
            "comercial.\n{problems}",
            "Oops, we couldn’t obtain the SKU price of {sku_id}. Please check if the items "
            "below are configured correctly in the VTEX platform.\n"
            "On product registration, check if it is associated with the trade policy.\n"
            "On inventory simulation, check if the carrier attending the SKU exists.\n"
            "On price configuration, check if there’s a price associated with the trade "
            "policy.\n{problems}",
        ),
        (
            "Asocia el producto a la política comercial de Linio, dale precio y stock en ella "
            "y revisa la estrategia de envío; el SKU se envía con la próxima notificación.",
            "Associate the product with Linio's trade policy, give it a price and stock there "
            "and check the shipping strategy; the SKU is sent with the next notification.",
        ),
    ),
    _log(
        "A2",
        400,
        "warning",
        ("Al comprobar si el SKU está inactivo.", "When checking if the SKU is inactive."),
        (
            "Ups, el SKU está inactivo en VTEX. Te recomendamos revisar:\n"
            "En el Catálogo, busca el SKU y comprueba que el campo “Activar SKU” esté marcado.\n"
            "En el Catálogo, comprueba que la imagen esté cargada.\n"
            "En la simulación de inventario, que exista la transportadora que atiende al SKU.\n"
            "En la configuración de precios, que haya un precio asociado a la política "
            "comercial.\n{problems}",
            "Oops, the SKU is inactive in VTEX. We recommend that you check:\n"
            "In Catalog, identify the SKU and check if the field “Activate SKU” is checked.\n"
            "In Catalog, check if the image is uploaded.\n"
            "In inventory simulation, check if the carrier attending the SKU exists.\n"
            "On price configuration, check if there’s a price associated with the trade "
            "policy.\n{problems}",
        ),
        (
            "Activa el SKU y su producto en el Catálogo de VTEX si deben venderse en Linio; "
            "mientras estén inactivos no se publican (y se bloquean si ya estaban publicados).",
            "Activate the SKU and its product in VTEX's Catalog if they should sell on Linio; "
            "while inactive they are not published (and are blocked if already published).",
        ),
    ),
    _log(
        "A3",
        200,
        "warning",
        (
            "Al transformar los datos de registro del SKU e insertar un valor estándar porque "
            "VTEX no lo tiene.",
            "When transforming the SKU’s registration data AND having to insert a standard "
            "value since VTEX doesn’t possess it.",
        ),
        (
            "Ups, no encontramos algunos valores necesarios para registrar el producto y "
            "usamos valores estándar aceptados por el marketplace: {fields}",
            "Oops, we couldn’t find the values needed for product registration, with standard "
            "values accepted by the marketplace. {fields}",
        ),
        (
            "Revisa los valores usados; si no corresponden, completa el dato en VTEX (o su "
            "mapeo) y el SKU se actualiza en Linio.",
            "Check the values used; if they are wrong, fill the value in VTEX (or its "
            "mapping) and the SKU is updated on Linio.",
        ),
    ),
    _log(
        "E1",
        400,
        "error",
        (
            "Al transformar los datos de registro del SKU al formato que exige el marketplace.",
            "When transforming SKU registration data to the format demanded by the marketplace.",
        ),
        (
            "Ups, no pudimos preparar el registro del SKU en el marketplace por: {problems}",
            "Oops, we couldn't prepare the SKU registration in the marketplace due to {problems}",
        ),
        (
            "Corrige en VTEX cada punto de la lista (todos a la vez); al guardar, VTEX notifica "
            "el cambio y el SKU se valida y envía de nuevo.",
            "Fix every item of the list in VTEX (all at once); saving makes VTEX notify the "
            "change and the SKU is validated and sent again.",
        ),
    ),
    _log(
        "E2",
        500,
        "error",
        (
            "Al intentar comunicarse con la API del marketplace usada para registrar el producto.",
            "When trying to communicate with the marketplace API used to register the product.",
        ),
        (
            "Ups, el registro de productos en el marketplace {name} no está disponible ahora. "
            "No te preocupes: lo intentaremos de nuevo en unos minutos. Si el problema "
            "persiste, contacta al marketplace.",
            "Oops, the product registration in the {name} marketplace is unavailable right "
            "now. Don’t worry - we’ll try again in a few minutes. In case the problem persists, "
            "get in touch with the marketplace.",
        ),
        (
            "Nada que hacer por ahora: el conector reintenta solo. Si dura horas, contacta a "
            "Linio.",
            "Nothing to do for now: the connector retries by itself. If it lasts hours, "
            "contact Linio.",
        ),
        retry=True,
    ),
    _log(
        "E3",
        400,
        "error",
        (
            "Al enviar el registro del producto al marketplace y recibir un rechazo por datos "
            "incorrectos.",
            "When sending the product registration to the marketplace, and obtaining failure "
            "for sending incorrect data.",
        ),
        (
            "Ups, no pudimos preparar el registro del SKU en el marketplace por: {problems}",
            "Oops, we couldn't prepare the SKU registration in the marketplace due to {problems}",
        ),
        (
            "Lee el motivo de Seller Center (mensaje arriba). Si señala un dato del SKU (un "
            "campo, un valor, el nombre, la categoría), corrígelo en VTEX y guarda: el SKU se "
            "envía de nuevo. Lo que depende de Seller Center y no de tus datos (por ejemplo, "
            "un producto padre que Seller Center ya no tiene) el conector lo revisa en Seller "
            "Center y lo reenvía solo; si el rechazo sigue, contacta a Linio.",
            "Read Seller Center's reason (message above). When it names data of the SKU (a "
            "field, a value, the name, the category), fix it in VTEX and save: the SKU is sent "
            "again. What depends on Seller Center rather than on your data (for example a "
            "parent product Seller Center no longer has) the connector checks on Seller Center "
            "and sends again by itself; if the rejection stays, contact Linio.",
        ),
    ),
    _log(
        "E4",
        400,
        "error",
        (
            "Al intentar obtener el mapeo de categoría o de atributos.",
            "When trying to collect the category or attribute mapping from the mapper.",
        ),
        (
            "Ups, no encontramos el mapeo de la categoría {category} del SKU {sku} en el "
            "marketplace. Entra al enlace de abajo para hacer este mapeo. {mapper_link}\n"
            "{problems}",
            "Oops, we couldn’t find the category {category} mapping of the {sku} SKU in the "
            "marketplace. Please access the link below to perform this mapping. {mapper_link}\n"
            "{problems}",
        ),
        (
            "Mapea la categoría, la marca o el valor indicados (Mapper de VTEX, CSV o panel). "
            "El SKU queda pendiente y se envía solo cuando exista el mapeo.",
            "Map the category, brand or value named (VTEX Mapper, CSV or dashboard). The SKU "
            "waits as pending and is sent by itself once the mapping exists.",
        ),
    ),
    _log(
        "E5",
        500,
        "error",
        (
            "Al intentar comunicarse con la API de mapeo (Mapper).",
            "When trying to communicate with the mapping API from the mapper.",
        ),
        (
            "Ups, el mapeo de categorías de VTEX no está disponible ahora. No te preocupes: lo "
            "intentaremos de nuevo en unos minutos. Si el problema persiste, contacta al "
            "marketplace.",
            "OOps, the VTEX category mapping is unavailable right now. Don’t worry - we’ll try "
            "again in a few minutes. In case the problem persists, get in touch with the "
            "marketplace.",
        ),
        (
            "Nada que hacer por ahora: el conector reintenta solo.",
            "Nothing to do for now: the connector retries by itself.",
        ),
        retry=True,
    ),
)

_PROBLEMS = (
    # --- A2: not published because inactive -------------------------------------------
    _problem(
        "catalog.sku_inactive",
        ("El SKU {sku_id} está inactivo en VTEX.", "SKU {sku_id} is inactive in VTEX."),
        ("Marca “Activar SKU” en el Catálogo de VTEX.", "Tick “Activate SKU” in VTEX's Catalog."),
    ),
    _problem(
        "catalog.product_inactive",
        (
            "El producto {product_id} del SKU está inactivo en VTEX.",
            "Product {product_id} of the SKU is inactive in VTEX.",
        ),
        ("Activa el producto en el Catálogo de VTEX.", "Activate the product in VTEX's Catalog."),
    ),
    # --- A1: not in the trade policy / no price or stock --------------------------------
    _problem(
        "catalog.outside_trade_policy",
        (
            "El SKU no pertenece a la política comercial {sales_channel}.",
            "The SKU does not belong to trade policy {sales_channel}.",
        ),
        (
            "Asocia el producto a la política comercial {sales_channel} en el Catálogo de VTEX.",
            "Associate the product with trade policy {sales_channel} in VTEX's Catalog.",
        ),
    ),
    _problem(
        "catalog.not_in_simulation",
        (
            "La simulación de VTEX no devolvió el SKU en la política comercial {sales_channel} "
            "(sin precio, sin stock o sin transportadora).",
            "VTEX's simulation did not return the SKU in trade policy {sales_channel} (no "
            "price, no stock or no carrier).",
        ),
        (
            "Dale precio y stock en la política comercial {sales_channel} y revisa la "
            "estrategia de envío.",
            "Give it a price and stock in trade policy {sales_channel} and check the shipping "
            "strategy.",
        ),
    ),
    # --- E1: data to fix in VTEX ---------------------------------------------------------
    _problem(
        "catalog.seller_sku_missing",
        (
            "{linio_field}: el SKU no tiene {vtex_field}, que la tienda usa como SellerSku.",
            "{linio_field}: the SKU has no {vtex_field}, which the store uses as SellerSku.",
        ),
        (
            "Completa el código de referencia (RefId) del SKU en VTEX, o cambia la fuente del "
            "SellerSku en la configuración de la tienda.",
            "Fill the SKU's reference code (RefId) in VTEX, or change the SellerSku source in "
            "the store's settings.",
        ),
    ),
    _problem(
        "catalog.variation_missing",
        (
            "{linio_field}: el producto tiene varios SKU y este no tiene especificación de SKU "
            "que lo distinga.",
            "{linio_field}: the product has several SKUs and this one has no SKU specification "
            "telling it apart.",
        ),
        (
            "Completa la especificación de SKU (por ejemplo Talla o Color) en VTEX.",
            "Fill the SKU specification (for example Size or Color) in VTEX.",
        ),
    ),
    _problem(
        "catalog.name_missing",
        ("{linio_field}: el SKU no tiene nombre.", "{linio_field}: the SKU has no name."),
        ("Completa el nombre del SKU en VTEX.", "Fill the SKU's name in VTEX."),
    ),
    _problem(
        "catalog.name_too_long",
        (
            "{linio_field}: el nombre tiene {length} caracteres; Seller Center acepta hasta "
            "{max_length}.",
            "{linio_field}: the name has {length} characters; Seller Center takes at most "
            "{max_length}.",
        ),
        (
            "Acorta el nombre del producto o del SKU en VTEX (no lo cortamos: un nombre "
            "cortado cambia el aviso).",
            "Shorten the product or SKU name in VTEX (we do not cut it: a cut name changes the "
            "listing).",
        ),
    ),
    _problem(
        "catalog.description_missing",
        (
            "{linio_field}: el producto no tiene descripción con texto.",
            "{linio_field}: the product has no description with text.",
        ),
        (
            "Escribe la descripción del producto en VTEX.",
            "Write the product's description in VTEX.",
        ),
    ),
    _problem(
        "catalog.description_too_long",
        (
            "{linio_field}: la descripción limpia tiene {length} caracteres; Seller Center "
            "acepta hasta {max_length}.",
            "{linio_field}: the cleaned description has {length} characters; Seller Center "
            "takes at most {max_length}.",
        ),
        (
            "Acorta la descripción del producto en VTEX.",
            "Shorten the product's description in VTEX.",
        ),
    ),
    _problem(
        "catalog.price_invalid",
        (
            "{linio_field}: el precio calculado {price} no es positivo.",
            "{linio_field}: the computed price {price} is not positive.",
        ),
        (
            "Revisa el precio del SKU en la política comercial y las reglas de precio de la "
            "tienda.",
            "Check the SKU's price in the trade policy and the store's price rules.",
        ),
    ),
    _problem(
        "catalog.ean_invalid",
        (
            "{linio_field}: el código de barras {ean} no es un EAN/UPC válido (dígito "
            "verificador o largo).",
            "{linio_field}: barcode {ean} is not a valid EAN/UPC (check digit or length).",
        ),
        (
            "Corrige el EAN del SKU en VTEX o déjalo vacío.",
            "Correct the SKU's EAN in VTEX or leave it empty.",
        ),
    ),
    _problem(
        "catalog.tax_class_missing",
        (
            "{linio_field}: la categoría de Linio exige una clase de impuesto y la tienda no "
            "tiene una configurada.",
            "{linio_field}: the Linio category requires a tax class and the store has none set.",
        ),
        (
            "Elige la clase de impuesto de Linio en la configuración de la tienda.",
            "Choose the Linio tax class in the store's settings.",
        ),
    ),
    _problem(
        "catalog.option_invalid",
        (
            "{linio_field}: el valor «{value}» no está permitido; valores permitidos: {allowed}.",
            "{linio_field}: value “{value}” is not allowed; allowed values: {allowed}.",
        ),
        (
            "Usa uno de los valores permitidos en VTEX ({vtex_field}) o en la configuración "
            "de la tienda.",
            "Use one of the allowed values in VTEX ({vtex_field}) or in the store's settings.",
        ),
    ),
    _problem(
        "catalog.dimension_missing",
        (
            "{linio_field}: falta la medida del paquete ({vtex_field}) o es 0; no la inventamos.",
            "{linio_field}: the package measure ({vtex_field}) is missing or 0; we never guess it.",
        ),
        (
            "Completa alto, ancho y largo del paquete del SKU en VTEX.",
            "Fill the SKU's package height, width and length in VTEX.",
        ),
    ),
    _problem(
        "catalog.weight_missing",
        (
            "{linio_field}: falta el peso del paquete ({vtex_field}) o es 0; no lo inventamos.",
            "{linio_field}: the package weight ({vtex_field}) is missing or 0; we never guess it.",
        ),
        ("Completa el peso del SKU en VTEX.", "Fill the SKU's weight in VTEX."),
    ),
    _problem(
        "catalog.images_missing",
        (
            "{linio_field}: el SKU no tiene ninguna imagen utilizable (https, JPG o PNG).",
            "{linio_field}: the SKU has no usable image (https, JPG or PNG).",
        ),
        (
            "Carga al menos una imagen JPG o PNG del SKU en VTEX.",
            "Upload at least one JPG or PNG image of the SKU in VTEX.",
        ),
    ),
    _problem(
        "catalog.image_not_https",
        (
            "{linio_field}: la imagen {url} no usa https y no se envía.",
            "{linio_field}: image {url} does not use https and is not sent.",
        ),
        (
            "Sube la imagen al Catálogo de VTEX o sírvela por https.",
            "Upload the image to VTEX's Catalog or serve it over https.",
        ),
    ),
    _problem(
        "catalog.image_format",
        (
            "{linio_field}: la imagen {url} tiene formato {format}; Seller Center acepta solo "
            "JPG y PNG, así que no se envía.",
            "{linio_field}: image {url} has format {format}; Seller Center only takes JPG and "
            "PNG, so it is not sent.",
        ),
        (
            "Reemplaza la imagen por una JPG o PNG en VTEX.",
            "Replace the image with a JPG or PNG in VTEX.",
        ),
    ),
    _problem(
        "catalog.images_trimmed",
        (
            "{linio_field}: el SKU tiene {count} imágenes; se envían las primeras {max_images}.",
            "{linio_field}: the SKU has {count} images; the first {max_images} are sent.",
        ),
        (
            "Ordena las imágenes en VTEX para que las {max_images} mejores vayan primero.",
            "Order the images in VTEX so the best {max_images} come first.",
        ),
    ),
    _problem(
        "catalog.attribute_missing",
        (
            "{linio_field}: atributo obligatorio de la categoría; la especificación "
            "{vtex_field} del SKU está vacía.",
            "{linio_field}: mandatory attribute of the category; the SKU's specification "
            "{vtex_field} is empty.",
        ),
        (
            "Completa la especificación {vtex_field} del producto o SKU en VTEX.",
            "Fill the {vtex_field} specification of the product or SKU in VTEX.",
        ),
    ),
    # --- E4: mapping to make; the SKU waits and is released by the mapping ---------------
    _problem(
        "catalog.category_unmapped",
        (
            "{linio_field}: la categoría {category} de VTEX no está mapeada a una categoría de "
            "Linio.",
            "{linio_field}: VTEX category {category} is not mapped to a Linio category.",
        ),
        (
            "Mapea la categoría en el Mapper de VTEX, el CSV o el panel; el SKU se envía solo.",
            "Map the category in VTEX's Mapper, the CSV or the dashboard; the SKU is sent by "
            "itself.",
        ),
        retry=True,
    ),
    _problem(
        "catalog.brand_unmapped",
        (
            "{linio_field}: la marca {brand} de VTEX no está mapeada a una marca de Linio.",
            "{linio_field}: VTEX brand {brand} is not mapped to a Linio brand.",
        ),
        (
            "Mapea la marca en el CSV de marcas o en el panel; el SKU se envía solo.",
            "Map the brand in the brands CSV or the dashboard; the SKU is sent by itself.",
        ),
        retry=True,
    ),
    _problem(
        "catalog.attribute_unmapped",
        (
            "{linio_field}: atributo obligatorio de la categoría de Linio sin especificación "
            "de VTEX mapeada.",
            "{linio_field}: mandatory attribute of the Linio category with no VTEX "
            "specification mapped.",
        ),
        (
            "Mapea una especificación de VTEX a este atributo (CSV o panel); el SKU se envía solo.",
            "Map a VTEX specification to this attribute (CSV or dashboard); the SKU is sent by "
            "itself.",
        ),
        retry=True,
    ),
    _problem(
        "catalog.attribute_value_unmapped",
        (
            "{linio_field}: el valor «{value}» de {vtex_field} no es una opción de Linio ni "
            "está mapeado; opciones: {allowed}.",
            "{linio_field}: value “{value}” of {vtex_field} is neither a Linio option nor "
            "mapped; options: {allowed}.",
        ),
        (
            "Mapea el valor a una opción de Linio (CSV o panel) o cámbialo en VTEX; el SKU se "
            "envía solo.",
            "Map the value to a Linio option (CSV or dashboard) or change it in VTEX; the SKU "
            "is sent by itself.",
        ),
        retry=True,
    ),
    # --- price guard (prices.py) ------------------------------------------------------------
    _problem(
        "catalog.price_drop_held",
        (
            "{linio_field}: el precio baja de {previous} a {new} ({drop_percent} %), más que el "
            "límite de {guard_percent} % de la tienda; no se envía.",
            "{linio_field}: the price drops from {previous} to {new} ({drop_percent} %), more "
            "than the store's {guard_percent} % limit; it is not sent.",
        ),
        (
            "Si la baja es correcta, apruébala en el panel o sube el límite; si no, corrige el "
            "precio en VTEX.",
            "If the drop is right, approve it in the dashboard or raise the limit; otherwise "
            "correct the price in VTEX.",
        ),
    ),
)

PROBLEM_LOG_CODE: dict[str, str] = {
    "catalog.sku_inactive": "A2",
    "catalog.product_inactive": "A2",
    "catalog.outside_trade_policy": "A1",
    "catalog.not_in_simulation": "A1",
    "catalog.category_unmapped": "E4",
    "catalog.brand_unmapped": "E4",
    "catalog.attribute_unmapped": "E4",
    "catalog.attribute_value_unmapped": "E4",
    "catalog.images_trimmed": "A3",
    **{
        e.code: "E1"
        for e in _PROBLEMS
        if e.code
        not in {
            "catalog.sku_inactive",
            "catalog.product_inactive",
            "catalog.outside_trade_policy",
            "catalog.not_in_simulation",
            "catalog.category_unmapped",
            "catalog.brand_unmapped",
            "catalog.attribute_unmapped",
            "catalog.attribute_value_unmapped",
            "catalog.images_trimmed",
        }
    },
}
"""Problem code → the VTEX log (A1, A2, A3, E1, E4) whose list carries it when blocking."""

PROBLEM_CODES: tuple[str, ...] = tuple(e.code for e in _PROBLEMS)

# Read-back and reconciliation (issue 10): Linio showed something other than what was sent.
_OFFER_DRIFT = _log(
    "catalog.offer_drift",
    200,
    "warning",
    (
        "Al leer de vuelta el SKU en Linio tras un feed, o en la reconciliación periódica.",
        "When the SKU is read back from Linio after a feed, or by the periodic reconciliation.",
    ),
    (
        "Linio mostraba para el SKU {sku_id} otro valor que el esperado ({fields}); se envió "
        "de nuevo.",
        "Linio showed SKU {sku_id} with other values than expected ({fields}); they were "
        "sent again.",
    ),
    (
        "Nada que hacer si ocurre de vez en cuando; si se repite, revisa si alguien edita el "
        "producto directamente en Seller Center.",
        "Nothing to do if it happens now and then; if it repeats, check whether someone edits "
        "the product directly in Seller Center.",
    ),
)

# Deactivation (issue 10): the SKU was taken off Linio the store's way.
_TAKEN_OFFLINE = (
    _log(
        "catalog.taken_offline_inactive",
        200,
        "warning",
        (
            "Cuando VTEX desactiva el SKU, lo saca de la política comercial del marketplace o "
            "lo elimina del catálogo.",
            "When VTEX deactivates the SKU, takes it out of the marketplace's trade policy or "
            "deletes it from the catalog.",
        ),
        (
            "El SKU {sku_id} quedó inactivo y con stock 0 en Linio.",
            "SKU {sku_id} was set inactive with stock 0 on Linio.",
        ),
        (
            "Nada que hacer si fue a propósito: vuelve solo cuando VTEX lo ofrezca de nuevo "
            "en la política comercial.",
            "Nothing to do if it was on purpose: it comes back by itself when VTEX offers it "
            "again in the trade policy.",
        ),
    ),
    _log(
        "catalog.taken_offline_removed",
        200,
        "warning",
        (
            "Cuando VTEX desactiva el SKU, lo saca de la política comercial del marketplace o "
            "lo elimina del catálogo, y la tienda eligió eliminar los productos de Linio.",
            "When VTEX deactivates the SKU, takes it out of the marketplace's trade policy or "
            "deletes it from the catalog, and the store chose to remove products from Linio.",
        ),
        (
            "Se pidió a Linio eliminar el SKU {sku_id}; su vínculo se borra cuando Linio lo "
            "confirme.",
            "Linio was asked to remove SKU {sku_id}; its link is cleared once Linio confirms.",
        ),
        (
            "Nada que hacer si fue a propósito: se creará de nuevo cuando VTEX lo ofrezca otra "
            "vez en la política comercial.",
            "Nothing to do if it was on purpose: it is created again when VTEX offers it in "
            "the trade policy again.",
        ),
    ),
)

# Lots (issue 19): one summary per lot of SKUs evaluated together; each SKU with something
# to say has its own entries beside it.
_LOT_EVALUATED = _log(
    "catalog.lot_evaluated",
    200,
    "success",
    (
        "Cada vez que el conector evalúa juntos un lote de SKUs de VTEX (carga inicial, "
        "notificaciones, conciliación).",
        "Each time the connector evaluates a lot of VTEX SKUs together (initial load, "
        "notifications, reconciliation).",
    ),
    (
        "Se evaluaron {skus} SKUs: {staged} enviados a la cola de Linio, {held} retenidos.",
        "{skus} SKUs evaluated: {staged} handed to Linio's queue, {held} held back.",
    ),
    (
        "Nada que hacer. Los SKUs retenidos tienen su propia entrada con el motivo y la acción.",
        "Nothing to do. The SKUs held back have entries of their own with the reason and "
        "the action.",
    ),
)

ENTRIES: dict[str, ErrorEntry] = entries(
    *_LOG_CODES, *_PROBLEMS, _OFFER_DRIFT, *_TAKEN_OFFLINE, _LOT_EVALUATED
)
