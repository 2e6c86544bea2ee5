"""What the connector knows: tables (field table, error catalogue), stores and mappings,
typed queue messages, and per flow a pure core beside its state documents.

Layering (tests/test_layering.py): `domain/` never imports `handlers/` or the composition
root (`app.runtime`, `app.web`, `app.worker`, `app.cli`, `app.sandbox`); the pure modules
(`domain/errors`, `domain/catalog/{fields,validate,transform,prices,lots}`,
`domain/orders/{machine,placement,status,fields}`) import no pymongo, aiohttp or broker.
"""
