"""A team's state at an instant and manual overrides (the PIN that guards them: team_pin.py)."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import routing as r
from app.models import Company, Holiday, Team
from app.services import availability as avail
from app.services.errors import Invalid

NO_LUNCH = h.WeeklyHours(((),) * 7)
_PARSED: dict[str, h.WeeklyHours] = {}


def hours_of(obj: Any) -> h.WeeklyHours:
    """Stored hours as domain hours, parsed once per distinct value (the hook reads many)."""
    key = repr(obj)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) > 10_000:  # a bound, not a policy: hours rarely change
            _PARSED.clear()
        found = _PARSED[key] = h.WeeklyHours.from_json(obj)
    return found


def schedule_of(team: Team, company: Company, holidays: Mapping[date, str]) -> r.TeamSchedule:
    """The team's IN OFFICE and LUNCH hours in the company zone (default: company hours)."""
    s = team.schedule
    in_office = hours_of(s["in_office"] if s else company.hours)
    lunch = hours_of(s["lunch"]) if s else NO_LUNCH
    return r.TeamSchedule(h.zone(company.timezone), in_office, lunch, holidays)


def override_of(team: Team) -> r.Override | None:
    """The override stored on the team; the domain reads it as none once `until` has passed."""
    if team.override_state is None:
        return None
    return r.Override(r.TeamState(team.override_state), team.override_until)


def holidays_around(session: Session, company: Company, t: datetime) -> Mapping[date, str]:
    """The company's holidays from last year to two years ahead (region ones are cached)."""
    return avail.company_calendar(session, company, t).holidays


_CUSTOM_ON = select(Holiday.name).where(
    col(Holiday.company_id) == bindparam("company_id"), col(Holiday.day) == bindparam("day")
)


def holiday_on(session: Session, company: Company, t: datetime) -> Mapping[date, str]:
    """The company-local day of t with its name if it is a holiday, else nothing: all that
    routing at t needs (region holidays are cached; one small query for custom ones)."""
    day = t.astimezone(h.zone(company.timezone)).date()
    name = session.exec(_CUSTOM_ON, params={"company_id": company.id, "day": day}).first()
    if name is None and company.holiday_country:
        region = avail.region_holidays(
            company.holiday_country, company.holiday_subdivision, day.year
        )
        name = next((n for d, n in region if d == day), None)
    return {} if name is None else {day: name}


def state_at(session: Session, company: Company, team: Team, at: datetime) -> r.StateAt:
    """The team's state at `at`, the override in force, and the next boundary of its schedule."""
    sched = schedule_of(team, company, holidays_around(session, company, at))
    return r.team_state(sched, override_of(team), at)


def as_json(s: r.StateAt) -> dict[str, Any]:
    """The API shape of a team state."""
    return {
        "state": s.state.value,
        "override": s.override.value if s.override is not None else None,
        "next_boundary": s.next_boundary.isoformat() if s.next_boundary else None,
    }


def set_override(
    session: Session,
    company: Company,
    team: Team,
    state: object,
    now: datetime,
    by: str | None = None,
) -> r.StateAt:
    """Override the team's state: VACATION stays until cleared, others end at the next boundary.
    `by` (a person's or an integration's name) and `now` are shown to the team's members."""
    try:
        wanted = r.TeamState(str(state))
    except ValueError:
        raise Invalid("state", "Use in_office, lunch, away or vacation.") from None
    sched = schedule_of(team, company, holidays_around(session, company, now))
    override = r.make_override(sched, wanted, now)
    team.override_state, team.override_until = override.state.value, override.until
    team.override_by, team.override_at = (by or None), now
    session.add(team)
    return r.team_state(sched, override, now)


def clear_override(session: Session, company: Company, team: Team, now: datetime) -> r.StateAt:
    """Drop the override: the schedule decides again."""
    team.override_state, team.override_until = None, None
    team.override_by, team.override_at = None, None
    session.add(team)
    return state_at(session, company, team, now)
