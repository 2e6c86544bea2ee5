"""Linio Seller Center client: signing, typed replies and errors, the per-seller client."""

from clients.linio.signing import signature, string_to_sign, user_agent

__all__ = ["signature", "string_to_sign", "user_agent"]
