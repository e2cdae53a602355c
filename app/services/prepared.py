"""What changes rarely, prepared once per company and reused while its config version stands.

The hook reads a company's hours, holidays, teams, members (zone, hours, weight, caps), time off
and webhook subscribers many times a second, and they change a few times a day. They are kept
here, per process, with the `company.config_version` they were read under; every write to them
raises that version in its own transaction (app/config_version.py), and the hook reads the
version inside its transaction, so a prepared copy is never used once it is stale, across any
number of workers. Presence, turns and answers change constantly and are always read fresh.

Everything prepared is immutable once built and safe to share between threads; two threads
that miss at once both build, and the later copy wins.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as columns
from sqlmodel import Session, col

from app import config_version
from app.domain import hours as h
from app.domain import standing as st
from app.integration_models import WebhookEndpoint
from app.models import Company, Rep, Team, TeamMember
from app.raw import Raw
from app.services import roster, team_state
from app.services.errors import NotFound

MAX_COMPANIES = 2_000  # a bound on memory, not a policy: the oldest entry goes first
MAX_DAYS = 8  # days of time off and holidays kept per team and company


@dataclass(frozen=True)
class Member:
    """A member's inputs that change rarely: who, place, zone and hours, and rotation terms."""

    person: roster.Person  # with no presence: it is read fresh for every answer
    position: int
    taking_part: bool
    terms: roster.Terms


@dataclass
class PreparedTeam:
    """A team with its members, and its rules and members' time off per day as asked."""

    team: Team  # a copy of the row, attached to no session
    members: tuple[Member, ...]
    by_day: dict[tuple[str, Any], Any] = field(default_factory=dict)  # per day or holiday
    # each member's last standing with what it was built from (see _stand)
    standing: dict[str, tuple[Any, st.Standing, roster.Seen]] = field(default_factory=dict)


@dataclass
class PreparedCompany:
    """A company's routing inputs as read under one config version."""

    version: int
    company: Company  # a copy of the row, attached to no session
    teams: dict[str, PreparedTeam] = field(default_factory=dict)  # by slug
    holidays: dict[date, Mapping[date, str]] = field(default_factory=dict)
    subscribers: dict[str, list[str]] | None = None  # event type -> enabled endpoint ids


_cache: dict[str, PreparedCompany] = {}

_C = Company.__table__.c  # type: ignore[attr-defined]
_VERSION = Raw(columns(_C.config_version).where(_C.id == bindparam("id")))
_COMPANY = columns(*_C).where(_C.id == bindparam("id"))
_T = Team.__table__.c  # type: ignore[attr-defined]
_TEAM = columns(*_T).where(_T.company_id == bindparam("company_id"), _T.slug == bindparam("slug"))


def company(session: Session, company_id: str, version: int | None = None) -> PreparedCompany:
    """The company's prepared inputs under its current version; `version`, when the caller read
    it in this transaction already, saves the read."""
    if version is None:
        version = _VERSION.rows(session.connection(), {"id": company_id})[0][0]
    found = _cache.get(company_id)
    if found is not None and found.version == version:
        return found
    row = session.connection().execute(_COMPANY, {"id": company_id}).one()
    found = PreparedCompany(version, Company(**row._mapping))
    if config_version.raised_here(session, company_id):
        return found  # read under this transaction's own uncommitted writes: kept for it alone
    if len(_cache) >= MAX_COMPANIES:
        _cache.pop(next(iter(_cache)), None)
    _cache[company_id] = found
    return found


def forget() -> None:
    """Drop everything prepared (tests that rebuild a database under the same ids)."""
    _cache.clear()


def team(session: Session, prep: PreparedCompany, slug: str) -> PreparedTeam:
    """The company's team with this slug and its members; NotFound like teams.get (a slug
    not found is not kept: callers choose slugs, and a team made later raises the version)."""
    found = prep.teams.get(slug)
    if found is None:
        params = {"company_id": prep.company.id, "slug": slug}
        row = session.connection().execute(_TEAM, params).first()
        if row is None:
            raise NotFound(f"No team '{slug}'.")
        team = Team(**row._mapping)
        found = PreparedTeam(team, _members(session, team.id))
        prep.teams[slug] = found
    return found


def holidays(session: Session, prep: PreparedCompany, t: datetime) -> Mapping[date, str]:
    """The company's holiday on t's local day (name by day), or nothing."""
    day = t.astimezone(h.zone(prep.company.timezone)).date()
    found = prep.holidays.get(day)
    if found is None:
        found = team_state.holiday_on(session, prep.company, t)
        if len(prep.holidays) >= MAX_DAYS:
            prep.holidays.clear()
        prep.holidays[day] = found
    return found


def subscribers(session: Session, prep: PreparedCompany, type_: str) -> list[str]:
    """The company's enabled webhook endpoints that want this event."""
    if prep.subscribers is None:
        e = WebhookEndpoint.__table__.c  # type: ignore[attr-defined]
        q = columns(e.id, e.events).where(e.company_id == prep.company.id, e.enabled.is_(True))
        found: dict[str, list[str]] = {}
        for ident, events in session.connection().execute(q):
            for one in events or ():
                found.setdefault(one, []).append(ident)
        prep.subscribers = found
    return prep.subscribers.get(type_, [])


def look(
    session: Session,
    prep: PreparedCompany,
    pt: PreparedTeam,
    t: datetime,
    holiday: Mapping[date, str],
) -> roster.Look:
    """The team at t as roster.look sees it: prepared inputs, presence read fresh (one query;
    time off is prepared per day, and asked only when the team routes to its members and the
    company is open)."""
    rules, cal = _rules(prep, pt, holiday)
    routing = st.routing_at(rules, t)
    shared = st.shared_reason(cal, routing, t)
    cals = _calendars(session, pt, t if shared == "working" else None)
    fresh = _presence(session, pt.team.id)
    standing, seen, terms = [], [], {}
    for m in pt.members:
        rep_id = m.person.id
        row = fresh.get(rep_id)
        if row is None:  # left the team or was deactivated since: raised the version too
            continue
        s, one = _stand(pt, m, row, cals[rep_id], shared, t)
        standing.append(s)
        seen.append(one)
        terms[rep_id] = m.terms
    return roster.Look(
        pt.team, routing.destination, routing.reason, seen, rules, tuple(standing), terms, t
    )


def _stand(
    pt: PreparedTeam,
    m: Member,
    row: tuple[Any, ...],
    cal: h.RepCalendar,
    shared: str,
    t: datetime,
) -> tuple[st.Standing, roster.Seen]:
    """The member's standing at t. A member whose stored presence has no timer stands the same
    as at the last answer while their presence row, calendar and working reason are unchanged:
    that standing is reused (most members, most answers) instead of built again."""
    key = (row, id(cal), st.working_at(cal, shared, t))
    last = pt.standing.get(m.person.id)
    if last is not None and last[0] == key:
        return last[1], last[2]
    mem = st.Member(
        m.person.id, m.person.name, m.position, m.taking_part, cal, roster.presence_of(row)
    )
    s = st.stand(mem, shared, t)
    one = roster.Seen(m.person, s.presence, s.candidate)
    if st.timeless(mem):  # cal is kept alive by the member, so its id names it while kept
        pt.standing[m.person.id] = (key, s, one)
    return s, one


def _rules(
    prep: PreparedCompany, pt: PreparedTeam, holiday: Mapping[date, str]
) -> tuple[st.TeamRules, h.CompanyCalendar]:
    """The team's rules and the company's calendar with the holiday of t's day."""
    key = ("rules", tuple(holiday.items()))  # the same on every day that is no holiday
    found = pt.by_day.get(key)
    if found is None:
        rules = roster.rules_of(pt.team, prep.company, holiday)
        found = (rules, roster.company_calendar(prep.company, holiday))
        _keep(pt, key, found)
    return found  # type: ignore[no-any-return]


def _calendars(session: Session, pt: PreparedTeam, t: datetime | None) -> dict[str, h.RepCalendar]:
    """Each member's calendar with the time off that can touch t (none when t is None: the
    team or company keeps everyone out, so time off is not asked)."""
    key = ("calendars", t.date() if t is not None else None)
    found = pt.by_day.get(key)
    if found is None:
        ids = [m.person.id for m in pt.members]
        offs = roster.time_off(session, ids, t) if t is not None else {}
        found = {
            m.person.id: roster.calendar(m.person, offs.get(m.person.id, ())) for m in pt.members
        }
        _keep(pt, key, found)
    return found


def _keep(pt: PreparedTeam, key: tuple[str, Any], value: Any) -> None:
    """Keep a day's prepared value, dropping all once there are too many."""
    if len(pt.by_day) >= 2 * MAX_DAYS:
        pt.by_day.clear()
    pt.by_day[key] = value


def _members(session: Session, team_id: str) -> tuple[Member, ...]:
    """The team's active members in order, with their rarely changing inputs."""
    return tuple(
        Member(person, pos, part, terms)
        for person, _, pos, part, terms in roster.members(session, team_id)
    )


_R = Rep.__table__.c  # type: ignore[attr-defined]
_PRESENCE = Raw(
    columns(_R.id, _R.status, _R.note, _R.until, _R.then_status, _R.locked_reason)
    .join(TeamMember, col(TeamMember.rep_id) == _R.id)
    .where(col(TeamMember.team_id) == bindparam("team_id"))
)


def _presence(session: Session, team_id: str) -> dict[str, tuple[Any, ...]]:
    """Each member's stored presence as its row (status, note, until, then, lock), read fresh
    (one query)."""
    return {row[0]: row[1:] for row in _PRESENCE.rows(session.connection(), {"team_id": team_id})}
