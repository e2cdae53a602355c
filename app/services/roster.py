"""A team at an instant: where its state sends work, and how each member stands for routing.

This is the hook's hot path, so members are read as plain rows (no ORM objects), hours are
parsed once per distinct value, and a day's open spans are computed once per hours, zone and day.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, cast, func
from sqlalchemy import select as columns
from sqlmodel import Session, col

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.models import Company, Rep, Team, TeamMember, TimeOff
from app.services import team_state, teams

TEAM_REASONS = {
    r.TeamState.LUNCH: "team_lunch",
    r.TeamState.AWAY: "team_away",
    r.TeamState.VACATION: "team_vacation",
}
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Person:
    """A member as routing reads them: contact details, zone, personal hours, presence."""

    id: str
    name: str
    email: str
    phone: str | None
    timezone: str
    hours: h.WeeklyHours | None
    presence: p.Presence
    external_ids: str | None = None  # the stored JSON, read only for an assignee


@dataclass(frozen=True)
class Seen:
    """One member at an instant: who, their presence, and their candidacy for work."""

    rep: Person
    presence: p.EffectivePresence
    candidate: r.Candidate


@dataclass(frozen=True)
class Look:
    """A team at an instant: where its state sends work and how each member stands."""

    team: Team
    destination: r.Destination
    team_reason: str | None  # None when the state routes to the members
    seen: list[Seen]


def look(
    session: Session,
    company: Company,
    team: Team,
    t: datetime,
    holidays: Mapping[date, str] | None = None,
) -> Look:
    """Where the team's state sends work at t, and each member's eligibility (two queries)."""
    if holidays is None:
        holidays = team_state.holiday_on(session, company, t)
    sched = team_state.schedule_of(team, company, holidays)
    state = r.team_state(sched, team_state.override_of(team), t).state
    dest = state_destination(team, state)
    reason = None
    if dest.type != "members":
        on_holiday = state is r.TeamState.AWAY and t.astimezone(sched.tz).date() in holidays
        reason = "holiday" if on_holiday else TEAM_REASONS[state]
    return Look(team, dest, reason, _seen(session, company, team, t, holidays, reason))


def availability(session: Session, company: Company, team: Team, at: datetime) -> list[dict]:
    """Each member at `at`: effective status, whether eligible, tier, and the reason."""
    seen = look(session, company, team, at).seen
    return [{"effective_status": s.presence.effective_status.value, **_standing(s)} for s in seen]


def _standing(s: Seen) -> dict[str, Any]:
    """A member's trace line."""
    return trace_line(r.trace_entry(s.candidate))


def trace_line(e: r.TraceEntry) -> dict[str, Any]:
    """The API shape of a trace entry."""
    return {
        "rep": {"id": e.rep_id, "name": e.name},
        "eligible": e.eligible,
        "tier": e.tier,
        "reason": e.reason,
    }


def state_destination(team: Team, state: r.TeamState) -> r.Destination:
    """Where the team sends work in a state (IN OFFICE: always its members)."""
    if state is r.TeamState.IN_OFFICE:
        return r.MEMBERS
    return r.Destination.from_json(teams.destinations(team)[state.value], "destination")


def _seen(
    session: Session,
    company: Company,
    team: Team,
    t: datetime,
    holidays: Mapping[date, str],
    team_reason: str | None,
) -> list[Seen]:
    """Members with presence and candidacy at t; time off is read only when the company is open."""
    found = _members(session, team.id)
    shared = team_reason or _company_reason(company, holidays, t)
    offs = {} if shared != "working" else _time_off(session, [m[0].id for m in found], t)
    out = []
    for person, position, taking_part in found:
        eff = p.read(person.presence, t)
        why = shared if shared != "working" else _rep_reason(person, offs.get(person.id, ()), t)
        locked = eff.locked is not None
        cand = r.Candidate(
            person.id, person.name, position, taking_part, why, eff.status, locked, None
        )
        out.append(Seen(person, eff, cand))
    return out


def _company_reason(company: Company, holidays: Mapping[date, str], t: datetime) -> str:
    """The part of every member's reason that comes from the company: holiday or closed."""
    if t.astimezone(h.zone(company.timezone)).date() in holidays:
        return "holiday"
    open_now = inside(team_state.hours_of(company.hours), company.timezone, t)
    return "working" if open_now else "company_closed"


def _rep_reason(person: Person, offs: Sequence[h.TimeOff], t: datetime) -> str:
    """Time off, then personal hours: the rest of h.availability's order of reasons."""
    tz = h.zone(person.timezone)
    if any(start <= t < end for start, end in (off.intervals(tz) for off in offs)):
        return "time_off"
    if person.hours is not None and not inside(person.hours, person.timezone, t):
        return "outside_hours"
    return "working"


def inside(hours: h.WeeklyHours, tz: str, t: datetime) -> bool:
    """h.is_inside, with each day's spans computed once per hours, zone and local date."""
    day = t.astimezone(h.zone(tz)).date()
    return any(start <= t < end for start, end in _spans(hours, tz, day))


@lru_cache(maxsize=16384)
def _spans(hours: h.WeeklyHours, tz: str, day: date) -> tuple[Span, ...]:
    """The open spans of the day before, the day and the day after, as h.is_inside reads them."""
    zone = h.zone(tz)
    days = (day - timedelta(days=1), day, day + timedelta(days=1))
    return tuple(span for d in days for span in h.local_intervals(hours, zone, d))


@lru_cache(maxsize=4096)
def _hours_text(text: str | None) -> h.WeeklyHours | None:
    """Personal hours from their stored JSON text (None or JSON null: follows company hours)."""
    obj = None if text is None else json.loads(text)
    return None if obj is None else h.WeeklyHours.from_json(obj)


_MEMBERS = (
    columns(
        col(Rep.id),
        col(Rep.name),
        col(Rep.email),
        col(Rep.phone),
        col(Rep.timezone),
        cast(col(Rep.hours), String),
        col(Rep.status),
        col(Rep.note),
        col(Rep.until),
        col(Rep.then_status),
        col(Rep.locked_reason),
        col(TeamMember.position),
        col(TeamMember.taking_part),
        cast(col(Rep.external_ids), String),
    )
    .join(TeamMember, col(TeamMember.rep_id) == col(Rep.id))
    .where(col(TeamMember.team_id) == bindparam("team_id"), col(Rep.active).is_(True))
    .order_by(col(TeamMember.position))
)


def _members(session: Session, team_id: str) -> list[tuple[Person, int, bool]]:
    """The team's active members in order, with place and taking part (one query)."""
    out = []
    for row in session.connection().execute(_MEMBERS, {"team_id": team_id}):
        (rep_id, name, email, phone, tz, hours, status, note, until, then, locked, pos, part,
         ids) = row  # fmt: skip
        then_status = p.Status(then) if then else None
        presence = p.Presence(p.Status(status), note, until, then_status, locked)
        person = Person(rep_id, name, email, phone, tz, _hours_text(hours), presence, ids)
        out.append((person, pos, part))
    return out


_TIME_OFF = columns(
    col(TimeOff.rep_id),
    col(TimeOff.day),
    col(TimeOff.end_date),
    col(TimeOff.start_min),
    col(TimeOff.end_min),
).where(
    col(TimeOff.rep_id).in_(bindparam("rep_ids", expanding=True)),
    col(TimeOff.day) <= bindparam("last"),
    func.coalesce(TimeOff.end_date, TimeOff.day) >= bindparam("first"),
)


def _time_off(session: Session, rep_ids: list[str], t: datetime) -> dict[str, list[h.TimeOff]]:
    """Time off of these reps that can touch t (any zone: two days either side), one query."""
    if not rep_ids:
        return {}
    window = {"first": t.date() - timedelta(days=2), "last": t.date() + timedelta(days=2)}
    found: dict[str, list[h.TimeOff]] = {}
    for rep_id, day, end_date, start, end in session.connection().execute(
        _TIME_OFF, {"rep_ids": rep_ids, **window}
    ):
        found.setdefault(rep_id, []).append(h.TimeOff(day, end_date, start, end))
    return found
