"""A rep's devices for Web Push (subscribe, unsubscribe, a test notification), and the push
outbox's side of sending: claim due messages safely across workers, record what the push
service answered (sent; retried with backoff, then failed; 404/410: the device is gone)."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, or_, select, update
from sqlmodel import Session, col

from app import push
from app.domain import push as p
from app.domain import stamps
from app.models import PushMessage, PushSubscription, Rep
from app.services.errors import Invalid

MAX_DEVICES = 10  # a rep's newest devices are kept
LEASE = timedelta(seconds=60)  # longer than a send (15 s): a killed worker's claim lapses
BATCH = 50
KEEP = timedelta(days=7)  # sent and failed messages are kept this long
S, M = PushSubscription, PushMessage


def devices(session: Session, rep: Rep) -> list[PushSubscription]:
    """The rep's devices, newest first."""
    q = select(S).where(col(S.company_id) == rep.company_id, col(S.rep_id) == rep.id)
    return list(session.scalars(q.order_by(col(S.created_at).desc(), col(S.id))))


def subscribe(session: Session, rep: Rep, data: Any, now: datetime) -> PushSubscription:
    """Store this device's subscription for the rep (keys refreshed when it is known). A
    subscription is the device's secret: one posted by another rep means the device changed
    hands (a shared phone), and it moves to the rep who posted it."""
    endpoint, p256dh, auth = p.check_subscription(data)
    _on_the_curve(p256dh)
    found = session.scalars(select(S).where(col(S.endpoint) == endpoint)).first()
    if found is not None and (found.company_id, found.rep_id) != (rep.company_id, rep.id):
        _forget(session, [found.id])
        found = None
    if found is None:
        found = S(company_id=rep.company_id, rep_id=rep.id, endpoint=endpoint, p256dh=p256dh,
                  auth=auth, created_at=now)  # fmt: skip
    found.p256dh, found.auth = p256dh, auth
    session.add(found)
    session.flush()
    _forget(session, [d.id for d in devices(session, rep)[MAX_DEVICES:]])
    return found


def _on_the_curve(p256dh: str) -> None:
    """The browser's key must be a point of P-256 (else no message could be encrypted for it)."""
    raw = p.check_key(p256dh, "keys.p256dh", p.P256_POINT)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise Invalid("keys.p256dh", "This is not a point on the P-256 curve.") from None


def unsubscribe(session: Session, rep: Rep, data: Any) -> bool:
    """Forget this device of the rep's (by its endpoint); whether it was known."""
    endpoint = p.check_endpoint(data.get("endpoint") if isinstance(data, dict) else None)
    q = select(col(S.id)).where(
        col(S.endpoint) == endpoint, col(S.company_id) == rep.company_id, col(S.rep_id) == rep.id
    )
    found = list(session.scalars(q))
    _forget(session, found)
    return bool(found)


def send_test(session: Session, rep: Rep, now: datetime) -> int:
    """A test notification to each of the rep's devices; how many."""
    payload = push.message("OnDeck", "Notifications work on this device.", "test", now + p.LEAD_TTL)
    return push.write(session.connection(), rep.company_id, [push.Notice(rep.id, now, payload)])


def _forget(session: Session, ids: list[str]) -> None:
    """Remove devices and their messages."""
    if ids:
        session.execute(delete(M).where(col(M.subscription_id).in_(ids)))
        session.execute(delete(S).where(col(S.id).in_(ids)))


# --- Sending (app/push_sender.py runs these in the delivery loop) --------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One message to send now."""

    seq: int
    subscription_id: str
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    attempts: int

    @property
    def until(self) -> datetime:
        """When the message stops being worth delivering."""
        stamp = json.loads(self.payload).get("expires_at") or "1970-01-01T00:00:00Z"
        return stamps.read(stamp)


def _due(now: datetime) -> list[Any]:
    return [
        col(M.state) == "pending",
        or_(col(M.next_at).is_(None), col(M.next_at) <= now),
        or_(col(M.claimed_until).is_(None), col(M.claimed_until) <= now),
    ]


def any_due(session: Session, now: datetime) -> bool:
    """Whether a message waits to be sent (a read: no write lock while idle)."""
    return session.execute(select(col(M.seq)).where(*_due(now)).limit(1)).first() is not None


_COLUMNS = (col(M.seq), col(M.subscription_id), col(S.endpoint), col(S.p256dh), col(S.auth),
            col(M.payload), col(M.attempts))  # fmt: skip


def claim(session: Session, now: datetime, limit: int = BATCH) -> list[Outgoing]:
    """Lease due messages to this worker (PostgreSQL: FOR UPDATE SKIP LOCKED, so two workers
    never send one twice; SQLite: the caller holds the writer turn)."""
    q = select(*_COLUMNS).join(S, col(S.id) == col(M.subscription_id)).where(*_due(now))
    q = q.order_by(col(M.seq)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=M.__table__, skip_locked=True)  # type: ignore[attr-defined]
    rows = [Outgoing(*row) for row in session.execute(q).all()]
    if rows:
        seqs = [r.seq for r in rows]
        session.execute(update(M).where(col(M.seq).in_(seqs)).values(claimed_until=now + LEASE))
    return rows


def record_all(session: Session, outcomes: list[tuple[Outgoing, str]], now: datetime) -> None:
    """Store a round's outcomes ("sent", "gone", "retry", or a reason it was not sent) in one
    transaction; old sent and failed messages are dropped."""
    gone = [o.subscription_id for o, verdict in outcomes if verdict == "gone"]
    _forget(session, gone)
    for o, verdict in outcomes:
        if verdict != "gone":
            session.execute(
                update(M)
                .where(col(M.seq) == o.seq, col(M.state) == "pending")
                .values(claimed_until=None, **_after(o, verdict, now))
            )
    old = col(M.created_at) < now - KEEP
    session.execute(delete(M).where(col(M.state) != "pending", old))


def _after(o: Outgoing, verdict: str, now: datetime) -> dict[str, Any]:
    """The columns an attempt leaves: sent; tried again later; or failed for good."""
    attempts = o.attempts + 1
    if verdict == "sent":
        return {"state": "sent", "attempts": attempts}
    later = p.next_try(attempts, now) if verdict == "retry" else None
    if later is not None and later < o.until:
        return {"attempts": attempts, "next_at": later}
    return {"state": "failed", "attempts": attempts}
