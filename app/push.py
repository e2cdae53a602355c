"""Web Push out, fed by the unit of work like the webhook outbox (app/outbox.py): when work
reaches a rep, one push_message row per device of that rep is written in the same transaction
as the work. Nothing here is called by a service: the hook's Core insert of an answer with an
assignee, and an offer made or passed on through the ORM, are seen by SQLAlchemy's events. A
rollback takes the rows with it; the commit wakes this process's delivery loop (the outbox's
waker), which sends them (app/push_sender.py).

On the hook's path this costs one indexed read of the assignee's devices (push_subscription
by rep_id), and nothing when the answer has no assignee.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, event, insert, inspect, select
from sqlalchemy.orm import Session

from app import outbox
from app.domain import push as p
from app.domain import stamps
from app.models import Assignment, PushMessage, PushSubscription
from app.raw import Raw

PHONE_TAB = "/"
_INSERT = insert(PushMessage)
_S = PushSubscription.__table__.c  # type: ignore[attr-defined]
# built once and run on the driver's cursor: it runs for every answer with an assignee
_DEVICES = Raw(select(_S.id).where(_S.rep_id == bindparam("rep"), _S.company_id == bindparam("co")))


@dataclass(frozen=True)
class Notice:
    """One notification for every device of one rep."""

    rep_id: str
    at: datetime
    payload: dict[str, Any]


def message(title: str, body: str, tag: str, until: datetime) -> dict[str, Any]:
    """What the service worker shows (title, body, the page a tap opens, a tag that replaces an
    earlier notification of the same work) and when it stops being worth delivering."""
    return {"title": title, "body": body, "url": PHONE_TAB, "tag": tag,
            "expires_at": outbox.stamp(until)}  # fmt: skip


def write(conn: Any, company_id: str, notices: list[Notice]) -> int:
    """One pending row per device of each notice's rep (one indexed read a rep); the rows
    written."""
    devices = {
        rep: [sub for (sub,) in _DEVICES.rows(conn, {"rep": rep, "co": company_id})]
        for rep in {n.rep_id for n in notices}
    }
    rows = [
        {"subscription_id": sub, "company_id": company_id, "payload": json.dumps(n.payload),
         "state": "pending", "attempts": 0, "created_at": n.at}
        for n in notices for sub in devices.get(n.rep_id, ())
    ]  # fmt: skip
    if rows:
        conn.execute(_INSERT, rows)
        outbox.mark(conn, outbox.PUSH)  # the commit wakes the delivery loop's push step
    return len(rows)


def _pending_offer(answer: dict[str, Any]) -> dict[str, Any] | None:
    """The answer's current offer entry, while it waits for its rep."""
    offer = answer.get("offer") or {}
    offers = answer.get("offers") or []
    return offers[-1] if offer.get("state") == "pending" and offers else None


def notice(row: dict[str, Any], answer: dict[str, Any], rep_id: str) -> Notice:
    """What to tell the rep the work went to: an offer (and how long it waits) or new work."""
    kind = row.get("kind") or answer.get("kind") or "lead"
    team = (answer.get("routed_via") or [row.get("team_slug") or answer.get("team") or ""])[-1]
    at = row.get("created_at") or datetime.now(UTC)
    offer, until, seconds = _pending_offer(answer), None, None
    if offer is not None:
        at, until = stamps.read(offer["offered_at"]), stamps.read(offer["expires_at"])
        seconds = round((until - at).total_seconds())
    title, body = p.announcement(kind, team, row.get("external_id"), seconds)
    tag = "assignment-" + str(row.get("id") or answer.get("id") or "")
    return Notice(rep_id, at, message(title, body, tag, p.worth_until(kind, at, until)))


@event.listens_for(Engine, "after_execute")
def _assigned(conn: Any, clause: Any, multiparams: Any, params: Any, *_rest: Any) -> None:
    """The hook's Core inserts: each answer with an assignee is pushed to the assignee."""
    rows = outbox.answers_inserted(clause, multiparams, params)
    if rows:
        _announce(conn, rows)


def _announce(conn: Any, rows: list[dict[str, Any]]) -> None:
    """Write the notices of stored answers, one read of devices per company."""
    by_company: dict[str, list[Notice]] = {}
    for row in rows:
        rep_id, company_id = row.get("assignee_id"), row.get("company_id")
        if rep_id and company_id:
            answer = row.get("answer")
            answer = answer if isinstance(answer, dict) else {}
            by_company.setdefault(company_id, []).append(notice(row, answer, rep_id))
    for company_id, notices in by_company.items():
        write(conn, company_id, notices)


def _offered_now(row: Assignment) -> bool:
    """Whether this flush made a new offer (a new entry in the answer's `offers`)."""
    hist = inspect(row).attrs["answer"].history
    before = (hist.deleted or [{}])[0] or {}
    return len((row.answer or {}).get("offers") or []) > len(before.get("offers") or [])


@event.listens_for(Session, "after_flush")
def _offers(session: Session, _context: Any) -> None:
    """An offer made or passed on through the ORM: pushed to the rep it is offered to."""
    for row in [*session.new, *session.dirty]:
        if not isinstance(row, Assignment) or not row.assignee_id:
            continue
        answer = row.answer or {}
        if _pending_offer(answer) is None or not _offered_now(row):
            continue
        fields = {"id": row.id, "kind": row.kind, "team_slug": row.team_slug,
                  "external_id": row.external_id, "created_at": row.created_at}  # fmt: skip
        write(session.connection(), row.company_id, [notice(fields, answer, row.assignee_id)])
