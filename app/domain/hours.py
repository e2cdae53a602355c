"""Calendars across time zones: company hours and holidays, personal hours and time off, and
whether a rep works at an instant, why, and when that next flips (weekly hours: weekly.py)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.weekly import (
    ALWAYS as ALWAYS,
)
from app.domain.weekly import (
    COMPANY_DEFAULT as COMPANY_DEFAULT,
)
from app.domain.weekly import (
    DAY_MINUTES as DAY_MINUTES,
)
from app.domain.weekly import (
    DAYS as DAYS,
)
from app.domain.weekly import (
    HoursError as HoursError,
)
from app.domain.weekly import (
    Interval as Interval,
)
from app.domain.weekly import (
    Span as Span,
)
from app.domain.weekly import (
    WeeklyHours as WeeklyHours,
)
from app.domain.weekly import (
    _day_spans,
    _flip_after,
    _intersect,
    _local_date,
    _merge,
    _subtract,
)
from app.domain.weekly import (
    _instant as _instant,
)
from app.domain.weekly import (
    format_clock as format_clock,
)
from app.domain.weekly import (
    is_inside as is_inside,
)
from app.domain.weekly import (
    local_intervals as local_intervals,
)
from app.domain.weekly import (
    next_change as next_change,
)
from app.domain.weekly import (
    parse_clock as parse_clock,
)
from app.domain.weekly import (
    zone as zone,
)
from app.domain.weekly import (
    zone_names as zone_names,
)

AVAILABILITY_HORIZON_DAYS = 370
_Date = date  # TimeOff has a field named `date`, which shadows the type inside its class body.


@dataclass(frozen=True)
class TimeOff:
    """Whole days date..end_date, or start..end minutes on one date, in the rep's zone."""

    date: _Date
    end_date: _Date | None = None
    start: int | None = None
    end: int | None = None

    @classmethod
    def create(
        cls,
        day: _Date,
        end_date: _Date | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> "TimeOff":
        """Build time off from API values, refusing ranges and clock times that make no sense."""
        if end_date is not None and end_date < day:
            raise HoursError("end_date", "must be on or after date")
        if start is None or end is None:
            if start is not None or end is not None:
                raise HoursError("end" if end is None else "start", "give both start and end")
            return cls(day, end_date)
        if end_date is not None:
            raise HoursError("end_date", "start and end are for part of one date; drop end_date")
        first, last = parse_clock(start, "start"), parse_clock(end, "end", allow_24=True)
        if last <= first:
            raise HoursError("end", "must be after start")
        return cls(day, None, first, last)

    def check_not_over(self, today: _Date, minute_now: int) -> None:
        """Refuse time off that is already over at (today, minute_now) in the rep's zone."""
        last = self.end_date or self.date
        if last < today:
            field = "end_date" if self.end_date and self.end_date != self.date else "date"
            raise HoursError(field, "is in the past: time off starts today or later")
        if last == today and self.end is not None and self.end <= minute_now:
            raise HoursError("end", "has passed already today")

    @property
    def all_day(self) -> bool:
        """Whether this covers whole days rather than part of one date."""
        return self.start is None or self.end is None

    def last_date(self) -> _Date:
        """The last date this touches."""
        return self.end_date or self.date

    def intervals(self, tz: ZoneInfo) -> Span:
        """The covered span as aware UTC instants [start, end)."""
        if self.start is None or self.end is None:
            return _instant(tz, self.date, 0), _instant(tz, self.last_date(), DAY_MINUTES)
        start, end = _instant(tz, self.date, self.start), _instant(tz, self.date, self.end)
        return start, max(start, end)  # a spring-forward gap can swallow a short part-day


@dataclass(frozen=True)
class CompanyCalendar:
    """Company hours and holidays (company-local dates), both read in the company's zone."""

    tz: ZoneInfo
    hours: WeeklyHours
    holidays: Mapping[date, str]


@dataclass(frozen=True)
class RepCalendar:
    """A rep's zone, personal hours (None follows company hours) and time off."""

    tz: ZoneInfo
    hours: WeeklyHours | None
    time_off: tuple[TimeOff, ...] = ()


@dataclass(frozen=True)
class Working:
    """Whether a rep works at an instant by hours alone, why, and when that next flips."""

    working: bool
    reason: str
    next_change: datetime | None
    detail: str | None = None


def holiday_at(company: CompanyCalendar, t: datetime) -> str | None:
    """The holiday's name if t's company-local date is a holiday."""
    return company.holidays.get(_local_date(t, company.tz))


def _time_off_end(rep: RepCalendar, t: datetime) -> datetime | None:
    if not rep.time_off:
        return None
    spans = (off.intervals(rep.tz) for off in rep.time_off)
    return max((end for start, end in spans if start <= t < end), default=None)


def company_reason(company: CompanyCalendar, t: datetime) -> tuple[str, str | None]:
    """The part of every rep's reason that comes from the company at t: a holiday (with its
    name), closed, or "working" (open)."""
    holiday = holiday_at(company, t)
    if holiday is not None:
        return "holiday", holiday
    if not is_inside(company.hours, company.tz, t):
        return "company_closed", None
    return "working", None


def rep_reason(rep: RepCalendar, t: datetime) -> tuple[str, str | None]:
    """The rep's own part, read once the company is open: time off (with its end), then
    personal hours."""
    off_end = _time_off_end(rep, t)
    if off_end is not None:
        return "time_off", off_end.astimezone(rep.tz).isoformat()
    if rep.hours is not None and not is_inside(rep.hours, rep.tz, t):
        return "outside_hours", None
    return "working", None


def working_reason(
    company: CompanyCalendar, rep: RepCalendar, t: datetime
) -> tuple[str, str | None]:
    """Why the rep works or not at t by hours alone, in this order: holiday, company closed,
    time off, outside personal hours, else "working"; with a detail (holiday name, time off end)."""
    shared = company_reason(company, t)
    return shared if shared[0] != "working" else rep_reason(rep, t)


def _holiday_spans(company: CompanyCalendar, first: date, count: int) -> list[Span]:
    last = first + timedelta(days=count)
    days = (day for day in company.holidays if first <= day < last)
    return _merge((_instant(company.tz, d, 0), _instant(company.tz, d, DAY_MINUTES)) for d in days)


def _working_spans(company: CompanyCalendar, rep: RepCalendar, t: datetime, n: int) -> list[Span]:
    # Interval algebra over the window: company hours − holidays − time off ∩ personal hours.
    first = _local_date(t, company.tz) - timedelta(days=1)
    spans = _day_spans(company.hours, company.tz, first, n + 3)
    spans = _subtract(spans, _holiday_spans(company, first, n + 3))
    spans = _subtract(spans, _merge(off.intervals(rep.tz) for off in rep.time_off))
    if rep.hours is not None:
        rep_first = _local_date(t, rep.tz) - timedelta(days=1)
        spans = _intersect(spans, _day_spans(rep.hours, rep.tz, rep_first, n + 3))
    return _merge(spans)


def _next_working_flip(company: CompanyCalendar, rep: RepCalendar, t: datetime) -> datetime | None:
    # Most flips are within a day or two, so a short window first spares building a whole year.
    for days in (8, AVAILABILITY_HORIZON_DAYS):
        flip = _flip_after(_working_spans(company, rep, t, days), t, t + timedelta(days=days))
        if flip is not None:
            return flip
    return None


def working_at(company: CompanyCalendar, rep: RepCalendar, t: datetime) -> Working:
    """Whether the rep works at t by hours, holidays and time off, why, and when that flips."""
    reason, detail = working_reason(company, rep, t)
    return Working(reason == "working", reason, _next_working_flip(company, rep, t), detail)


def is_working(company: CompanyCalendar, rep: RepCalendar, t: datetime) -> bool:
    """Whether the rep works at t by hours, holidays and time off (status aside)."""
    return working_reason(company, rep, t)[0] == "working"


def outside_company_warnings(
    personal: WeeklyHours,
    personal_tz: ZoneInfo,
    company: WeeklyHours,
    company_tz: ZoneInfo,
    reference: datetime,
) -> list[str]:
    """Plain sentences naming the parts of personal hours that fall outside company hours."""
    local = _local_date(reference, personal_tz)
    monday = local - timedelta(days=local.weekday())
    # Offsets can differ by over a day, so company days start a day early and run past the week.
    company_first = _local_date(_instant(personal_tz, monday, 0), company_tz) - timedelta(days=1)
    open_spans = _day_spans(company, company_tz, company_first, 10)
    warnings = []
    for day in (monday + timedelta(days=n) for n in range(7)):
        for start, end in _subtract(local_intervals(personal, personal_tz, day), open_spans):
            warnings.append(_outside_sentence(day, start, end, personal_tz))
    return warnings


def _outside_sentence(day: date, start: datetime, end: datetime, tz: ZoneInfo) -> str:
    first, last = start.astimezone(tz), end.astimezone(tz)
    # An end on the next date can only be its midnight, which the rep reads as 24:00.
    last_minutes = DAY_MINUTES if last.date() > day else last.hour * 60 + last.minute
    clock = f"{format_clock(first.hour * 60 + first.minute)}–{format_clock(last_minutes)}"
    return f"{DAYS[day.weekday()].capitalize()} {clock} is outside company hours"
