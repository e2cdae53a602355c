"""A team's private calendar feed: each member's hours and time off, and company holidays once."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.domain import hours as h
from app.models import Company, Rep, Team, TimeOff
from app.services import calendar_feed as feed
from app.services import security, teams
from app.services.errors import NotFound

PARTS = {"in_office": "in office", "lunch": "at lunch"}  # the team's own hours, in its feed


def team_calendar_key(secret_key: str, team: Team) -> str:
    """The private key of a team's feed; bumping calendar_key_version revokes it."""
    return security.signed_key(secret_key, "team", team.id, str(team.calendar_key_version))


def team_calendar_url(base_url: str, secret_key: str, team: Team) -> str:
    """The team feed's address to subscribe to."""
    key = team_calendar_key(secret_key, team)
    return f"{base_url}/api/v1/teams/{team.slug}/calendar.ics?key={key}"


def new_team_calendar_key(session: Session, team: Team) -> None:
    """Revoke the team's current feed address; the next one has a new key."""
    team.calendar_key_version += 1
    session.add(team)


def team_for_feed(session: Session, slug: str, key: str, secret_key: str) -> Team:
    """The team whose feed this key opens; anything else is simply not found.

    Slugs are unique per company only, so the key (which names the team's id) picks the team."""
    for team in session.exec(select(Team).where(Team.slug == slug)):
        if feed.key_matches(team_calendar_key(secret_key, team), key):
            return team
    raise NotFound("No such calendar.")


def team_feed(session: Session, company: Company, team: Team, now: datetime) -> bytes:
    """Members' weekly hours and time off, the team's own hours and the holidays as iCalendar."""
    people = [m.rep for m in teams.members(session, team) if m.taking_part]
    offs = feed.recent_time_off(session, people, now)
    specs, zones = _team_hours(company, team, now), {h.zone(company.timezone)}
    for rep in people:
        member_specs, member_zones = _member_events(company, rep, offs[rep.id], now)
        specs += member_specs
        zones |= member_zones
    specs += feed.holiday_events(session, company, now)
    return feed.render(f"OnDeck: {team.name}", company.timezone, zones, specs, team.id, now)


def _member_events(
    company: Company, rep: Rep, offs: list[TimeOff], now: datetime
) -> tuple[list[feed.EventSpec], set[ZoneInfo]]:
    """A member's hours ("NAME working") and time off ("NAME off"), their UIDs naming the rep."""
    labels = (f"{rep.name} working", f"{rep.name} off")
    specs, zones = feed.rep_events(company, rep, offs, now, labels, timed_days=True)
    return _tagged(specs, rep.id), zones


def _team_hours(company: Company, team: Team, now: datetime) -> list[feed.EventSpec]:
    """The team's own IN OFFICE and LUNCH hours (company zone), when it has its own schedule."""
    if team.schedule is None:
        return []
    tz, specs = h.zone(company.timezone), []
    for part, words in PARTS.items():
        hours = h.WeeklyHours.from_json(team.schedule[part])
        specs += _tagged(feed.hours_events(hours, tz, now, f"{team.name} {words}"), part)
    return specs


def _tagged(specs: list[feed.EventSpec], tag: str) -> list[feed.EventSpec]:
    """The events with `tag` in their UIDs, so one feed's events never share a UID."""
    return [(f"{uid}.{tag}", summary, props) for uid, summary, props in specs]
