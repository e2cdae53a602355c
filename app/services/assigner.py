"""The hook: who gets the next lead or call and why, with atomic turns and idempotent retries."""

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import outbox
from app.domain import fairness as f
from app.domain import offers as offer_rules
from app.domain import routing as r
from app.domain.stamps import stamp
from app.encoded import Encoded
from app.models import Assignment, Company, Team, new_id
from app.services import answer_shape as shape
from app.services import prepared, roster, rotation
from app.services.errors import Invalid, Refused

MAX_KEY = 255
CREATED = "assignment.created"


@dataclass(frozen=True)
class Step:
    """What one team did with the work: the decision, why, and where else it went."""

    team: Team
    seen: list[roster.Seen]
    decision: r.Decision
    reason: str
    destination: r.Destination | None
    turn: f.TurnRecord | None = None  # the assignee's turn, to record (when one was taken)


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
    version: int | None = None,
) -> Outcome:
    """Answer the hook and record it in this transaction; a repeated key replays the first.
    `version`: the company's config version, when this transaction has read it already."""
    digest = _digest(team, kind, external_id)
    prep = prepared.company(session, company.id, version)
    if key is None:
        return Outcome(_record(session, prep, team, kind, external_id, None, digest, now), False)
    _check_key(key)
    if (earlier := _earlier(session, company, key, digest)) is not None:
        return Outcome(earlier, True)
    try:
        # A duplicate in flight blocks on the unique key until the first commits (PostgreSQL);
        # the savepoint then undoes this attempt's turn and the first answer is replayed.
        with session.begin_nested():
            answer = _record(session, prep, team, kind, external_id, key, digest, now)
    except IntegrityError:
        if (earlier := _earlier(session, company, key, digest)) is None:
            raise
        return Outcome(earlier, True)
    return Outcome(answer, False)


def preview(session: Session, company: Company, *, team: str, kind: str, at: datetime) -> dict:
    """What the hook would answer at `at`, from the turns taken so far; assigns nothing."""
    prep = prepared.company(session, company.id)
    step, via = _route(session, prep, prepared.team(session, prep, team), kind_of(kind), at)
    return {**_answer(step, via, team, kind, None), "at": stamp(at)}


def repick(
    session: Session, company: Company, row: Assignment, now: datetime, *, exclude: frozenset[str]
) -> dict[str, Any]:
    """Pick again for a stored answer, leaving out the reps in `exclude` (an offer passed on):
    the new assignee takes a turn; answers the fields of the answer that change."""
    prep = prepared.company(session, company.id)
    start = prepared.team(session, prep, row.team_slug)
    step, via = _route(session, prep, start, kind_of(row.kind), now, lock=True, exclude=exclude)
    if step.decision.assignee is not None and step.turn is not None:
        rotation.take_turn(session, step.team.id, row.kind, step.decision.assignee, step.turn, now)
    return _answer(step, via, row.team_slug, row.kind, row.external_id)


def line_up(session: Session, look: roster.Look, kind: r.Kind) -> tuple[str, ...]:
    """Eligible members in the order they would get the next work of this kind."""
    turns = rotation.turns(session, look.team.id, kind)
    cands, entries = _ready(look, look.shares(kind), turns, frozenset())
    return r.pick(cands, r.Kind.CALL, entries).hunt  # a call's hunt list: tier 1, then tier 2


# --- One answer ---------------------------------------------------------------------------------


def _record(
    session: Session,
    prep: prepared.PreparedCompany,
    slug: str,
    kind: str,
    external_id: str | None,
    key: str | None,
    digest: str,
    now: datetime,
) -> dict[str, Any]:
    """Decide with the rotation locked, take the turn and store the answer whole."""
    start = prepared.team(session, prep, slug)
    step, via = _route(session, prep, start, kind_of(kind), now, lock=True)
    answer = {"id": new_id(), **_answer(step, via, slug, kind, external_id)}
    answer["created_at"] = stamp(now)
    answer, offer = offer_rules.lead_offer(answer, kind, start.team.offer_seconds, now)  # or as is
    assignee = step.decision.assignee
    if assignee is not None and step.turn is not None:
        rotation.take_turn(session, step.team.id, kind, assignee, step.turn, now)
    answer = Encoded(answer)  # encoded once: stored and sent as the same bytes
    row = {
        "id": answer["id"],
        "company_id": prep.company.id,
        "team_slug": slug,
        "kind": kind,
        "external_id": external_id,
        "assignee_id": assignee,
        "reason": step.reason,
        "answer": answer,
        "idempotency_key": key,
        "request_digest": digest,
        "created_at": now,
        **offer,
    }
    conn = session.connection()
    # the webhook outbox writes assignment.created to the subscribers prepared with the company
    outbox.known_subscribers(
        conn, prep.company.id, CREATED, prepared.subscribers(session, prep, CREATED)
    )
    # a duplicate key fails here, inside the caller's savepoint
    conn.execute(_STORE, [row])
    return answer


def _route(
    session: Session,
    prep: prepared.PreparedCompany,
    start: prepared.PreparedTeam,
    kind: r.Kind,
    t: datetime,
    *,
    lock: bool = False,
    exclude: frozenset[str] = frozenset(),
) -> tuple[Step, list[str]]:
    """Follow team destinations until a team picks a rep or names a final destination;
    `exclude` names reps who may not be picked this time (an offer they let go)."""
    holidays = prepared.holidays(session, prep, t)
    team, via = start, [start.team.slug]
    while True:
        look = prepared.look(session, prep, team, t, holidays)
        step = _step(session, look, kind, lock, exclude)
        nxt = step.destination.team if step.destination is not None else None
        if nxt is None:
            return step, via
        if nxt in via:  # loops are refused when saved; never ring around one
            return replace(step, destination=r.VOICEMAIL), via
        team = prepared.team(session, prep, nxt)
        via.append(nxt)


def _step(
    session: Session,
    look: roster.Look,
    kind: r.Kind,
    lock: bool,
    exclude: frozenset[str],
) -> Step:
    """Pick among the members, locking the rotation first so no turn is handed out twice."""
    cands = [s.candidate for s in look.seen]
    entries = [_excluded(s.entry) if s.entry.rep_id in exclude else s.entry for s in look.standing]
    if look.team_reason is not None:
        decision = r.pick(cands, kind, entries)
        return Step(look.team, look.seen, decision, look.team_reason, look.destination)
    if not any(e.eligible for e in entries):
        decision = r.pick(cands, kind, entries)
        return Step(look.team, look.seen, decision, "nobody_available", _away(look.team))
    seq = rotation.next_seq(session, look.team.id, kind) if lock else 0
    turns = rotation.turns(session, look.team.id, kind)  # read under the lock: the order is settled
    shares = look.shares(kind)  # once per answer: the pick and the assignee's turn use it
    ready, entries = _ready(look, shares, turns, exclude)
    decision = r.pick(ready, kind, entries)
    if decision.assignee is None:  # everyone eligible is at their daily cap
        return Step(look.team, look.seen, decision, "nobody_available", _away(look.team))
    share = shares.get(decision.assignee, f.EQUAL)
    turn = f.after_turn(turns.get(decision.assignee), share, f.virtual_time(turns), seq, look.day)
    return Step(look.team, look.seen, decision, "assigned", None, turn if lock else None)


def _ready(
    look: roster.Look,
    shares: dict[str, f.Share],
    turns: dict[str, f.TurnRecord],
    exclude: frozenset[str],
) -> tuple[list[r.Candidate], list[r.TraceEntry]]:
    """The candidates with their turns, passes and caps, and their trace entries."""
    cands = f.ready([s.candidate for s in look.seen], shares, turns, look.day)
    entries = [
        _excluded(s.entry) if c.rep_id in exclude else r.trace_entry(c) if c.capped else s.entry
        for c, s in zip(cands, look.standing, strict=True)
    ]
    return cands, entries


def _excluded(e: r.TraceEntry) -> r.TraceEntry:
    """A member the work was already offered to: not eligible again for it."""
    return r.TraceEntry(e.rep_id, e.name, False, None, "offered") if e.eligible else e


def _away(team: Team) -> r.Destination:
    """Where work goes when nobody is eligible: the AWAY destination (voicemail for members)."""
    dest = r.Destination.from_json(team.dest_away, "destinations.away")
    return r.VOICEMAIL if dest.type == "members" else dest


_STORE = insert(Assignment)


# --- The answer ---------------------------------------------------------------------------------


def _answer(
    step: Step, via: list[str], team: str, kind: str, external_id: str | None
) -> dict[str, Any]:
    """The API shape of an answer (docs/api.md, the hook), without id and time."""
    where = step.destination.to_json() if step.destination else None
    return shape.answer(step.seen, step.decision, where, step.reason, via, team, kind, external_id)


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


def kind_of(kind: str) -> r.Kind:
    """The kind of work named in a request, or Invalid naming `kind`."""
    try:
        return r.Kind(kind)
    except ValueError:
        raise Invalid("kind", "Use 'lead' or 'call'.") from None
