"""Secrets at rest: integration secrets are stored as Fernet tokens keyed from the app's secret
key (a database copy alone reveals none of them)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

CONTEXT = b"ondeck integration secrets v1"


def _fernet(secret_key: str) -> Fernet:
    """The Fernet key derived from the app's secret key (a labelled SHA-256, 32 bytes)."""
    raw = hashlib.sha256(CONTEXT + b"\x00" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(secret_key: str, plain: str) -> str:
    """Encrypt a secret for storage."""
    return _fernet(secret_key).encrypt(plain.encode()).decode()


def open_(secret_key: str, token: str) -> str | None:
    """The stored secret, or None when it was sealed under another secret key."""
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
