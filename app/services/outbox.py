"""Delivering the outbox: claim the due head of each endpoint's queue (safely across workers),
and record what an attempt got back (delivered, retried on the schedule, failed, or the
endpoint disabled by a 410)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app import vault
from app.domain import webhooks as wh
from app.models import UTCDateTime, WebhookDelivery, WebhookEndpoint

LEASE = timedelta(seconds=60)  # longer than an attempt (15 s): a claim of a killed worker lapses
BATCH = 50
D = WebhookDelivery


@dataclass(frozen=True)
class Claimed:
    """One delivery to attempt now."""

    seq: int
    endpoint_id: str
    url: str
    secret: str | None  # None: sealed under another secret key (cannot sign)
    msg_id: str
    body: str
    attempts: int


def _head_seqs() -> Any:
    """The head of each enabled endpoint's queue (its first pending delivery): one index probe
    (endpoint, state, seq) per endpoint, however long the queues are (a receiver down for an
    hour leaves thousands of rows pending); the heads are then read by key."""
    earlier, endpoint = aliased(WebhookDelivery), aliased(WebhookEndpoint)
    first = (
        select(func.min(col(earlier.seq)))
        .where(col(earlier.endpoint_id) == col(endpoint.id), col(earlier.state) == "pending")
        .scalar_subquery()
    )
    return select(first).where(col(endpoint.enabled).is_(True))


NOW = bindparam("b_now", type_=UTCDateTime)
# Built once: an alias made per call would give each call a new cache key, and SQLAlchemy
# would compile the statement again every time (a millisecond per look of the loop).
_DUE = (
    col(D.seq).in_(_head_seqs()),
    or_(col(D.next_at).is_(None), col(D.next_at) <= NOW),
    or_(col(D.claimed_until).is_(None), col(D.claimed_until) <= NOW),
)
_HEADS = select(col(D.endpoint_id), col(D.next_at), col(D.claimed_until)).where(_DUE[0])


def heads(session: Session) -> list[Any]:
    """Each enabled endpoint's head: (endpoint id, next try, claimed until)."""
    return list(session.execute(_HEADS).all())


def waits(found: list[Any], now: datetime) -> tuple[bool, dict[str, datetime]]:
    """Whether a head is due now, and until when each other endpoint's head waits (a retry
    scheduled, or a claim by a live worker): new events of such an endpoint wait behind it."""
    due, blocked = False, {}
    for endpoint_id, next_at, claimed_until in found:
        later = [t for t in (next_at, claimed_until) if t is not None and t > now]
        until = max(later, default=None)
        if until is None:
            due = True
        else:
            blocked[endpoint_id] = until
    return due, blocked


_COLUMNS = (
    col(D.seq),
    col(D.endpoint_id),
    col(WebhookEndpoint.url),
    col(WebhookEndpoint.secret_enc),
    col(D.msg_id),
    col(D.body),
    col(D.attempts),
    col(D.next_at),
)
FOLLOWERS = 20  # events of one endpoint posted one after another on a single claim


def claim(session: Session, now: datetime, secret_key: str, limit: int = BATCH) -> list[Claimed]:
    """Lease the due head of each endpoint's queue and the due events right behind it, in
    order (PostgreSQL: rows another worker is claiming right now are skipped, FOR UPDATE SKIP
    LOCKED; SQLite: the caller holds the writer turn)."""
    base = select(*_COLUMNS).join(WebhookEndpoint, col(WebhookEndpoint.id) == col(D.endpoint_id))
    heads = _locked(session, base.where(*_DUE).order_by(col(D.seq)).limit(limit), now)
    rows = []
    for head in heads:
        rows.append(head)
        behind = base.where(
            col(D.endpoint_id) == head[1],
            col(D.state) == "pending",
            col(D.seq) > head[0],
            or_(col(D.claimed_until).is_(None), col(D.claimed_until) <= now),
        )
        for row in _locked(session, behind.order_by(col(D.seq)).limit(FOLLOWERS - 1)):
            if row[7] is not None and row[7] > now:
                break  # a scheduled retry: what follows waits for it
            rows.append(row)
    if not rows:
        return []
    seqs = [r[0] for r in rows]
    session.execute(update(D).where(col(D.seq).in_(seqs)).values(claimed_until=now + LEASE))
    return [
        Claimed(seq, ep, url, vault.open_(secret_key, sealed), msg, body, attempts)
        for seq, ep, url, sealed, msg, body, attempts, _next in rows
    ]


def _locked(session: Session, q: Any, now: datetime | None = None) -> list[Any]:
    """The rows of `q` (at `now`, when it asks), locked for this transaction and skipping rows
    locked by another (PostgreSQL; SQLite has one writer at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=WebhookDelivery.__table__, skip_locked=True)  # type: ignore[attr-defined]
    return list(session.execute(q, {"b_now": now} if now is not None else {}).all())


def release(session: Session, seqs: list[int]) -> None:
    """Give back claimed rows that were not attempted (an earlier event of theirs failed)."""
    if seqs:
        session.execute(update(D).where(col(D.seq).in_(seqs)).values(claimed_until=None))


def record_all(
    session: Session, outcomes: list[tuple["Claimed", int | None, str | None]], skipped: list[int],
    now: datetime,
) -> None:  # fmt: skip
    """Store a round's outcomes in one transaction."""
    for c, code, error in outcomes:
        record(session, c, code, error, now)
    release(session, skipped)


def record(
    session: Session, c: Claimed, code: int | None, error: str | None, now: datetime
) -> wh.Verdict:
    """Store an attempt's outcome; a 410 also disables the endpoint."""
    verdict = wh.verdict(code if error is None else None)
    attempts = c.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts, "claimed_until": None, "last_code": code,
        "last_error": (error or None) and error[:200],
    }  # fmt: skip
    if verdict is wh.Verdict.DELIVERED:
        values |= {"state": "delivered", "done_at": now}
    elif verdict is wh.Verdict.DISABLE:
        values |= {"state": "failed", "done_at": now}
        session.execute(
            update(WebhookEndpoint)
            .where(col(WebhookEndpoint.id) == c.endpoint_id)
            .values(enabled=False, disabled_reason="The receiver answered 410 Gone")
        )
    else:
        later = wh.next_try(attempts, now)
        values |= {"next_at": later} if later else {"state": "failed", "done_at": now}
    session.execute(
        update(D).where(col(D.seq) == c.seq, col(D.state) == "pending").values(**values)
    )
    return verdict
