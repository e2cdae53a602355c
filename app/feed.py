"""The change feed: every transaction notes what it wrote, per company and topic, and publishes it
once it has committed (nothing on rollback).

Services never publish. SQLAlchemy's session events see every row the unit of work flushes (and
the assigner's Core inserts), map each to a topic, and after a successful commit hand one message
per company to the publisher attached to the engine: in a running app that is the channels plugin
(app/live.py), on the command line a one-shot publisher. Screens subscribe by topic.

A message is JSON: {"topics": [...], "reps": [ids whose presence or profiles changed],
"untils": [[kind, id, iso instant], ...]} — `untils` are the instants at which a timed status or a
team override ends, so a running app can publish again at that instant.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import Pool
from sqlalchemy.sql.dml import Insert

from app.models import (
    Assignment,
    Company,
    Holiday,
    Profile,
    Rep,
    Rotation,
    StatusEvent,
    Team,
    TeamMember,
    TimeOff,
    Turn,
)

PRESENCE, PROFILES, TEAM, ROTATION = "presence", "profiles", "team", "rotation"
HOURS, HOLIDAYS, TIME_OFF, PEOPLE = "hours", "holidays", "time_off", "people"
OFFERS = "offers"  # a lead offered to a rep: accepted, declined, passed on or expired
TOPICS = (PRESENCE, PROFILES, TEAM, ROTATION, HOURS, HOLIDAYS, TIME_OFF, PEOPLE, OFFERS)

# Which attributes of a row mean which topic; attributes not named (password hash, PIN failures,
# calendar key versions...) change nothing a screen shows.
_REP = {
    PRESENCE: {"status", "note", "until", "then_status", "locked_reason", "status_changed_at"},
    PROFILES: {"profile_id"},
    HOURS: {"hours", "timezone"},
    PEOPLE: {"name", "email", "phone", "role", "active", "external_ids"},
}
_TEAM = {
    TEAM: {"name", "slug", "schedule", "dest_lunch", "dest_away", "dest_vacation", "ring"},
    PRESENCE: {"override_state", "override_until", "override_by", "override_at"},
}
_ASSIGNMENT = {OFFERS: {"offer_state", "offer_expires_at", "assignee_id"}}
_COMPANY = {HOURS: {"hours", "timezone"}, HOLIDAYS: {"holiday_country", "holiday_subdivision"}}
_WHOLE_ROW = {
    Holiday: HOLIDAYS,
    TimeOff: TIME_OFF,
    TeamMember: TEAM,
    StatusEvent: PRESENCE,
    Profile: PROFILES,
    Rotation: ROTATION,
    Turn: ROTATION,
}
_CORE_INSERTS = {"assignment": ROTATION}  # the hook's hot path writes without the ORM

KEY = "ondeck.feed"
ORIGIN = "ondeck.origin"  # session.info: (page id, fragment id) of the screen whose request this is


@dataclass
class Change:
    """What one transaction changed in one company."""

    topics: set[str] = field(default_factory=set)
    reps: set[str] = field(default_factory=set)
    untils: set[tuple[str, str, str]] = field(default_factory=set)
    origin: tuple[str, str] | None = None  # (page id, fragment id) of the screen that made it

    def encode(self) -> bytes:
        """The message sent to the company's channel."""
        raw = {"topics": sorted(self.topics), "reps": sorted(self.reps)}
        return json.dumps(raw | {"untils": sorted(self.untils), "origin": self.origin}).encode()


def decode(data: bytes | str) -> Change:
    """A message back as a Change (an unreadable one counts as "everything changed")."""
    try:
        raw = json.loads(data)
        origin = raw.get("origin")
        return Change(
            set(raw.get("topics", ())),
            set(raw.get("reps", ())),
            {(str(k), str(i), str(t)) for k, i, t in raw.get("untils", ())},
            (str(origin[0]), str(origin[1])) if origin else None,
        )
    except (ValueError, TypeError, AttributeError):
        return Change(set(TOPICS))


Publisher = Callable[[str, bytes], None]  # (company id, message); must be safe from any thread
_publishers: "WeakKeyDictionary[Pool, Publisher]" = WeakKeyDictionary()


def attach(engine: Engine, publisher: Publisher) -> None:
    """Send every committed change made through `engine` (or a copy with other options) to
    `publisher`."""
    _publishers[engine.pool] = publisher


def detach(engine: Engine) -> None:
    """Stop publishing changes made through `engine`."""
    _publishers.pop(engine.pool, None)


def pending(session: Session) -> dict[str, Change]:
    """The changes this session has noted and not yet published, by company."""
    found: dict[str, Change] = session.info.setdefault(KEY, {})
    return found


# --- Collecting ----------------------------------------------------------------------------------


def changed_attrs(obj: Any) -> set[str]:
    """The attributes of a flushed row whose value changed."""
    state = inspect(obj)
    return {a.key for a in state.attrs if a.history.has_changes()}


def _topics_of(obj: Any, is_new_or_deleted: bool) -> set[str]:
    """The topics a written row belongs to."""
    for model, topic in _WHOLE_ROW.items():
        if isinstance(obj, model):
            return {topic}
    table = _REP if isinstance(obj, Rep) else _TEAM if isinstance(obj, Team) else None
    if isinstance(obj, Company):
        table = _COMPANY
    if isinstance(obj, Assignment):
        table = _ASSIGNMENT
    if table is None:
        return set()
    if is_new_or_deleted:
        return set(table) | ({PEOPLE} if isinstance(obj, Rep) else set())
    changed = changed_attrs(obj)
    return {topic for topic, attrs in table.items() if attrs & changed}


def company_of(session: Session, obj: Any) -> str | None:
    """The company a row belongs to: from the row, or its parent team or rep (from the identity
    map, else one primary-key read on the flush's own connection)."""
    if isinstance(obj, Company):
        return obj.id
    company_id = getattr(obj, "company_id", None)
    if company_id is not None:
        return str(company_id)
    for attr, model in (("team_id", Team), ("rep_id", Rep)):
        parent_id = getattr(obj, attr, None)
        if parent_id is None:
            continue
        key = inspect(model).identity_key_from_primary_key((parent_id,))
        parent = session.identity_map.get(key)
        if parent is not None:
            return str(parent.company_id)
        table = model.__table__  # type: ignore[attr-defined,union-attr]
        found = session.connection().execute(
            select(table.c.company_id).where(table.c.id == parent_id)
        )
        return found.scalar_one_or_none()
    return None


def _rep_of(obj: Any) -> str | None:
    """The rep whose own screen a row concerns."""
    if isinstance(obj, Rep):
        return obj.id
    if isinstance(obj, (StatusEvent, Profile)):
        return obj.rep_id
    return None


def _untils_of(obj: Any) -> Iterable[tuple[str, str, str]]:
    """The instants at which what this row says ends by itself."""
    if isinstance(obj, Rep) and obj.until is not None:
        yield ("rep", obj.id, obj.until.isoformat())
    if isinstance(obj, Team) and obj.override_until is not None:
        yield ("team", obj.id, obj.override_until.isoformat())


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    """Note every row this flush wrote, by company and topic."""
    found = pending(session)
    for rows, whole in ((session.new, True), (session.dirty, False), (session.deleted, True)):
        for obj in rows:
            topics = _topics_of(obj, whole)
            company_id = company_of(session, obj) if topics else None
            if not topics or company_id is None:
                continue
            change = found.setdefault(company_id, Change())
            change.topics |= topics
            rep_id = _rep_of(obj)
            if rep_id and topics & {PRESENCE, PROFILES}:
                change.reps.add(rep_id)
            change.untils.update(_untils_of(obj))


@event.listens_for(Session, "after_begin")
def _link(session: Session, _tx: SessionTransaction, connection: Any) -> None:
    """Let Core statements on this transaction's connection find the session's notes."""
    connection.info[KEY] = pending(session)


@event.listens_for(Engine, "after_execute")
def _collect_core(
    conn: Any, clause: Any, multiparams: Any, params: Any, _options: Any, _result: Any
) -> None:
    """Note the hook's Core inserts (they carry their company)."""
    if not isinstance(clause, Insert) or clause.table.name not in _CORE_INSERTS:
        return
    found = conn.info.get(KEY)
    if found is None:
        return
    rows = list(multiparams or ()) + ([params] if params else [])
    for row in rows:
        for one in row if isinstance(row, (list, tuple)) else [row]:
            if isinstance(one, dict) and one.get("company_id"):
                found.setdefault(one["company_id"], Change()).topics.add(
                    _CORE_INSERTS[clause.table.name]
                )


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    """The transaction committed: send each company's change."""
    found = session.info.pop(KEY, None)
    if not found:
        return
    origin = session.info.get(ORIGIN)
    bind = session.get_bind()
    publisher = _publishers.get(bind.pool) if isinstance(bind, Engine) else None
    if publisher is None:
        return
    for company_id, change in found.items():
        if change.topics:
            change.origin = origin
            publisher(company_id, change.encode())


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without committing publishes nothing."""
    if transaction.parent is None:
        session.info.pop(KEY, None)


def future_untils(
    untils: Iterable[tuple[str, str, str]], now: datetime
) -> list[tuple[str, str, datetime]]:
    """The end instants still ahead of `now`."""
    ahead = []
    for kind, ident, iso in untils:
        try:
            at = datetime.fromisoformat(iso)
        except ValueError:
            continue
        if at > now:
            ahead.append((kind, ident, at))
    return ahead
