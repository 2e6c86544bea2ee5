"""Encryption of stored credentials at rest (masking lives in `clients/redact.py`).

Store documents hold VTEX app tokens and Seller Center API keys; a database dump must not
leak them, so they are Fernet-encrypted with a key derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(("vtex-linio:" + secret_key).encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))
        self._hash_key = hashlib.sha256(("vtex-linio:lookup:" + secret_key).encode()).digest()

    def digest(self, plain: str) -> str:
        """Keyed hash (HMAC-SHA256, hex) of a secret, for lookups: equal inputs give equal
        digests, and a database dump without SECRET_KEY cannot be reversed or guessed."""
        data = plain.encode("utf-8", "surrogatepass")
        return hmac.new(self._hash_key, data, hashlib.sha256).hexdigest()

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError(
                "stored credentials cannot be decrypted: SECRET_KEY differs from the one "
                "used when the store was saved"
            ) from None
