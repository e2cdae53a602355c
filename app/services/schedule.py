"""Holidays, time off, and what the schedule screens show of hours."""

from datetime import date, datetime
from functools import cache
from typing import Any

import holidays as holidays_lib
from holidays import registry as holidays_registry
from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import inputs
from app.models import Company, Holiday, Rep, TimeOff
from app.services import checks
from app.services import company as company_service
from app.services.availability import region_holidays
from app.services.errors import Invalid, NotFound, Refused

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
    return list(session.exec(q.order_by(col(Holiday.day))))


def add_holiday(session: Session, company: Company, day: date, name: object) -> Holiday:
    """Add a custom holiday; one per date."""
    row = Holiday(company_id=company.id, day=inputs.day(day), name=checks.check_name(name))
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


def split_time_off(
    rows: list[TimeOff], rep: Rep, now: datetime
) -> tuple[list[TimeOff], list[TimeOff]]:
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
    inputs.day(day)
    if end_date is not None:
        inputs.day(end_date, "end_date")
    local = now.astimezone(h.zone(rep.timezone))
    try:
        off = h.TimeOff.create(day, end_date, start, end)
        off.check_not_over(local.date(), local.hour * 60 + local.minute)
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


# ---------- what the schedule screens show ----------


def hours_summary(hours: dict[str, Any]) -> list[tuple[str, str]]:
    """Hours in words, runs of equal days joined: [("Mon–Fri", "09:00–17:00"), ("Sat–Sun", ...)]."""
    week = h.WeeklyHours.from_json(hours)
    runs: list[tuple[int, int, str]] = []
    for i in range(7):
        text = week.describe_day(i)
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], i, text)
        else:
            runs.append((i, i, text))
    names = [d.capitalize() for d in h.DAYS]
    return [(names[a] if a == b else f"{names[a]}–{names[b]}", text) for a, b, text in runs]


NOTHING_ROUTES = {
    "company": "Nothing will route: every day is closed.",
    "team": "Nothing will route to this team: every day is closed.",
}


def hours_warnings(
    hours: dict[str, Any] | None,
    timezone: str,
    company: Company,
    now: datetime,
    scope: str = "personal",
) -> list[str]:
    """Plain sentences on what hours mean for routing: personal or team hours outside company
    hours (kept, but they do not route); company or team hours with no open day."""
    if hours is None or scope == "lunch":
        return []
    if scope in NOTHING_ROUTES and not any(hours.get(day) for day in h.DAYS):
        return [NOTHING_ROUTES[scope]]
    if scope == "company":
        return []
    return h.outside_company_warnings(
        h.WeeklyHours.from_json(hours),
        h.zone(timezone),
        h.WeeklyHours.from_json(company.hours),
        h.zone(company.timezone),
        now,
    )


def describe_time_off(row: TimeOff, today: date) -> tuple[str, str]:
    """A time off in words: ("Tue 10 Mar", "Whole day"), ("Tue 10 Mar – Fri 13 Mar", "4 days")."""
    first = _day_label(row.day, today)
    if row.start_min is not None and row.end_min is not None:
        clock = f"{h.format_clock(row.start_min)}–{h.format_clock(row.end_min)}"
        return f"{first}, {clock}", "Part of the day"
    if row.end_date is None or row.end_date == row.day:
        return first, "Whole day"
    days = (row.end_date - row.day).days + 1
    return f"{first} – {_day_label(row.end_date, today)}", f"{days} days"


def _day_label(day: date, today: date) -> str:
    label = f"{day:%a} {day.day} {day:%b}"
    return label if day.year == today.year else f"{label} {day.year}"


@cache
def country_options() -> list[tuple[str, str]]:
    """(code, name) of every country the `holidays` package knows, by name."""
    names = {entry[1]: key for key, entry in holidays_registry.COUNTRIES.items()}
    codes = [c for c in company_service.supported_regions() if len(c) == 2]
    options = [(c, _country_name(names.get(c, c))) for c in codes]
    return sorted(options, key=lambda o: o[1])


def _country_name(module: str) -> str:
    small = {"And", "Of", "The"}
    words = [w.capitalize() for w in module.split("_")]
    return " ".join(w.lower() if w in small and i else w for i, w in enumerate(words))


@cache
def subdivision_options(country: str) -> list[tuple[str, str]]:
    """(code, label) of a country's subdivisions, labelled with their names where known."""
    codes = company_service.supported_regions().get(country, ())
    cls = getattr(holidays_lib, country, None)
    aliases = getattr(cls, "subdivisions_aliases", {}) or {}
    names: dict[str, str] = {}
    for alias, code in aliases.items():
        if not alias.isupper():  # skip code-like aliases such as "GUA"
            names.setdefault(code, alias)
    return [(c, f"{names[c]} ({c})" if c in names else c) for c in codes]


@cache
def timezone_options() -> list[str]:
    """IANA time zone names a company can pick, sorted."""
    return sorted(h.zone_names())
