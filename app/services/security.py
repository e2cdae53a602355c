"""Passwords (Argon2id), tokens (SHA-256 digests), and failure throttling in the database."""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, delete, literal, not_, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.models import Throttle, UTCDateTime
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


@dataclass(frozen=True)
class Limit:
    """At most `attempts` verdicts within `window`; reaching it locks the key for `lock`."""

    attempts: int
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


def claim_attempt(session: Session, key: str, limit: Limit, now: datetime) -> int:
    """Count one attempt at `key` before its verdict, atomically; Throttled once over the limit.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) on SQLite and PostgreSQL, so
    concurrent attempts never read the same count: on PostgreSQL each waits for the row lock of
    the previous one, and at most `limit.attempts` of them get a verdict per window. The attempt
    that reaches the limit starts the lock; a success then clears or releases it. Answers the
    attempt's number.
    """
    t = Throttle.__table__.c  # type: ignore[attr-defined]
    stamp = partial(literal, type_=UTCDateTime)
    locked = and_(t.locked_until.is_not(None), t.locked_until > stamp(now))
    fresh = and_(
        not_(locked), or_(t.locked_until.is_not(None), t.window_start < stamp(now - limit.window))
    )
    count = case((fresh, 1), else_=t.failures + 1)
    reaching = now + limit.lock if limit.attempts <= 1 else None
    values = {"key": key, "failures": 1, "window_start": now, "locked_until": reaching}
    insert = (sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert)(Throttle)
    statement = (
        insert.values(**values)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "failures": count,
                "window_start": case((fresh, stamp(now)), else_=t.window_start),
                "locked_until": case(
                    (locked, t.locked_until),
                    (count >= limit.attempts, stamp(now + limit.lock)),
                    else_=None,
                ),
            },
        )
        .returning(t.failures, t.locked_until)
    )
    failures, locked_until = session.execute(statement).one()
    if failures > limit.attempts:
        raise Throttled(
            "Too many failed attempts; try again later.", _seconds_until(locked_until, now)
        )
    return int(failures)


def release_attempt(session: Session, key: str, limit: Limit) -> None:
    """Give back a claimed attempt that succeeded (a shared key such as an address): only
    failures count against it, and a lock its claim started ends with it."""
    t = Throttle.__table__.c  # type: ignore[attr-defined]
    below = t.failures - 1 < limit.attempts
    values = {"failures": t.failures - 1, "locked_until": case((below, None), else_=t.locked_until)}
    session.execute(update(Throttle).where(t.key == key).values(**values))


def locked_for(session: Session, key: str, now: datetime) -> int:
    """Seconds until `key` opens again (at least 1)."""
    row = session.get(Throttle, key, populate_existing=True)
    return _seconds_until(row.locked_until if row else None, now)


def _seconds_until(until: datetime | None, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds())) if until else 1


def clear_failures(session: Session, key: str) -> None:
    """Forget the attempts at `key` after a success."""
    session.execute(delete(Throttle).where(Throttle.__table__.c.key == key))  # type: ignore[attr-defined]
