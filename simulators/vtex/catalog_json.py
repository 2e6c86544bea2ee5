"""The catalog as VTEX's Catalog API spells it (PascalCase, VTEX's quirks kept on purpose).

Rendering is separate from the model so one SKU can be shown by the three endpoints that
disagree on field names (Get SKU and context, Get SKU, Get product / productget).
"""

from __future__ import annotations

from typing import Any

from simulators.vtex.catalog import Product, SimCatalog, Sku, Specification


def _specs(specs: list[Specification]) -> list[dict[str, Any]]:
    return [
        {
            "FieldId": s.field_id,
            "FieldName": s.name,
            "FieldValueIds": s.value_ids,
            "FieldValues": s.values,
            "IsFilter": False,
            "FieldGroupId": 10,
            "FieldGroupName": "Especificaciones",
        }
        for s in specs
    ]


def _dimension(sku: Sku) -> dict[str, float]:
    cubic = round(sku.height * sku.width * sku.length / 6000, 4)
    return {
        "cubicweight": cubic,
        "height": sku.height,
        "length": sku.length,
        "weight": sku.weight,
        "width": sku.width,
    }


def sku_context(catalog: SimCatalog, sku: Sku) -> dict[str, Any]:
    """``GET /api/catalog_system/pvt/sku/stockkeepingunitbyid/{id}`` (Get SKU and context)."""
    product = catalog.product_of(sku)
    brand = catalog.brands[product.brand_id]
    path = catalog.category_path(product.category_id)
    ids = "/" + "/".join(str(c.id) for c in path) + "/"
    full_path = "/" + "/".join(c.name for c in path) + "/"
    main_image = sku.images[0].url if sku.images else None
    return {
        "Id": sku.id,
        "ProductId": product.id,
        "NameComplete": f"{product.name} {sku.name}" if sku.name != product.name else sku.name,
        "ComplementName": "",
        "ProductName": product.name,
        "ProductDescription": product.description,
        "ProductRefId": product.ref_id,
        "TaxCode": "",
        "SkuName": sku.name,
        "IsActive": sku.is_active,
        "IsTransported": True,
        "IsInventoried": True,
        "IsGiftCardRecharge": False,
        "ImageUrl": main_image,
        "DetailUrl": f"/{product.link_id}/p",
        "CSCIdentification": None,
        "BrandId": str(brand.id),
        "BrandName": brand.name,
        "IsBrandActive": brand.is_active,
        "Dimension": _dimension(sku),
        "RealDimension": {
            "realCubicWeight": _dimension(sku)["cubicweight"],
            "realHeight": sku.height,
            "realLength": sku.length,
            "realWeight": sku.weight,
            "realWidth": sku.width,
        },
        "ManufacturerCode": f"MC-{sku.id}",
        "IsKit": False,
        "KitItems": [],
        "Services": [],
        "Categories": [],
        "CategoriesFullPath": [full_path],
        "Attachments": [],
        "Collections": [],
        "SkuSellers": [
            {
                "SellerId": "1",
                "StockKeepingUnitId": sku.id,
                "SellerStockKeepingUnitId": str(sku.id),
                "IsActive": True,
                "FreightCommissionPercentage": 0.0,
                "ProductCommissionPercentage": 0.0,
            }
        ],
        "SalesChannels": [int(sc) for sc in product.sales_channels],
        "Images": [
            {"ImageUrl": i.url, "ImageName": i.name, "FileId": i.file_id} for i in sku.images
        ],
        "Videos": [],
        "SkuSpecifications": _specs(sku.specifications),
        "ProductSpecifications": _specs(product.specifications),
        "ProductClustersIds": "",
        "PositionsInClusters": {},
        "ProductClusterNames": {},
        "ProductClusterHighlights": {},
        "ProductCategoryIds": ids,
        "IsDirectCategoryActive": True,
        "ProductGlobalCategoryId": None,
        "ProductCategories": {str(c.id): c.name for c in reversed(path)},
        "CommercialConditionId": 1,
        "RewardValue": 0.0,
        "AlternateIds": {"Ean": sku.ean, "RefId": sku.ref_id},
        "AlternateIdValues": [sku.ean, sku.ref_id],
        "EstimatedDateArrival": None,
        "MeasurementUnit": "un",
        "UnitMultiplier": 1.0,
        "InformationSource": "Indexer",
        "ModalType": None,
        "KeyWords": product.keywords,
        "ReleaseDate": product.release_date,
        "ProductIsVisible": product.is_visible,
        "ShowIfNotAvailable": True,
        "IsProductActive": product.is_active,
        "ProductFinalScore": 0,
    }


def sku_basic(sku: Sku) -> dict[str, Any]:
    """``GET /api/catalog/pvt/stockkeepingunit/{id}``."""
    return {
        "Id": sku.id,
        "ProductId": sku.product_id,
        "IsActive": sku.is_active,
        "ActivateIfPossible": True,
        "Name": sku.name,
        "RefId": sku.ref_id,
        "PackagedHeight": sku.height,
        "PackagedLength": sku.length,
        "PackagedWidth": sku.width,
        "PackagedWeightKg": sku.weight,
        "Height": sku.height,
        "Length": sku.length,
        "Width": sku.width,
        "WeightKg": sku.weight,
        "CubicWeight": _dimension(sku)["cubicweight"],
        "IsKit": False,
        "CreationDate": "2024-01-15T00:00:00",
        "RewardValue": None,
        "EstimatedDateArrival": None,
        "ManufacturerCode": f"MC-{sku.id}",
        "CommercialConditionId": 1,
        "MeasurementUnit": "un",
        "UnitMultiplier": 1.0,
        "ModalType": None,
        "KitItensSellApart": False,
        "Videos": [],
    }


def product_json(product: Product) -> dict[str, Any]:
    """``GET /api/catalog/pvt/product/{id}``."""
    return {
        "Id": product.id,
        "Name": product.name,
        "DepartmentId": product.department_id,
        "CategoryId": product.category_id,
        "BrandId": product.brand_id,
        "LinkId": product.link_id,
        "RefId": product.ref_id,
        "IsVisible": product.is_visible,
        "Description": product.description,
        "DescriptionShort": product.description[:120],
        "ReleaseDate": product.release_date,
        "KeyWords": product.keywords,
        "Title": product.name,
        "IsActive": product.is_active,
        "TaxCode": "",
        "MetaTagDescription": product.description[:160],
        "SupplierId": None,
        "ShowWithoutStock": True,
        "AdWordsRemarketingCode": None,
        "LomadeeCampaignCode": None,
        "Score": None,
    }


def productget_json(product: Product) -> dict[str, Any]:
    """``GET /api/catalog_system/pvt/products/productget/{id}``: adds the trade policies."""
    body = product_json(product)
    body["ListStoreId"] = [int(sc) for sc in product.sales_channels]
    return body


def category_tree(catalog: SimCatalog, levels: int) -> list[dict[str, Any]]:
    """``GET /api/catalog_system/pub/category/tree/{levels}``."""

    def node(category_id: int, depth: int) -> dict[str, Any]:
        category = catalog.categories[category_id]
        children = [c.id for c in catalog.categories.values() if c.parent_id == category_id]
        return {
            "id": category.id,
            "name": category.name,
            "hasChildren": bool(children),
            "url": f"https://{catalog.account}.vtexcommercestable.com.br/{category.id}",
            "children": [node(c, depth + 1) for c in children] if depth < levels else [],
            "Title": category.name,
            "MetaTagDescription": "",
        }

    roots = [c.id for c in catalog.categories.values() if c.parent_id is None]
    return [node(r, 1) for r in roots]


def brand_list(catalog: SimCatalog) -> list[dict[str, Any]]:
    """``GET /api/catalog_system/pvt/brand/list``."""
    return [
        {
            "id": b.id,
            "name": b.name,
            "isActive": b.is_active,
            "title": b.name,
            "metaTagDescription": b.name,
            "imageUrl": None,
        }
        for b in catalog.brands.values()
    ]


def sales_channel_list(catalog: SimCatalog) -> list[dict[str, Any]]:
    """``GET /api/catalog_system/pvt/saleschannel/list``."""
    return [
        {
            "Id": int(sc),
            "Name": name,
            "IsActive": True,
            "ProductClusterId": None,
            "CountryCode": "CHL",
            "CultureInfo": "es-CL",
            "TimeZone": "Pacific SA Standard Time",
            "CurrencyCode": "CLP",
            "CurrencySymbol": "$",
            "CurrencyLocale": 13322,
            "CurrencyFormatInfo": {
                "CurrencyDecimalDigits": 0,
                "CurrencyDecimalSeparator": ",",
                "CurrencyGroupSeparator": ".",
                "CurrencyGroupSize": 3,
                "StartsWithCurrencySymbol": True,
            },
            "Origin": None,
            "Position": int(sc),
            "ConditionRule": None,
            "CurrencyDecimalDigits": 0,
        }
        for sc, name in catalog.trade_policies.items()
    ]
