"""The hook: who gets the next lead or call and why, with atomic turns and idempotent retries."""

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain import routing as r
from app.models import Assignment, Company, Rotation, Team, Turn, UTCDateTime, new_id
from app.services import roster, team_state, teams
from app.services.errors import Invalid, Refused

MAX_KEY = 255


@dataclass(frozen=True)
class Step:
    """What one team did with the work: the decision, why, and where else it went."""

    team: Team
    seen: list[roster.Seen]
    decision: r.Decision
    reason: str
    destination: r.Destination | None
    seq: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The hook's answer and whether it is a replay of an earlier one (same Idempotency-Key)."""

    answer: dict[str, Any]
    replayed: bool


def assign(
    session: Session,
    company: Company,
    *,
    team: str,
    kind: str,
    now: datetime,
    external_id: str | None = None,
    key: str | None = None,
) -> Outcome:
    """Answer the hook and record it in this transaction; a repeated key replays the first."""
    digest = _digest(team, kind, external_id)
    if key is None:
        return Outcome(_record(session, company, team, kind, external_id, None, digest, now), False)
    _check_key(key)
    if (earlier := _earlier(session, company, key, digest)) is not None:
        return Outcome(earlier, True)
    try:
        # A duplicate in flight blocks on the unique key until the first commits (PostgreSQL);
        # the savepoint then undoes this attempt's turn and the first answer is replayed.
        with session.begin_nested():
            answer = _record(session, company, team, kind, external_id, key, digest, now)
    except IntegrityError:
        if (earlier := _earlier(session, company, key, digest)) is None:
            raise
        return Outcome(earlier, True)
    return Outcome(answer, False)


def preview(session: Session, company: Company, *, team: str, kind: str, at: datetime) -> dict:
    """What the hook would answer at `at`, from the turns taken so far; assigns nothing."""
    step, via = _route(session, company, teams.get(session, company, team), kind_of(kind), at)
    return {**_answer(step, via, team, kind, None), "at": stamp(at)}


def line_up(session: Session, look: roster.Look, kind: r.Kind) -> tuple[str, ...]:
    """Eligible members in the order they would get the next work of this kind."""
    turns = _turns(session, look.team.id, kind)
    cands = [replace(s.candidate, last_turn=turns.get(s.rep.id)) for s in look.seen]
    return r.pick(cands, r.Kind.CALL).hunt  # a call's hunt list: tier 1, then tier 2


# --- One answer ---------------------------------------------------------------------------------


def _record(
    session: Session,
    company: Company,
    slug: str,
    kind: str,
    external_id: str | None,
    key: str | None,
    digest: str,
    now: datetime,
) -> dict[str, Any]:
    """Decide with the rotation locked, take the turn and store the answer whole."""
    start = teams.get(session, company, slug)
    step, via = _route(session, company, start, kind_of(kind), now, lock=True)
    answer = {"id": new_id(), **_answer(step, via, slug, kind, external_id)}
    answer["created_at"] = stamp(now)
    assignee = step.decision.assignee
    if assignee is not None and step.seq is not None:
        _take_turn(session, step.team.id, kind, assignee, step.seq, now)
    row = {
        "id": answer["id"],
        "company_id": company.id,
        "team_slug": slug,
        "kind": kind,
        "external_id": external_id,
        "assignee_id": assignee,
        "reason": step.reason,
        "answer": answer,
        "idempotency_key": key,
        "request_digest": digest,
        "created_at": now,
    }
    # a duplicate key fails here, inside the caller's savepoint
    session.connection().execute(_STORE, [row])
    return answer


def _route(
    session: Session, company: Company, team: Team, kind: r.Kind, t: datetime, *, lock: bool = False
) -> tuple[Step, list[str]]:
    """Follow team destinations until a team picks a rep or names a final destination."""
    holidays = team_state.holiday_on(session, company, t)
    via = [team.slug]
    while True:
        step = _step(session, roster.look(session, company, team, t, holidays), kind, lock)
        nxt = step.destination.team if step.destination is not None else None
        if nxt is None:
            return step, via
        if nxt in via:  # loops are refused when saved; never ring around one
            return replace(step, destination=r.VOICEMAIL), via
        team = teams.get(session, company, nxt)
        via.append(nxt)


def _step(session: Session, look: roster.Look, kind: r.Kind, lock: bool) -> Step:
    """Pick among the members, locking the rotation first so no turn is handed out twice."""
    cands = [s.candidate for s in look.seen]
    if look.team_reason is not None:
        return Step(look.team, look.seen, r.pick(cands, kind), look.team_reason, look.destination)
    if not any(s.entry.eligible for s in look.standing):
        return Step(look.team, look.seen, r.pick(cands, kind), "nobody_available", _away(look.team))
    seq = _next_seq(session, look.team.id, kind) if lock else None
    turns = _turns(session, look.team.id, kind)  # read under the lock: the order is settled
    decision = r.pick([replace(c, last_turn=turns.get(c.rep_id)) for c in cands], kind)
    return Step(look.team, look.seen, decision, "assigned", None, seq)


def _away(team: Team) -> r.Destination:
    """Where work goes when nobody is eligible: the AWAY destination (voicemail for members)."""
    dest = r.Destination.from_json(team.dest_away, "destinations.away")
    return r.VOICEMAIL if dest.type == "members" else dest


# --- Rotation rows ------------------------------------------------------------------------------


_STORE = insert(Assignment)
_WHICH = (col(Rotation.team_id) == bindparam("b_team"), col(Rotation.kind) == bindparam("b_kind"))
_BUMP = (
    update(Rotation)
    .where(*_WHICH)
    .values(seq=col(Rotation.seq) + 1)
    .returning(col(Rotation.seq))
    .execution_options(synchronize_session=False)
)
_TURNS = columns(col(Turn.rep_id), col(Turn.last_seq)).where(
    col(Turn.team_id) == bindparam("b_team"), col(Turn.kind) == bindparam("b_kind")
)


def _next_seq(session: Session, team_id: str, kind: r.Kind) -> int:
    """Lock the team's rotation row for this kind and move its counter (PostgreSQL row lock;
    on SQLite the request already holds the write lock from BEGIN IMMEDIATE)."""
    which = {"b_team": team_id, "b_kind": kind.value}
    seq = session.connection().execute(_BUMP, which).scalar_one_or_none()
    if seq is None:  # the first turn of this team and kind: create the row, racing safely
        session.connection().execute(_dialect(session).CREATE_ROTATION, which)
        seq = session.connection().execute(_BUMP, which).scalar_one()
    return int(seq)


def _turns(session: Session, team_id: str, kind: r.Kind) -> dict[str, int]:
    """When each member last had a turn for this team and kind (one query)."""
    rows = session.connection().execute(_TURNS, {"b_team": team_id, "b_kind": kind.value})
    return {rep_id: seq for rep_id, seq in rows}


def _take_turn(
    session: Session, team_id: str, kind: str, rep_id: str, seq: int, now: datetime
) -> None:
    """Record the assignee's turn (insert or move forward)."""
    values = {"b_team": team_id, "b_kind": kind, "b_rep": rep_id, "b_seq": seq, "b_at": now}
    session.connection().execute(_dialect(session).TAKE_TURN, values)


class _Upserts:
    """INSERTs that tolerate a race (ON CONFLICT), built once per dialect."""

    def __init__(self, dialect: Any) -> None:
        self.CREATE_ROTATION = (
            dialect.insert(Rotation)
            .values(team_id=bindparam("b_team"), kind=bindparam("b_kind"), seq=0)
            .on_conflict_do_nothing()
        )
        at = bindparam("b_at", type_=UTCDateTime)
        self.TAKE_TURN = (
            dialect.insert(Turn)
            .values(
                team_id=bindparam("b_team"),
                kind=bindparam("b_kind"),
                rep_id=bindparam("b_rep"),
                last_seq=bindparam("b_seq"),
                last_at=at,
            )
            .on_conflict_do_update(
                index_elements=["team_id", "kind", "rep_id"],
                set_={"last_seq": bindparam("b_seq"), "last_at": at},
            )
        )


_UPSERTS = {"postgresql": _Upserts(postgresql), "sqlite": _Upserts(sqlite)}


def _dialect(session: Session) -> _Upserts:
    """The upserts for the session's database."""
    return _UPSERTS[session.get_bind().dialect.name]


# --- The answer ---------------------------------------------------------------------------------


def _answer(
    step: Step, via: list[str], team: str, kind: str, external_id: str | None
) -> dict[str, Any]:
    """The API shape of an answer (API.md, the hook), without id and time."""
    people = {s.rep.id: s.rep for s in step.seen}
    assignee = step.decision.assignee
    return {
        **_flat(people[assignee] if assignee else None),
        "team": team,
        "kind": kind,
        "external_id": external_id,
        "assignee": _person(people[assignee]) if assignee else None,
        "hunt": [_person(people[rep_id]) for rep_id in step.decision.hunt],
        "destination": step.destination.to_json() if step.destination else None,
        "reason": step.reason,
        "routed_via": via,
        "trace": [roster.trace_line(e) for e in step.decision.trace],
    }


def _flat(rep: roster.Person | None) -> dict[str, Any]:
    """The assignee as flat fields, for tools that cannot read nested objects (Salesforce Flow,
    HubSpot): assignee_id, _name, _email, _phone and their ids in other systems."""
    ids = json.loads(rep.external_ids) if rep is not None and rep.external_ids else None
    return {
        "assignee_id": rep.id if rep else None,
        "assignee_name": rep.name if rep else None,
        "assignee_email": rep.email if rep else None,
        "assignee_phone": rep.phone if rep else None,
        "assignee_external_ids": ids if isinstance(ids, dict) else {},
    }


def _person(rep: roster.Person) -> dict[str, Any]:
    """The API shape of an assignee or hunt list entry."""
    return {"id": rep.id, "name": rep.name, "email": rep.email, "phone": rep.phone}


# --- Idempotency --------------------------------------------------------------------------------


def _digest(team: str, kind: str, external_id: str | None) -> str:
    """A fingerprint of the request body, to tell a retry from a different request."""
    body = json.dumps({"team": team, "kind": kind, "external_id": external_id}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _check_key(key: str) -> None:
    """Idempotency keys are 1 to 255 characters."""
    if not key or len(key) > MAX_KEY:
        raise Invalid("Idempotency-Key", f"Use 1 to {MAX_KEY} characters.")


def _earlier(session: Session, company: Company, key: str, digest: str) -> dict[str, Any] | None:
    """The first answer given under this key, or None; another body under it is refused."""
    q = select(Assignment).where(
        Assignment.company_id == company.id, Assignment.idempotency_key == key
    )
    row = session.exec(q).first()
    if row is None:
        return None
    if row.request_digest != digest:
        raise Refused("This Idempotency-Key was already used with a different request body.")
    return row.answer


def stamp(t: datetime) -> str:
    """An instant as the API writes it (UTC, "Z"), so a stored answer reads back byte for byte."""
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def kind_of(kind: str) -> r.Kind:
    """The kind of work named in a request, or Invalid naming `kind`."""
    try:
        return r.Kind(kind)
    except ValueError:
        raise Invalid("kind", "Use 'lead' or 'call'.") from None
