"""A rep's private calendar feed: weekly hours as recurring events, time off, company holidays."""

import hmac
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from sqlmodel import Session

from app.domain import hours as h
from app.models import Company, Rep
from app.services import security
from app.services.availability import holiday_map, time_off_of
from app.services.errors import NotFound
from app.services.schedule import list_time_off

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


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


def calendar_feed(session: Session, company: Company, rep: Rep, now: datetime) -> bytes:
    """The rep's weekly hours (recurring), time off and company holidays as iCalendar."""
    rep_tz = h.zone(rep.timezone)
    # A rep without personal hours follows company hours, which are read in the company's zone.
    hours_tz = rep_tz if rep.hours is not None else h.zone(company.timezone)
    hours = h.WeeklyHours.from_json(rep.hours if rep.hours is not None else company.hours)
    cal = _calendar(rep)
    for zone in sorted({rep_tz, hours_tz}, key=str):  # zones before the events that use them
        cal.add_component(_vtimezone(zone, now))
    specs = _hours_events(hours, hours_tz, now)
    specs += _time_off_events(session, rep, rep_tz, now)
    specs += _holiday_events(session, company, now)
    for spec in specs:
        cal.add_component(_event(spec, rep, now))
    return bytes(cal.to_ical())


def _calendar(rep: Rep) -> Calendar:
    """An empty feed named for the rep, refreshed hourly by calendar apps that honour it."""
    cal = Calendar()
    cal.add("prodid", "-//OnDeck//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", f"OnDeck: {rep.name}")
    cal.add("x-wr-calname", f"OnDeck: {rep.name}")
    cal.add("x-wr-timezone", rep.timezone)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _event(spec: "EventSpec", rep: Rep, now: datetime) -> Event:
    """One VEVENT of the rep's feed."""
    uid, summary, props = spec
    event = Event()
    event.add("uid", f"{uid}.{rep.id}@ondeck")  # UIDs are global in calendar apps: name the rep
    event.add("summary", summary)
    event.add("dtstamp", now)
    for name, value in props:
        event.add(name, value)
    return event


def _vtimezone(zone: ZoneInfo, now: datetime) -> Timezone:
    """The zone's rules from two years back to twelve ahead, for apps that do not know it."""
    first, last = date(now.year - 2, 1, 1), date(now.year + 12, 1, 1)
    return Timezone.from_tzinfo(zone, tzid=zone.key, first_date=first, last_date=last)


EventSpec = tuple[str, str, list[tuple[str, Any]]]  # uid, summary, properties


def _hours_events(hours: h.WeeklyHours, tz: ZoneInfo, now: datetime) -> list[EventSpec]:
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
        events.append((uid, "Working hours", props))
    return events


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    day += timedelta(days=minutes // h.DAY_MINUTES)  # 24:00 is the next day's midnight
    return datetime.combine(day, time(*divmod(minutes % h.DAY_MINUTES, 60)), tzinfo=tz)


def _time_off_events(session: Session, rep: Rep, tz: ZoneInfo, now: datetime) -> list[EventSpec]:
    since = now.date() - timedelta(days=365)
    rows = [r for r in list_time_off(session, rep) if (r.end_date or r.day) >= since]
    events = []
    for row in rows:
        off = time_off_of(row)
        if off.start is None or off.end is None:
            span: tuple[Any, Any] = (off.date, off.last_date() + timedelta(days=1))
        else:
            span = (_local(off.date, off.start, tz), _local(off.date, off.end, tz))
        props = [("dtstart", span[0]), ("dtend", span[1])]
        events.append((f"time-off-{row.id}", "Time off", props))
    return events


def _holiday_events(session: Session, company: Company, now: datetime) -> list[EventSpec]:
    found = holiday_map(session, company, range(now.year - 1, now.year + 2))
    return [
        (
            f"holiday-{day.isoformat()}",
            f"Company holiday: {name}",
            [("dtstart", day), ("dtend", day + timedelta(days=1)), ("transp", "TRANSPARENT")],
        )
        for day, name in sorted(found.items())
    ]
