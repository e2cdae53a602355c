"""The webhook outbox, fed by the unit of work: every change an event reports (a hook answer, a
rep's effective status, a team's override) writes one delivery row per subscribed endpoint in the
same transaction as the change. A rollback (or a savepoint undone) takes the rows with it; a
commit makes them durable before anyone is told; app/delivery.py posts them.

Like the change feed (app/feed.py), nothing here is called by a service: SQLAlchemy's events
see the rows the transaction writes. After a commit that wrote deliveries, the delivery loop of
this process is woken so the event leaves at once.
"""

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event, insert, inspect, select
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import Pool
from sqlalchemy.sql.dml import Insert

from app.domain.stamps import stamp
from app.models import Assignment, Rep, StatusEvent, Team, WebhookDelivery, WebhookEndpoint

KEY = "ondeck.outbox"
_INSERT = insert(WebhookDelivery)

# What a commit can have left for the delivery loop: each wakes only its own step
WEBHOOKS, PUSH, OFFERS = "webhooks", "push", "offers"
STEPS = frozenset((WEBHOOKS, PUSH, OFFERS))
ENDPOINTS = "endpoints"  # the webhook endpoints a transaction wrote deliveries for
SUBSCRIBERS = "subscribers"  # {(company, event type): endpoint ids} known for the transaction

Waker = Callable[[frozenset[str], frozenset[str]], None]  # (steps, webhook endpoints written)
_wakers: "WeakKeyDictionary[Pool, Waker]" = WeakKeyDictionary()


def attach(engine: Engine, waker: Waker) -> None:
    """Call `waker(steps, endpoint_ids)` (from any thread) after each commit through `engine`
    that left work for the delivery loop: webhook deliveries (for these endpoints), push
    messages, or an offer's timer."""
    _wakers[engine.pool] = waker


def mark(conn: Connection, step: str) -> None:
    """Note that this transaction left work for the delivery loop's `step`."""
    noted = conn.info.get(KEY)
    if noted is not None:
        noted[step] = True


def detach(engine: Engine) -> None:
    """Stop waking anyone for `engine`."""
    _wakers.pop(engine.pool, None)


def body(type_: str, at: datetime, data: dict[str, Any]) -> str:
    """The JSON posted for an event: {"type", "timestamp", "data"}."""
    return json.dumps({"type": type_, "timestamp": stamp(at), "data": data}, separators=(",", ":"))


def new_msg_id() -> str:
    """A webhook-id: unique per event, the same on every attempt."""
    return "msg_" + uuid.uuid4().hex


def write(
    conn: Connection,
    company_id: str,
    type_: str,
    at: datetime,
    data: dict[str, Any],
    *,
    endpoint_ids: list[str] | None = None,
) -> int:
    """Write the event for every enabled endpoint of the company subscribed to it (or only for
    `endpoint_ids`); the number of rows written."""
    if endpoint_ids is None:
        known = (conn.info.get(KEY) or {}).get(SUBSCRIBERS, {}).get((company_id, type_))
        endpoint_ids = known if known is not None else _subscribed(conn, company_id, type_)
    if not endpoint_ids:
        return 0
    msg_id, payload = new_msg_id(), body(type_, at, data)
    rows = [
        {"endpoint_id": e, "company_id": company_id, "msg_id": msg_id, "type": type_,
         "body": payload, "state": "pending", "attempts": 0, "created_at": at}
        for e in endpoint_ids
    ]  # fmt: skip
    conn.execute(_INSERT, rows)
    mark(conn, WEBHOOKS)
    noted = conn.info.get(KEY)
    if noted is not None:
        noted.setdefault(ENDPOINTS, set()).update(endpoint_ids)
    return len(rows)


def known_subscribers(conn: Connection, company_id: str, type_: str, ids: list[str]) -> None:
    """The company's subscribers to this event, known already for this transaction (the hook's,
    prepared under the config version it read): its writes of the event skip the read."""
    noted = conn.info.get(KEY)
    if noted is not None:
        noted.setdefault(SUBSCRIBERS, {})[(company_id, type_)] = ids


def _subscribed(conn: Connection, company_id: str, type_: str) -> list[str]:
    """The enabled endpoints of the company that want this event (one indexed read)."""
    q = select(WebhookEndpoint.id, WebhookEndpoint.events).where(  # type: ignore[call-overload]
        WebhookEndpoint.company_id == company_id,
        WebhookEndpoint.enabled.is_(True),  # type: ignore[attr-defined]
    )
    return [ident for ident, events in conn.execute(q) if type_ in (events or ())]


# --- What the unit of work wrote ----------------------------------------------------------------


def _person(rep: Any) -> dict[str, Any]:
    return {"id": rep.id, "name": rep.name, "email": rep.email, "phone": rep.phone}


def _rep(session: Session, rep_id: str) -> Any:
    """The rep from the identity map, else one read on the flush's connection."""
    key = inspect(Rep).identity_key_from_primary_key((rep_id,))
    found = session.identity_map.get(key)
    if found is not None:
        return found
    table = Rep.__table__  # type: ignore[attr-defined]
    cols = (table.c.id, table.c.name, table.c.email, table.c.phone)
    return session.connection().execute(select(*cols).where(table.c.id == rep_id)).first()


def _status_event(session: Session, ev: StatusEvent) -> None:
    """rep.status_changed: the effective status moved."""
    if ev.from_status == ev.to_status:
        return
    rep = _rep(session, ev.rep_id)
    data = {
        "rep": _person(rep) if rep is not None else {"id": ev.rep_id},
        "from": ev.from_status,
        "to": ev.to_status,
        "note": ev.note,
        "by": ev.by,
        "at": stamp(ev.at),
    }
    write(session.connection(), ev.company_id, "rep.status_changed", ev.at, data)


_OVERRIDE = {"override_state", "override_until"}


def _team(session: Session, team: Team) -> None:
    """team.state_changed: an override was set, changed or cleared."""
    state = inspect(team)
    if not any(state.attrs[a].history.has_changes() for a in _OVERRIDE):
        return
    at = team.override_at or datetime.now(UTC)
    data = {
        "team": {"id": team.id, "slug": team.slug, "name": team.name},
        "override": team.override_state,
        "until": stamp(team.override_until) if team.override_until else None,
        "by": team.override_by,
    }
    write(session.connection(), team.company_id, "team.state_changed", at, data)


def _answered(session: Session, row: Assignment) -> None:
    """assignment.answered: a call's answer gained who picked it up."""
    hist = inspect(row).attrs["answer"].history
    if not hist.has_changes():
        return
    before = (hist.deleted or [{}])[0] or {}
    who = (row.answer or {}).get("answered_by")
    if not who or before.get("answered_by") == who:
        return
    data = {"assignment_id": row.id, "team": row.team_slug, "kind": row.kind,
            "external_id": row.external_id, "answered_by": who}  # fmt: skip
    write(session.connection(), row.company_id, "assignment.answered", datetime.now(UTC), data)


_OFFER_EVENTS = {"accepted": "assignment.accepted", "expired": "assignment.expired"}


def _offer(session: Session, row: Assignment) -> None:
    """assignment.accepted / assignment.expired: an offer ended for good (the whole answer)."""
    hist = inspect(row).attrs["offer_state"].history
    type_ = _OFFER_EVENTS.get(row.offer_state or "") if hist.has_changes() else None
    if type_ is not None:
        ended = ((row.answer or {}).get("offers") or [{}])[-1].get("ended_at")
        at = datetime.fromisoformat(ended) if ended else datetime.now(UTC)
        write(session.connection(), row.company_id, type_, at, row.answer)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    """Write the events of the rows this flush wrote."""
    for obj in session.new:
        if isinstance(obj, StatusEvent):
            _status_event(session, obj)
    for obj in session.dirty:
        if isinstance(obj, Team):
            _team(session, obj)
        elif isinstance(obj, Assignment):
            _answered(session, obj)
            _offer(session, obj)
            if inspect(obj).attrs["offer_expires_at"].history.has_changes():
                mark(session.connection(), OFFERS)  # the loop's next expiry may be sooner


@event.listens_for(Engine, "after_execute")
def _hook_answers(
    conn: Any, clause: Any, multiparams: Any, params: Any, _options: Any, _result: Any
) -> None:
    """assignment.created for the hook's Core inserts (each row carries its whole answer)."""
    for one in answers_inserted(clause, multiparams, params):
        if one.get("company_id") and one.get("answer"):
            at = one.get("created_at") or datetime.now(UTC)
            write(conn, one["company_id"], "assignment.created", at, one["answer"])
            if one.get("offer_expires_at") is not None:
                mark(conn, OFFERS)


def answers_inserted(clause: Any, multiparams: Any, params: Any) -> list[dict[str, Any]]:
    """The rows of a Core insert into `assignment` (the hook's answers), else none."""
    if not isinstance(clause, Insert) or clause.table.name != "assignment":
        return []
    found = list(multiparams or ()) + ([params] if params else [])
    flat = [one for row in found for one in (row if isinstance(row, (list, tuple)) else [row])]
    return [one for one in flat if isinstance(one, dict)]


@event.listens_for(Session, "after_begin")
def _link(session: Session, _tx: SessionTransaction, connection: Any) -> None:
    """Let writes on this transaction's connection mark the session."""
    connection.info[KEY] = session.info.setdefault(KEY, {})


@event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    """The transaction left work for the delivery loop: wake the steps it fed."""
    noted = session.info.pop(KEY, None)
    steps = STEPS.intersection(noted) if noted else None
    if not steps:
        return
    bind = session.get_bind()
    waker = _wakers.get(bind.pool) if isinstance(bind, Engine) else None
    if waker is not None:
        waker(steps, frozenset(noted.get(ENDPOINTS, ())))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without committing woke nobody."""
    if transaction.parent is None:
        session.info.pop(KEY, None)
