"""A team at an instant, loaded for the one eligibility engine (app/domain/standing.py).

This is the hook's hot path, so members are read as plain rows (no ORM objects) and hours are
parsed once per distinct value; the engine decides.
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

from app.domain import fairness as f
from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.domain import standing as st
from app.models import Company, Rep, Team, TeamMember, TimeOff
from app.services import team_state, teams

TEAM_REASONS = st.TEAM_REASONS


@dataclass(frozen=True)
class Person:
    """A member as routing reads them: contact details, zone, personal hours."""

    id: str
    name: str
    email: str
    phone: str | None
    timezone: str
    hours: h.WeeklyHours | None
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
    rules: st.TeamRules
    standing: tuple[st.Standing, ...]  # the engine's answer, member by member (as `seen`)
    terms: Mapping[str, "Terms"]  # each member's weight and daily caps
    at: datetime  # the instant the team is seen at

    def shares(self, kind: r.Kind) -> dict[str, f.Share]:
        """Each member's weight and cap for this kind of work (members with the usual equal,
        uncapped terms are left out: fairness reads them as f.EQUAL)."""
        lead = kind is r.Kind.LEAD
        return {
            rep: f.Share(t.weight, t.cap_lead if lead else t.cap_call)
            for rep, t in self.terms.items()
            if t is not _EQUAL
        }

    @property
    def day(self) -> str:
        """The company's date at the instant (the daily caps' day)."""
        return f.local_day(self.at, self.rules.schedule.tz)


@dataclass(frozen=True)
class Terms:
    """A member's place in the rotation beyond order: weight (1-10) and daily caps."""

    weight: int = 1
    cap_lead: int | None = None
    cap_call: int | None = None


def company_calendar(company: Company, holidays: Mapping[date, str]) -> h.CompanyCalendar:
    """The company's zone, hours (parsed once per value) and the given holidays."""
    return h.CompanyCalendar(h.zone(company.timezone), team_state.hours_of(company.hours), holidays)


def rules_of(team: Team, company: Company, holidays: Mapping[date, str]) -> st.TeamRules:
    """The team's schedule, override and destinations as the engine reads them."""
    sched = team_state.schedule_of(team, company, holidays)
    dests = {s: state_destination(team, s) for s in st.TEAM_REASONS}
    return st.TeamRules(sched, team_state.override_of(team), dests)


def look(
    session: Session,
    company: Company,
    team: Team,
    t: datetime,
    holidays: Mapping[date, str] | None = None,
) -> Look:
    """Where the team's state sends work at t, and each member's eligibility (two queries; time
    off is read only when the team routes to its members and the company is open)."""
    if holidays is None:
        holidays = team_state.holiday_on(session, company, t)
    cal, rules = company_calendar(company, holidays), rules_of(team, company, holidays)
    routing = st.routing_at(rules, t)
    shared = st.shared_reason(cal, routing, t)
    found = members(session, team.id)
    offs = {} if shared != "working" else time_off(session, [m[0].id for m in found], t)
    standing = tuple(
        st.stand(
            member(person, pres, pos, part, calendar(person, offs.get(person.id, ()))), shared, t
        )
        for person, pres, pos, part, _ in found
    )
    seen = [
        Seen(person, s.presence, s.candidate)
        for (person, *_), s in zip(found, standing, strict=True)
    ]
    terms = {person.id: terms for person, *_, terms in found}
    return Look(team, routing.destination, routing.reason, seen, rules, standing, terms, t)


def calendar(person: Person, offs: Sequence[h.TimeOff]) -> h.RepCalendar:
    """A member's zone, hours and the time off that can touch the instant."""
    return h.RepCalendar(h.zone(person.timezone), person.hours, tuple(offs))


def member(
    person: Person, presence: p.Presence, position: int, part: bool, cal: h.RepCalendar
) -> st.Member:
    """A member as the engine reads them."""
    return st.Member(person.id, person.name, position, part, cal, presence)


def availability(session: Session, company: Company, team: Team, at: datetime) -> list[dict]:
    """Each member at `at`: effective status, whether eligible, tier, and the reason."""
    return [
        {"effective_status": s.presence.effective_status.value, **trace_line(s.entry)}
        for s in look(session, company, team, at).standing
    ]


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


@lru_cache(maxsize=4096)
def hours_text(text: str | None) -> h.WeeklyHours | None:
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
        col(TeamMember.weight),
        col(TeamMember.cap_lead),
        col(TeamMember.cap_call),
    )
    .join(TeamMember, col(TeamMember.rep_id) == col(Rep.id))
    .where(col(TeamMember.team_id) == bindparam("team_id"), col(Rep.active).is_(True))
    .order_by(col(TeamMember.position))
)


_EQUAL = Terms()


def presence_of(row: tuple[Any, ...]) -> p.Presence:
    """A rep's stored presence (status, note, until, then, lock) as the domain reads it."""
    status, note, until, then, locked = row
    return p.Presence(p.Status(status), note, until, p.Status(then) if then else None, locked)


def terms_of(weight: int, cap_lead: int | None, cap_call: int | None) -> Terms:
    """A member's terms (one shared object for the usual equal, uncapped ones)."""
    plain = weight == 1 and cap_lead is None and cap_call is None
    return _EQUAL if plain else Terms(weight, cap_lead, cap_call)


def members(session: Session, team_id: str) -> list[tuple[Person, p.Presence, int, bool, Terms]]:
    """The team's active members in order, with presence, place, taking part and terms (one
    query)."""
    out = []
    for row in session.connection().execute(_MEMBERS, {"team_id": team_id}):
        (rep_id, name, email, phone, tz, hours, status, note, until, then, locked, pos, part,
         ids, weight, cap_lead, cap_call) = row  # fmt: skip
        presence = presence_of((status, note, until, then, locked))
        person = Person(rep_id, name, email, phone, tz, hours_text(hours), ids)
        out.append((person, presence, pos, part, terms_of(weight, cap_lead, cap_call)))
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


def time_off(session: Session, rep_ids: list[str], t: datetime) -> dict[str, list[h.TimeOff]]:
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
