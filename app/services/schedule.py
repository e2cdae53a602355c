"""Holidays, time off and the private calendar feed of a rep."""

import hmac
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from sqlmodel import Session, col, select

from app.domain import hours as h
from app.models import Company, Holiday, Rep, TimeOff
from app.services import accounts, security
from app.services.availability import holiday_map, region_holidays, time_off_of
from app.services.errors import Invalid, NotFound, Refused

FIRST_YEAR, LAST_YEAR = 1971, 2099  # keeps every date and its next midnight representable
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def check_day(day: date, field: str = "date") -> date:
    """A date in the years the calendar works with."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(field, f"Pick a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def check_year(year: int) -> int:
    """A year the holiday calendar can list."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid("year", f"Pick a year between {FIRST_YEAR} and {LAST_YEAR}.")
    return year


def check_instant(t: datetime, field: str = "at") -> datetime:
    """An aware instant in the years the calendar works with."""
    if t.utcoffset() is None:
        raise Invalid(field, "Give a time with an offset, e.g. 2026-03-08T09:30:00-05:00.")
    check_day(t.date(), field)
    return t


# ---------- holidays ----------


def holidays_of_year(session: Session, company: Company, year: int) -> list[dict[str, Any]]:
    """The year's holidays, region (observed days included) and custom, by date; custom wins."""
    found: dict[date, dict[str, Any]] = {}
    if company.holiday_country:
        region = region_holidays(company.holiday_country, company.holiday_subdivision, year)
        found = {d: {"date": d, "name": n, "source": "region"} for d, n in region}
    for row in custom_holidays(session, company, year):
        found[row.day] = {"date": row.day, "name": row.name, "source": "custom"}
    return [found[d] for d in sorted(found)]


def custom_holidays(session: Session, company: Company, year: int) -> list[Holiday]:
    """The company's own holidays in a year."""
    q = select(Holiday).where(
        Holiday.company_id == company.id,
        col(Holiday.day) >= date(year, 1, 1),
        col(Holiday.day) <= date(year, 12, 31),
    )
    return list(session.exec(q.order_by(Holiday.day)))


def add_holiday(session: Session, company: Company, day: date, name: object) -> Holiday:
    """Add a custom holiday; one per date."""
    row = Holiday(company_id=company.id, day=check_day(day), name=accounts.check_name(name))
    if _holiday_on(session, company, day) is not None:
        raise Refused(f"There is already a custom holiday on {day.isoformat()}.")
    session.add(row)
    session.flush()
    return row


def remove_holiday(session: Session, company: Company, day: date) -> None:
    """Remove the custom holiday on a date (region holidays come from the region setting)."""
    row = _holiday_on(session, company, day)
    if row is None:
        raise NotFound(f"No custom holiday on {day.isoformat()}.")
    session.delete(row)


def _holiday_on(session: Session, company: Company, day: date) -> Holiday | None:
    q = select(Holiday).where(Holiday.company_id == company.id, Holiday.day == day)
    return session.exec(q).first()


# ---------- time off ----------


def time_off_json(row: TimeOff) -> dict[str, Any]:
    """The API shape of a time off."""
    start = None if row.start_min is None else h.format_clock(row.start_min)
    end = None if row.end_min is None else h.format_clock(row.end_min)
    return {
        "id": row.id,
        "date": row.day,
        "end_date": row.end_date,
        "start": start,
        "end": end,
        "all_day": row.start_min is None,
    }


def list_time_off(session: Session, rep: Rep) -> list[TimeOff]:
    """All of a rep's time off, history included, by date."""
    q = select(TimeOff).where(TimeOff.rep_id == rep.id)
    return list(session.exec(q.order_by(col(TimeOff.day), col(TimeOff.start_min))))


def split_time_off(rows: list[TimeOff], rep: Rep, now: datetime) -> tuple[list, list]:
    """(upcoming or ongoing, past) by the rep's local date; past is newest first."""
    today = now.astimezone(h.zone(rep.timezone)).date()
    upcoming = [r for r in rows if (r.end_date or r.day) >= today]
    past = [r for r in rows if (r.end_date or r.day) < today]
    return upcoming, past[::-1]


def add_time_off(
    session: Session,
    rep: Rep,
    *,
    day: date,
    end_date: date | None = None,
    start: str | None = None,
    end: str | None = None,
    now: datetime,
) -> TimeOff:
    """Add whole days (day..end_date) or part of one day (start..end) in the rep's zone."""
    check_day(day)
    if end_date is not None:
        check_day(end_date, "end_date")
    try:
        off = h.TimeOff.create(day, end_date, start, end)
    except h.HoursError as exc:
        raise Invalid(exc.field, exc.message) from exc
    row = TimeOff(
        company_id=rep.company_id,
        rep_id=rep.id,
        day=off.date,
        end_date=off.end_date if off.end_date != off.date else None,
        start_min=off.start,
        end_min=off.end,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def remove_time_off(session: Session, rep: Rep, time_off_id: str, now: datetime) -> None:
    """Remove upcoming or ongoing time off; entries that have ended stay as history."""
    row = session.get(TimeOff, time_off_id)
    if row is None or row.rep_id != rep.id:
        raise NotFound("No such time off.")
    if split_time_off([row], rep, now)[1]:
        raise Refused("This time off has ended; it stays in the history.")
    session.delete(row)


# ---------- the calendar feed ----------


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
    cal = Calendar()
    cal.add("prodid", "-//OnDeck//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"OnDeck: {rep.name}")
    cal.add("x-wr-timezone", rep.timezone)
    cal.add("x-published-ttl", "PT1H")
    hours, tz = (rep.hours, rep_tz) if rep.hours is not None else (company.hours, None)
    events = _hours_events(h.WeeklyHours.from_json(hours), tz or h.zone(company.timezone), now)
    events += _time_off_events(session, rep, rep_tz, now)
    events += _holiday_events(session, company, now)
    for event in events:
        event.add("dtstamp", now)
        cal.add_component(event)
    for zone in {rep_tz, tz or h.zone(company.timezone)}:
        cal.add_component(_vtimezone(zone, now))
    return bytes(cal.to_ical())


def _vtimezone(zone: ZoneInfo, now: datetime) -> Timezone:
    first, last = date(now.year - 2, 1, 1), date(now.year + 12, 1, 1)
    return Timezone.from_tzinfo(zone, tzid=zone.key, first_date=first, last_date=last)


def _hours_events(hours: h.WeeklyHours, tz: ZoneInfo, now: datetime) -> list[Event]:
    """One weekly event per interval, days with the same interval sharing it (BYDAY)."""
    monday = now.astimezone(tz).date() - timedelta(days=now.astimezone(tz).weekday())
    by_interval: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(hours.days):
        for interval in day:
            by_interval.setdefault(interval, []).append(i)
    events = []
    for (start, end), days in sorted(by_interval.items(), key=lambda kv: (kv[1][0], kv[0])):
        first = monday + timedelta(days=days[0])
        event = _event(f"hours-{start}-{end}-{''.join(map(str, days))}", "Working hours")
        event.add("dtstart", _local(first, start, tz))
        event.add("dtend", _local(first, end, tz))
        event.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in days]})
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    day += timedelta(days=minutes // h.DAY_MINUTES)  # 24:00 is the next day's midnight
    return datetime.combine(day, time(*divmod(minutes % h.DAY_MINUTES, 60)), tzinfo=tz)


def _time_off_events(session: Session, rep: Rep, tz: ZoneInfo, now: datetime) -> list[Event]:
    since = now.date() - timedelta(days=365)
    rows = [r for r in list_time_off(session, rep) if (r.end_date or r.day) >= since]
    events = []
    for row in rows:
        off = time_off_of(row)
        event = _event(f"time-off-{row.id}", "Time off")
        if off.start is None or off.end is None:
            event.add("dtstart", off.date)
            event.add("dtend", off.last_date() + timedelta(days=1))
        else:
            event.add("dtstart", _local(off.date, off.start, tz))
            event.add("dtend", _local(off.date, off.end, tz))
        events.append(event)
    return events


def _holiday_events(session: Session, company: Company, now: datetime) -> list[Event]:
    found = holiday_map(session, company, range(now.year - 1, now.year + 2))
    events = []
    for day, name in sorted(found.items()):
        event = _event(f"holiday-{day.isoformat()}", f"Company holiday: {name}")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        events.append(event)
    return events


def _event(uid: str, summary: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@ondeck")
    event.add("summary", summary)
    return event
