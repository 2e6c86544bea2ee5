"""VTEX client: catalog, fulfillment simulation, Channel Order API, OMS, feed/hook, affiliates."""

from clients.vtex.client import SimulationItem, VtexClient
from clients.vtex.models import (
    Product,
    Receipt,
    SimulatedItem,
    Simulation,
    SkuContext,
    Sla,
    VtexOrder,
)
from clients.vtex.transport import VtexCredentials

__all__ = [
    "Product",
    "Receipt",
    "SimulatedItem",
    "Simulation",
    "SimulationItem",
    "SkuContext",
    "Sla",
    "VtexClient",
    "VtexCredentials",
    "VtexOrder",
]
