"""When a time zone's offset changes: the facts a calendar feed's VTIMEZONE must state."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from app.domain.hours import WeeklyHours, local_intervals


@dataclass(frozen=True)
class Change:
    """The zone's offset changes at `at` (UTC) from `before` to `after`."""

    at: datetime
    before: timedelta
    after: timedelta
    daylight: bool  # daylight saving time from `at` on
    name: str  # the abbreviation from `at` on, e.g. "EDT"

    @property
    def local_start(self) -> datetime:
        """The naive wall time at which the change happens, read on the clock before it (the
        DTSTART that RFC 5545 asks for: local time in TZOFFSETFROM), e.g. 02:00 on a spring day."""
        return (self.at + self.before).replace(tzinfo=None)


def _offset(tz: ZoneInfo, t: datetime) -> timedelta:
    found = t.astimezone(tz).utcoffset()
    return found if found is not None else timedelta(0)


@lru_cache(maxsize=256)
def changes(tz: ZoneInfo, first: date, last: date) -> tuple[Change, ...]:
    """Every offset change between the two dates, found day by day and then to the second."""
    found = []
    t = datetime.combine(first, time(0), tzinfo=UTC)
    stop = datetime.combine(last, time(0), tzinfo=UTC)
    step = timedelta(days=1)
    while t < stop:
        nxt = t + step
        if _offset(tz, t) != _offset(tz, nxt):
            found.append(_change(tz, t, nxt))
        t = nxt
    return tuple(found)


def _change(tz: ZoneInfo, low: datetime, high: datetime) -> Change:
    """The change between low and high (offsets differ), to the second."""
    before = _offset(tz, low)
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        mid = mid.replace(microsecond=0)
        if _offset(tz, mid) == before:
            low = mid
        else:
            high = mid
    local = high.astimezone(tz)
    return Change(high, before, _offset(tz, high), bool(local.dst()), local.tzname() or "")


def in_force(tz: ZoneInfo, day: date) -> Change:
    """The observance at the start of `day` as a change from and to the same offset."""
    local = datetime.combine(day, time(0), tzinfo=UTC).astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    at = datetime.combine(day, time(0), tzinfo=UTC) - offset
    return Change(at, offset, offset, bool(local.dst()), local.tzname() or "")


def hours_in_zone(hours: WeeklyHours, tz: ZoneInfo, target: ZoneInfo, monday: date) -> WeeklyHours:
    """`hours` (wall clock in `tz`) as wall-clock hours in `target`, in the week from `monday`
    (weeks where only one of the zones changes its offset differ by that hour)."""
    days: list[list[tuple[int, int]]] = []
    for n in range(7):
        day = monday + timedelta(days=n)
        start = datetime.combine(day, time(0), tzinfo=target)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=target)
        spans = [s for d in (-1, 0, 1) for s in local_intervals(hours, tz, day + timedelta(days=d))]
        found = []
        for a, b in spans:
            a, b = max(a, start.astimezone(UTC)), min(b, end.astimezone(UTC))
            if a < b:
                found.append((_minutes(a, target, day), _minutes(b, target, day)))
        days.append(sorted(found))
    return WeeklyHours(tuple(tuple(_merged(d)) for d in days))


def without(hours: WeeklyHours, other: WeeklyHours) -> WeeklyHours:
    """The parts of `hours` outside `other`, day by day (wall clock)."""
    days = []
    for mine, theirs in zip(hours.days, other.days, strict=True):
        left: list[tuple[int, int]] = []
        for s, e in mine:
            cut = s
            for os, oe in theirs:
                if oe <= cut or os >= e:
                    continue
                if os > cut:
                    left.append((cut, os))
                cut = max(cut, oe)
            if cut < e:
                left.append((cut, e))
        days.append(tuple(left))
    return WeeklyHours(tuple(days))


def _minutes(t: datetime, tz: ZoneInfo, day: date) -> int:
    local = t.astimezone(tz)
    return int((local.replace(tzinfo=None) - datetime.combine(day, time(0))).total_seconds() // 60)


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in intervals:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
