"""Offers (a team's `offer_seconds`): the rep offered a lead accepts or declines it; a decline or
an expiry passes it on to the next eligible rep (the engine picks again without the reps already
offered, and that rep takes a turn); when nobody is left it expires to the team's AWAY
destination. Changes go through the ORM session so the change feed and the webhook outbox see
them (app/feed.py, app/outbox.py). The delivery loop (app/delivery.py) runs `expire_due`."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.domain import offers as o
from app.domain import stamps
from app.models import Assignment, Company
from app.services import assigner
from app.services.errors import NotFound, Refused

# Only a pending offer has an expiry; "IS NOT NULL" lets SQLite seek the expiry's index past the
# NULLs of every other assignment (without it, each look scanned them all: NULLs sort first).
_DUE = (col(Assignment.offer_expires_at).is_not(None), col(Assignment.offer_state) == o.PENDING)
CLAIM = 50  # offers expired per transaction of the loop
_NOBODY: dict[str, Any] = {
    "assignee": None, "hunt": [], "destination": None, "reason": "nobody_available",
    "assignee_id": None, "assignee_name": None, "assignee_email": None, "assignee_phone": None,
    "assignee_external_ids": {},
}  # fmt: skip


def accept(
    session: Session, company: Company, assignment_id: str, rep_id: str, now: datetime
) -> dict:
    """The offered rep takes the lead: the offer is accepted, for good."""
    row = _pending_for(session, company, assignment_id, rep_id, now)
    _store(session, row, o.ended(row.answer, o.ACCEPTED, now), o.ACCEPTED, None)
    return row.answer


def decline(
    session: Session, company: Company, assignment_id: str, rep_id: str, now: datetime
) -> dict:
    """The offered rep lets the lead go: it is offered to the next eligible rep."""
    row = _pending_for(session, company, assignment_id, rep_id, now)
    _pass_on(session, company, row, o.DECLINED, now)
    return row.answer


def next_expiry(session: Session) -> datetime | None:
    """When the next pending offer runs out (None: none pending)."""
    q = select(Assignment.offer_expires_at).where(*_DUE).order_by(col(Assignment.offer_expires_at))
    return session.exec(q.limit(1)).first()


def expire_due(session: Session, now: datetime) -> int:
    """Pass on every offer that has run out, claimed so that two workers never both do it
    (FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite the caller holds the write lock)."""
    q = (
        select(Assignment)
        .where(*_DUE, col(Assignment.offer_expires_at) <= now)
        .order_by(col(Assignment.offer_expires_at))
        .limit(CLAIM)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.exec(q))
    companies: dict[str, Company] = {}
    for row in rows:
        company = companies.get(row.company_id) or session.get(Company, row.company_id)
        if company is not None:
            companies[company.id] = company
            _pass_on(session, company, row, o.EXPIRED, now)
    return len(rows)


def pending_for(session: Session, company: Company, rep_id: str, now: datetime) -> list[Assignment]:
    """The offers waiting for this rep's answer and not yet run out, oldest first (read by the
    expiry's index: only pending offers have one)."""
    q = select(Assignment).where(
        col(Assignment.offer_expires_at) > now,
        *_DUE,
        Assignment.company_id == company.id,
        Assignment.assignee_id == rep_id,
    )
    return list(session.exec(q.order_by(col(Assignment.seq))))


# --- Steps ---------------------------------------------------------------------------------------


def _pending_for(
    session: Session, company: Company, assignment_id: str, rep_id: str, now: datetime
) -> Assignment:
    """The assignment, locked, when its offer is pending for this rep; else NotFound/Refused."""
    q = select(Assignment).where(Assignment.id == assignment_id).with_for_update()
    row = session.exec(q).first()
    if row is None or row.company_id != company.id:
        raise NotFound("No such assignment.")
    if row.offer_state != o.PENDING:
        what = "not an offer" if row.offer_state is None else f"already {row.offer_state}"
        raise Refused(f"This assignment is {what}.")
    if row.assignee_id != rep_id:
        raise Refused("This lead is offered to someone else.")
    if row.offer_expires_at is not None and row.offer_expires_at <= now:
        raise Refused("This offer has expired; it goes to the next rep.")
    return row


def _pass_on(session: Session, company: Company, row: Assignment, why: str, now: datetime) -> None:
    """End the current offer (declined or expired) and offer the lead to the next eligible rep,
    or let it expire to the AWAY destination when nobody is left."""
    answer = o.ended(row.answer, why, now)
    try:
        fresh = assigner.repick(session, company, row, now, exclude=o.offered_reps(answer))
    except NotFound:  # the team was deleted meanwhile: nobody is left
        fresh = dict(_NOBODY)
    answer = {**answer, **fresh}
    if fresh.get("assignee") is None:
        _store(session, row, o.nobody_left(answer), o.EXPIRED, None)
        return
    seconds = _seconds(answer)
    answer = o.offered(answer, seconds, now)
    _store(session, row, answer, o.PENDING, o.expires_at(answer))


def _seconds(answer: dict[str, Any]) -> int:
    """The offer time this lead was first offered with (the team's, when it was asked)."""
    first = answer["offers"][0]
    start, end = stamps.read(first["offered_at"]), stamps.read(first["expires_at"])
    return max(o.MIN_SECONDS, int((end - start).total_seconds()))


def _store(
    session: Session, row: Assignment, answer: dict, state: str, expires: datetime | None
) -> None:
    """Write the answer and the offer's columns through the ORM (the feed and the outbox see
    it): GET /assignments/{id} answers the stored answer."""
    row.answer = answer
    row.assignee_id = answer["assignee"]["id"] if answer.get("assignee") else None
    row.reason = answer["reason"]
    row.offer_state, row.offer_expires_at = state, expires
    session.add(row)
    session.flush()
