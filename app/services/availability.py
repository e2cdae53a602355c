"""Loading calendars (company hours, holidays, personal hours, time off) for the hours engine."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache

import holidays as holidays_lib
from sqlmodel import Session, col, select

from app.domain import hours as h
from app.models import Company, Holiday, Rep, TimeOff


@lru_cache(maxsize=256)
def region_holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[tuple[date, str], ...]:
    """A year's holidays for a region from the `holidays` package, observed days included."""
    found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year, observed=True)
    return tuple(sorted(found.items()))


def holiday_map(session: Session, company: Company, years: Iterable[int]) -> dict[date, str]:
    """Region and custom holidays of the company for the given years (custom names win)."""
    years = sorted(set(years))
    found: dict[date, str] = {}
    if company.holiday_country:
        for year in years:
            found.update(
                region_holidays(company.holiday_country, company.holiday_subdivision, year)
            )
    q = select(Holiday).where(
        Holiday.company_id == company.id,
        col(Holiday.day) >= date(years[0], 1, 1),
        col(Holiday.day) <= date(years[-1], 12, 31),
    )
    found.update({row.day: row.name for row in session.exec(q)})
    return found


def company_calendar(session: Session, company: Company, now: datetime) -> h.CompanyCalendar:
    """The company's zone, hours and holidays around `now` (enough for a year's look-ahead)."""
    holidays = holiday_map(session, company, range(now.year - 1, now.year + 3))
    return company_calendar_from(company, holidays)


def company_calendar_from(company: Company, holidays: Mapping[date, str]) -> h.CompanyCalendar:
    """A company calendar from already loaded holidays."""
    return h.CompanyCalendar(
        tz=h.zone(company.timezone), hours=h.WeeklyHours.from_json(company.hours), holidays=holidays
    )


def time_off_of(row: TimeOff) -> h.TimeOff:
    """The domain value of a stored time off."""
    return h.TimeOff(date=row.day, end_date=row.end_date, start=row.start_min, end=row.end_min)


def time_off_rows(session: Session, rep_ids: list[str], since: date) -> dict[str, list[TimeOff]]:
    """Time off of several reps that has not ended before `since`, by rep (one query)."""
    if not rep_ids:
        return {}
    q = select(TimeOff).where(
        col(TimeOff.rep_id).in_(rep_ids),
        (col(TimeOff.end_date) >= since) | (col(TimeOff.day) >= since),
    )
    rows: dict[str, list[TimeOff]] = {rid: [] for rid in rep_ids}
    for row in session.exec(q.order_by(col(TimeOff.day), col(TimeOff.start_min))):
        rows[row.rep_id].append(row)
    return rows


def rep_calendar(rep: Rep, time_off: Iterable[TimeOff]) -> h.RepCalendar:
    """The rep's zone, personal hours (None = company hours) and time off."""
    hours = h.WeeklyHours.from_json(rep.hours) if rep.hours is not None else None
    return h.RepCalendar(
        tz=h.zone(rep.timezone), hours=hours, time_off=tuple(time_off_of(t) for t in time_off)
    )


def rep_availability(session: Session, company: Company, rep: Rep, at: datetime) -> h.Working:
    """Whether the rep's hours let them work at `at`, why, and when that next changes."""
    since = at.date().fromordinal(at.date().toordinal() - 2)
    rows = time_off_rows(session, [rep.id], since)[rep.id]
    return h.working_at(company_calendar(session, company, at), rep_calendar(rep, rows), at)
