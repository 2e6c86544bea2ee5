"""Linio Seller Center client."""

from clients.linio.signing import signature, string_to_sign

__all__ = ["signature", "string_to_sign"]
