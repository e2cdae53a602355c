"""Private calendar feeds: weekly hours as recurring events, time off, company holidays.

A rep's feed lives here, with the building blocks the team feed (team_calendar) shares."""

import hmac
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from sqlmodel import Session

from app.domain import hours as h
from app.models import Company, Rep, Team, TimeOff
from app.services import security
from app.services.availability import holiday_map, time_off_of, time_off_rows
from app.services.errors import NotFound

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EventSpec = tuple[str, str, list[tuple[str, Any]]]  # uid, summary, properties


def calendar_key(secret_key: str, rep: Rep) -> str:
    """The private key of a rep's feed; bumping calendar_key_version revokes it."""
    return security.signed_key(secret_key, rep.id, str(rep.calendar_key_version))


def calendar_url(base_url: str, secret_key: str, rep: Rep) -> str:
    """The feed's address to subscribe to."""
    return f"{base_url}/api/v1/reps/{rep.id}/calendar.ics?key={calendar_key(secret_key, rep)}"


def new_calendar_key(session: Session, rep: Rep) -> None:
    """Revoke the current feed address; the next one has a new key."""
    rep.calendar_key_version += 1
    session.add(rep)


def rep_for_feed(session: Session, rep_id: str, key: str, secret_key: str) -> Rep:
    """The active rep whose feed this key opens; anything else is simply not found."""
    rep = session.get(Rep, rep_id)
    expected = calendar_key(secret_key, rep) if rep is not None else ""
    if rep is None or not rep.active or not hmac.compare_digest(expected, key or ""):
        raise NotFound("No such calendar.")
    return rep


def owner_company(session: Session, owner: Rep | Team) -> Company:
    """The company of a feed's rep or team (a foreign key always names one)."""
    company = session.get(Company, owner.company_id)
    assert company is not None
    return company


def calendar_feed(session: Session, company: Company, rep: Rep, now: datetime) -> bytes:
    """The rep's weekly hours (recurring), time off and company holidays as iCalendar."""
    offs = recent_time_off(session, [rep], now)[rep.id]
    specs, zones = rep_events(company, rep, offs, now)
    specs += holiday_events(session, company, now)
    return render(f"OnDeck: {rep.name}", rep.timezone, zones, specs, rep.id, now)


def rep_hours(company: Company, rep: Rep) -> tuple[h.WeeklyHours, ZoneInfo]:
    """The hours a feed shows for a rep: personal ones in the rep's zone, else the company's."""
    if rep.hours is not None:
        return h.WeeklyHours.from_json(rep.hours), h.zone(rep.timezone)
    return h.WeeklyHours.from_json(company.hours), h.zone(company.timezone)


def recent_time_off(session: Session, reps: list[Rep], now: datetime) -> dict[str, list[TimeOff]]:
    """Time off of these reps that ended at most a year ago, by rep (one query)."""
    return time_off_rows(session, [rep.id for rep in reps], now.date() - timedelta(days=365))


def rep_events(
    company: Company,
    rep: Rep,
    offs: list[TimeOff],
    now: datetime,
    labels: tuple[str, str] = ("Working hours", "Time off"),
) -> tuple[list[EventSpec], set[ZoneInfo]]:
    """A rep's weekly hours and time off as events, and the zones those events are written in."""
    hours, hours_tz = rep_hours(company, rep)
    rep_tz = h.zone(rep.timezone)
    specs = hours_events(hours, hours_tz, now, labels[0])
    specs += time_off_events(offs, rep_tz, labels[1])
    return specs, {rep_tz, hours_tz}


def render(
    name: str,
    tz_name: str,
    zones: set[ZoneInfo],
    specs: list[EventSpec],
    owner: str,
    now: datetime,
) -> bytes:
    """A whole feed: its zones before the events that use them, then the events of `owner`."""
    cal = _calendar(name, tz_name)
    for zone in sorted(zones, key=str):
        cal.add_component(_vtimezone(zone, now))
    for spec in specs:
        cal.add_component(_event(spec, owner, now))
    return bytes(cal.to_ical())


def _calendar(name: str, tz_name: str) -> Calendar:
    """An empty feed with this name, refreshed hourly by calendar apps that honour it."""
    cal = Calendar()
    cal.add("prodid", "-//OnDeck//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz_name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _event(spec: EventSpec, owner: str, now: datetime) -> Event:
    """One VEVENT of the feed of `owner` (a rep or a team id)."""
    uid, summary, props = spec
    event = Event()
    event.add("uid", f"{uid}.{owner}@ondeck")  # UIDs are global in calendar apps: name the owner
    event.add("summary", summary)
    event.add("dtstamp", now)
    for name, value in props:
        event.add(name, value)
    return event


def _vtimezone(zone: ZoneInfo, now: datetime) -> Timezone:
    """The zone's rules from two years back to twelve ahead, for apps that do not know it."""
    first, last = date(now.year - 2, 1, 1), date(now.year + 12, 1, 1)
    return Timezone.from_tzinfo(zone, tzid=zone.key, first_date=first, last_date=last)


def hours_events(
    hours: h.WeeklyHours, tz: ZoneInfo, now: datetime, summary: str
) -> list[EventSpec]:
    """One weekly event per interval, days with the same interval sharing it (BYDAY)."""
    monday = now.astimezone(tz).date() - timedelta(days=now.astimezone(tz).weekday())
    by_interval: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(hours.days):
        for interval in day:
            by_interval.setdefault(interval, []).append(i)
    events = []
    for (start, end), days in sorted(by_interval.items(), key=lambda kv: (kv[1][0], kv[0])):
        first = monday + timedelta(days=days[0])
        props = [
            ("dtstart", _local(first, start, tz)),
            ("dtend", _local(first, end, tz)),
            ("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in days]}),
            ("transp", "TRANSPARENT"),
        ]
        uid = f"hours-{''.join(ICAL_DAYS[d] for d in days)}-{start}-{end}"
        events.append((uid, summary, props))
    return events


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The aware instant `minutes` after local midnight of `day` in `tz`."""
    day += timedelta(days=minutes // h.DAY_MINUTES)  # 24:00 is the next day's midnight
    return datetime.combine(day, time(*divmod(minutes % h.DAY_MINUTES, 60)), tzinfo=tz)


def time_off_events(rows: list[TimeOff], tz: ZoneInfo, summary: str) -> list[EventSpec]:
    """Whole days as all-day events, part of a day in the rep's zone `tz`."""
    events = []
    for row in rows:
        off = time_off_of(row)
        if off.start is None or off.end is None:
            span: tuple[Any, Any] = (off.date, off.last_date() + timedelta(days=1))
        else:
            span = (_local(off.date, off.start, tz), _local(off.date, off.end, tz))
        props = [("dtstart", span[0]), ("dtend", span[1])]
        events.append((f"time-off-{row.id}", summary, props))
    return events


def holiday_events(session: Session, company: Company, now: datetime) -> list[EventSpec]:
    """The company's holidays of last year to next year as all-day events."""
    found = holiday_map(session, company, range(now.year - 1, now.year + 2))
    return [
        (
            f"holiday-{day.isoformat()}",
            f"Company holiday: {name}",
            [("dtstart", day), ("dtend", day + timedelta(days=1)), ("transp", "TRANSPARENT")],
        )
        for day, name in sorted(found.items())
    ]
