"""The connector's work, stage by stage (issue 19; spec/review-2026-12/architecture.md §7).

A flow does one piece of the connector's work in named stages (read → evaluate → stage…),
with I/O only through `domain/` repositories and `clients/`. Handlers (HTTP routes, queue
consumers) only translate a request or a message into a call of a flow.

Rules kept by `tests/test_layering.py`: `flows/` never imports `handlers/`, aiohttp's web
module, `app.web_keys` or the composition root, and never a collection name from
`app.storage`; no `.db[...]` query outside the repositories.
"""
