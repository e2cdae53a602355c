"""Weekly hours in IANA zones and the interval algebra under them: "is t inside?", "when next?".

app/domain/hours.py builds calendars (holidays, time off, personal hours) on top of this."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
# [0-9] rather than \d: \d also matches non-ASCII digits, which int() would happily accept.
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_P = TypeVar("_P", int, datetime)
Span = tuple[datetime, datetime]
Interval = tuple[int, int]


class HoursError(ValueError):
    """A broken rule in hours, a time zone or time off, naming the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_clock(text: str, field: str, *, allow_24: bool = False) -> int:
    """Turn an "HH:MM" clock time into minutes after midnight."""
    if text == "24:00":
        if allow_24:
            return DAY_MINUTES
        raise HoursError(field, "24:00 is only allowed as an end")
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise HoursError(field, f"expected a time HH:MM between 00:00 and 23:59, got {text!r}")
    return int(match[1]) * 60 + int(match[2])


def format_clock(minutes: int) -> str:
    """Turn minutes after midnight into "HH:MM" (1440 is "24:00")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """Look up an IANA time zone by name (only the names zone_names offers)."""
    if isinstance(name, str) and name in zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # listed but unreadable: treated as unknown
    raise HoursError(field, f"unknown time zone {name!r}; use an IANA name like America/New_York")


@cache
def zone_names() -> frozenset[str]:
    """IANA names of areas and cities (plus UTC). Not the tz database's other files (posixrules,
    right/… with leap seconds, posix/…, localtime: the server's own zone), nor names like EST."""
    return frozenset(z for z in available_timezones() if "/" in z or z == "UTC")


@dataclass(frozen=True)
class WeeklyHours:
    """Open intervals per weekday, Monday first, in minutes after local midnight."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        # Hours are also built in code (defaults, intersections), so the invariant lives here.
        days = tuple(tuple((int(s), int(e)) for s, e in day) for day in self.days)
        if len(days) != len(DAYS):
            raise HoursError("hours", "needs exactly seven days, Monday to Sunday")
        for name, day in zip(DAYS, days, strict=True):
            _check_day(name, day)
        object.__setattr__(self, "days", days)

    @classmethod
    def from_json(cls, obj: object) -> "WeeklyHours":
        """Read hours from the API shape: all seven days, each a list of ["HH:MM", "HH:MM"]."""
        if not isinstance(obj, dict):
            raise HoursError("hours", "expected an object with the keys mon, tue, ... sun")
        for key in obj:
            if key not in DAYS:
                raise HoursError(str(key), "unknown day; use mon, tue, wed, thu, fri, sat, sun")
        for name in DAYS:
            if name not in obj:
                raise HoursError(name, "is missing; give [] for a closed day")
        return cls(tuple(_day_from_json(name, obj[name]) for name in DAYS))

    def to_json(self) -> dict[str, list[list[str]]]:
        """Write hours in the API shape."""
        return {
            name: [[format_clock(s), format_clock(e)] for s, e in day]
            for name, day in zip(DAYS, self.days, strict=True)
        }

    def intersect(self, other: "WeeklyHours") -> "WeeklyHours":
        """The wall-clock overlap of two sets of hours, day by day."""
        pairs = zip(self.days, other.days, strict=True)
        return WeeklyHours(tuple(tuple(_merge(_intersect(a, b))) for a, b in pairs))

    def is_empty(self) -> bool:
        """Whether every day is closed."""
        return not any(self.days)

    def describe_day(self, i: int) -> str:
        """Day i (0 = Monday) in words, e.g. "09:00–12:00, 13:00–17:00" or "Closed"."""
        parts = [f"{format_clock(s)}–{format_clock(e)}" for s, e in self.days[i]]
        return ", ".join(parts) or "Closed"


def _check_day(name: str, day: Sequence[Interval]) -> None:
    for k, (start, end) in enumerate(day):
        field = f"{name}[{k}]"
        if not 0 <= start < end <= DAY_MINUTES:
            raise HoursError(field, "start must be before end, both within 00:00–24:00")
        if k and start < day[k - 1][0]:
            raise HoursError(field, "intervals must be sorted by start time")
        if k and start < day[k - 1][1]:
            raise HoursError(field, "overlaps the interval before it")


def _day_from_json(name: str, value: object) -> tuple[Interval, ...]:
    if not isinstance(value, list):
        raise HoursError(name, 'expected a list of ["HH:MM", "HH:MM"] intervals')
    return tuple(_interval_from_json(f"{name}[{k}]", item) for k, item in enumerate(value))


def _interval_from_json(field: str, item: object) -> Interval:
    if not isinstance(item, list | tuple) or len(item) != 2:
        raise HoursError(field, 'expected ["HH:MM", "HH:MM"]')
    return parse_clock(item[0], field), parse_clock(item[1], field, allow_24=True)


COMPANY_DEFAULT = WeeklyHours((((9 * 60, 17 * 60),),) * 5 + ((),) * 2)
ALWAYS = WeeklyHours((((0, DAY_MINUTES),),) * 7)


def _merge(spans: Iterable[tuple[_P, _P]]) -> list[tuple[_P, _P]]:
    # Touching spans join too: "…24:00" and the next day's "00:00…" are one open stretch.
    out: list[tuple[_P, _P]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _intersect(a: Sequence[tuple[_P, _P]], b: Sequence[tuple[_P, _P]]) -> list[tuple[_P, _P]]:
    out: list[tuple[_P, _P]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    # Both sorted and merged; one sweep keeps a year of spans cheap.
    out: list[Span] = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > start:
                out.append((start, b[k][0]))
            start = max(start, b[k][1])
            k += 1
        if start < end:
            out.append((start, end))
    return out


def _local_date(t: datetime, tz: ZoneInfo) -> date:
    if t.utcoffset() is None:
        raise ValueError("t must be timezone-aware")  # naive would silently mean the server's zone
    return t.astimezone(tz).date()


def _instant(tz: ZoneInfo, day: date, minutes: int) -> datetime:
    # fold=0 picks the first of a repeated wall time; a skipped one is carried forward by the gap.
    day += timedelta(days=minutes // DAY_MINUTES)  # 24:00 is the next day's 00:00
    hour, minute = divmod(minutes % DAY_MINUTES, 60)
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def local_intervals(hours: WeeklyHours, tz: ZoneInfo, day: date) -> list[Span]:
    """The day's open intervals as aware UTC instants, using that date's own UTC offsets."""
    # Around a spring-forward gap a converted interval can come out empty or overlap the next one.
    intervals = hours.days[day.weekday()]
    return _merge((_instant(tz, day, s), _instant(tz, day, e)) for s, e in intervals)


def _day_spans(hours: WeeklyHours, tz: ZoneInfo, first: date, count: int) -> list[Span]:
    days = (first + timedelta(days=n) for n in range(count))
    return _merge(span for day in days for span in local_intervals(hours, tz, day))


def _flip_after(spans: Sequence[Span], t: datetime, limit: datetime) -> datetime | None:
    # Spans are merged, so every start and end is a real flip.
    for start, end in spans:
        if end > t:
            flip = start if start > t else end
            return flip if flip <= limit else None
    return None


def is_inside(hours: WeeklyHours, tz: ZoneInfo, t: datetime) -> bool:
    """Whether instant t falls inside the hours read in zone tz."""
    return any(start <= t < end for start, end in _around(hours, tz, _local_date(t, tz)))


@lru_cache(maxsize=16384)
def _around(hours: WeeklyHours, tz: ZoneInfo, day: date) -> tuple[Span, ...]:
    # The day before, the day and the day after: computed once per hours, zone and local date
    # (every member of every team asks the same few questions many times a second).
    return tuple(_day_spans(hours, tz, day - timedelta(days=1), 3))


def next_change(
    hours: WeeklyHours, tz: ZoneInfo, t: datetime, horizon_days: int = 8
) -> datetime | None:
    """The first instant after t at which is_inside flips, or None within the horizon."""
    # Days are computed past the horizon so that a stretch is never cut short by the window.
    first = _local_date(t, tz) - timedelta(days=1)
    spans = _day_spans(hours, tz, first, horizon_days + 3)
    return _flip_after(spans, t, t + timedelta(days=horizon_days))
