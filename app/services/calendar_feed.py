"""Private calendar feeds: weekly hours as recurring events, time off, company holidays.

A rep's feed lives here, with the building blocks the team feed (team_calendar) shares."""

import hmac
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vText
from sqlmodel import Session

from app.domain import hours as h
from app.domain import inputs, zone_rules
from app.models import Company, Rep, Team, TimeOff
from app.services import security
from app.services.availability import holiday_map, time_off_of, time_off_rows
from app.services.errors import NotFound

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EventSpec = tuple[str, str, list[tuple[str, Any]]]  # uid, summary, properties
OUTSIDE = "(outside company hours: not routed)"


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
    if rep is None or not rep.active or not key_matches(expected, key):
        raise NotFound("No such calendar.")
    return rep


def key_matches(expected: str, key: str | None) -> bool:
    """Whether a presented feed key is the expected one (constant time; any text, as bytes)."""
    return hmac.compare_digest(expected.encode(), (key or "").encode())


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
    zones.add(h.zone(company.timezone))
    return render(f"OnDeck: {rep.name}", rep.timezone, zones, specs, rep.id, now)


def recent_time_off(session: Session, reps: list[Rep], now: datetime) -> dict[str, list[TimeOff]]:
    """Time off of these reps that ended at most a year ago, by rep (one query)."""
    return time_off_rows(session, [rep.id for rep in reps], now.date() - timedelta(days=365))


def rep_events(
    company: Company,
    rep: Rep,
    offs: list[TimeOff],
    now: datetime,
    labels: tuple[str, str] = ("Working hours", "Time off"),
    *,
    timed_days: bool = False,
) -> tuple[list[EventSpec], set[ZoneInfo]]:
    """A rep's weekly hours and time off as events, and the zones those events are written in.

    Personal hours route only where they overlap company hours (docs/api.md, `POST /reps`): the
    other parts are kept, labelled OUTSIDE. Whole days off are all-day dates, or with `timed_days`
    (a team feed, read in other zones) 00:00–24:00 in the rep's zone."""
    rep_tz, company_tz = h.zone(rep.timezone), h.zone(company.timezone)
    company_hours = h.WeeklyHours.from_json(company.hours)
    if rep.hours is None:
        specs = hours_events(company_hours, company_tz, now, labels[0])
    else:
        personal = h.WeeklyHours.from_json(rep.hours)
        monday = _monday(now, rep_tz)
        inside = personal.intersect(
            zone_rules.hours_in_zone(company_hours, company_tz, rep_tz, monday)
        )
        outside = zone_rules.without(personal, inside)
        specs = hours_events(inside, rep_tz, now, labels[0])
        specs += [
            (f"{uid}.outside", f"{summary} {OUTSIDE}", props)
            for uid, summary, props in hours_events(outside, rep_tz, now, labels[0])
        ]
    specs += time_off_events(offs, rep_tz, labels[1], timed_days=timed_days)
    return specs, {rep_tz, company_tz}


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
    cal.add("name", vText(one_line(name)))  # TEXT values: "," ";" "\\" escaped
    cal.add("x-wr-calname", vText(one_line(name)))
    cal.add("x-wr-timezone", tz_name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def one_line(text: str) -> str:
    """Text with every control character (CR and LF included) turned into a space, for names
    stored before inputs.text refused them."""
    return "".join(" " if unicodedata.category(ch) in inputs.BAD_CATEGORIES else ch for ch in text)


def _event(spec: EventSpec, owner: str, now: datetime) -> Event:
    """One VEVENT of the feed of `owner` (a rep or a team id)."""
    uid, summary, props = spec
    event = Event()
    event.add("uid", f"{uid}.{owner}@ondeck")  # UIDs are global in calendar apps: name the owner
    event.add("summary", one_line(summary))
    event.add("dtstamp", now)
    for name, value in props:
        event.add(name, value)
    return event


def _vtimezone(zone: ZoneInfo, now: datetime) -> Timezone:
    """The zone's offset changes from two years back to twelve ahead, one observance each, with
    DTSTART the wall time on the clock before the change (RFC 5545), for apps without tz data."""
    first, last = date(now.year - 2, 1, 1), date(now.year + 12, 1, 1)
    vtz = Timezone()
    vtz.add("tzid", zone.key)
    for change in (zone_rules.in_force(zone, first), *zone_rules.changes(zone, first, last)):
        part = TimezoneDaylight() if change.daylight else TimezoneStandard()
        part.add("dtstart", change.local_start)
        part.add("tzoffsetfrom", change.before)
        part.add("tzoffsetto", change.after)
        part.add("tzname", change.name)
        vtz.add_component(part)
    return vtz


def hours_events(
    hours: h.WeeklyHours, tz: ZoneInfo, now: datetime, summary: str
) -> list[EventSpec]:
    """One weekly event per interval, days with the same interval sharing it (BYDAY).

    RFC 5545 gives every instance the first one's exact length, so on a day whose offset changes
    inside the interval an override (RECURRENCE-ID) ends it where routing does (h._instant)."""
    monday = _monday(now, tz)
    by_interval: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(hours.days):
        for interval in day:
            by_interval.setdefault(interval, []).append(i)
    events = []
    for (start, end), days in sorted(by_interval.items(), key=lambda kv: (kv[1][0], kv[0])):
        first = monday + timedelta(days=days[0])
        if _crosses_change(first, start, end, tz):  # the master's length must be the usual one
            first -= timedelta(days=7)
        uid = f"hours-{''.join(ICAL_DAYS[d] for d in days)}-{start}-{end}"
        props = [
            ("dtstart", _local(first, start, tz)),
            ("dtend", _local(first, end, tz)),
            ("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in days]}),
            ("transp", "TRANSPARENT"),
        ]
        events.append((uid, summary, props))
        for when in _change_days(tz, first, now):
            if when.weekday() in days and _crosses_change(when, start, end, tz):
                moved = [
                    ("recurrence-id", _local(when, start, tz)),
                    ("dtstart", _local(when, start, tz)),
                    ("dtend", _local(when, end, tz)),
                    ("transp", "TRANSPARENT"),
                ]
                events.append((uid, summary, moved))
    return events


def _monday(now: datetime, tz: ZoneInfo) -> date:
    today = now.astimezone(tz).date()
    return today - timedelta(days=today.weekday())


def _change_days(tz: ZoneInfo, first: date, now: datetime) -> list[date]:
    """Local dates (and the next ones, for intervals ending at 24:00) with an offset change."""
    last = date(now.year + 12, 1, 1)
    found = {c.at.astimezone(tz).date() for c in zone_rules.changes(tz, first, last)}
    return sorted(d for c in found for d in (c - timedelta(days=1), c) if d >= first)


def _crosses_change(day: date, start: int, end: int, tz: ZoneInfo) -> bool:
    """Whether the interval's exact length that day differs from its wall-clock length."""
    exact = h._instant(tz, day, end) - h._instant(tz, day, start)  # in UTC: not wall clock
    return exact != timedelta(minutes=end - start)


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The instant `minutes` after local midnight of `day` in `tz` (as routing reads it), written
    on the wall clock of `tz` (an instant skipped by a spring change is moved past the gap)."""
    return h._instant(tz, day, minutes).astimezone(tz)


def time_off_events(
    rows: list[TimeOff], tz: ZoneInfo, summary: str, *, timed_days: bool = False
) -> list[EventSpec]:
    """Whole days as all-day events (or 00:00–24:00 in `tz`), part of a day in the rep's zone."""
    events = []
    for row in rows:
        off = time_off_of(row)
        if off.start is not None and off.end is not None:
            span: tuple[Any, Any] = (_local(off.date, off.start, tz), _local(off.date, off.end, tz))
        elif timed_days:
            span = (_local(off.date, 0, tz), _local(off.last_date(), h.DAY_MINUTES, tz))
        else:
            span = (off.date, off.last_date() + timedelta(days=1))
        props = [("dtstart", span[0]), ("dtend", span[1])]
        events.append((f"time-off-{row.id}", summary, props))
    return events


def holiday_events(session: Session, company: Company, now: datetime) -> list[EventSpec]:
    """The company's holidays of last year to next year: the company's whole day, 00:00–24:00
    in its zone (a rep elsewhere sees the hours it covers there, not their own date)."""
    found = holiday_map(session, company, range(now.year - 1, now.year + 2))
    tz = h.zone(company.timezone)
    return [
        (
            f"holiday-{day.isoformat()}",
            f"Company holiday: {name}",
            [
                ("dtstart", _local(day, 0, tz)),
                ("dtend", _local(day, h.DAY_MINUTES, tz)),
                ("transp", "TRANSPARENT"),
            ],
        )
        for day, name in sorted(found.items())
    ]
