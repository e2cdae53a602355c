"""Passwords (Argon2id), tokens (SHA-256 digests), and failure throttling in the database."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from app.models import Throttle
from app.services.errors import Throttled

_hasher = PasswordHasher()  # argon2-cffi's default type is Argon2id (RFC 9106 low-memory profile)
_DUMMY = _hasher.hash("not-a-real-password")


def use_fast_hashing() -> None:
    """Cheapest Argon2id parameters, for test suites only (hashing cost is not under test)."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An Argon2id hash of a password or PIN."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches; spends the same time when there is no stored hash."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret(nbytes: int = 32) -> str:
    """A random, URL-safe secret with `nbytes` of entropy."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token or invite is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def signed_key(secret_key: str, *parts: str) -> str:
    """A stable HMAC key for a private URL (calendar feeds); revoked by changing a part."""
    msg = ":".join(parts).encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()[:32]


def check_throttle(session: Session, key: str, now: datetime) -> None:
    """Refuse with Throttled while `key` is locked out."""
    row = session.get(Throttle, key)
    if row and row.locked_until and row.locked_until > now:
        raise Throttled(
            "Too many failed attempts; try again later.",
            int((row.locked_until - now).total_seconds()) + 1,
        )


def record_failure(
    session: Session, key: str, now: datetime, *, limit: int = 5, window: int = 900, lock: int = 900
) -> None:
    """Count a failure; `limit` failures within `window` seconds lock `key` for `lock` seconds."""
    row = session.get(Throttle, key)
    if row is None or (now - row.window_start).total_seconds() > window:
        row = row or Throttle(key=key, window_start=now)
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + timedelta(seconds=lock)
    session.add(row)


def clear_failures(session: Session, key: str) -> None:
    """Forget the failures of `key` after a success."""
    row = session.get(Throttle, key)
    if row is not None:
        session.delete(row)
