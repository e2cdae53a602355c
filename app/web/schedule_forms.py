"""Reading the weekly hours editor and the time-off form: draft rows, edit actions, validation."""

from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from app.domain import inputs
from app.domain.hours import DAYS
from app.services.checks import check_hours
from app.services.errors import Invalid

# Repeated keys (mon_start=09:00&mon_start=13:00) arrive as lists, single ones as strings.
MultiForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_INTERVAL = ("09:00", "17:00")
KINDS = {"day": "All day", "range": "Several days", "part": "Hours"}


def values(data: dict[str, Any], key: str) -> list[str]:
    """Every value of a form key, in order."""
    found = data.get(key, [])
    return [found] if isinstance(found, str) else [str(v) for v in found]


def one(data: dict[str, Any], key: str) -> str:
    """The first value of a form key, stripped ('' when absent)."""
    found = values(data, key)
    return found[0].strip() if found else ""


@dataclass
class DayRow:
    """One weekday of the editor: open or closed, and its intervals as the inputs show them."""

    key: str
    name: str
    open: bool
    intervals: list[tuple[str, str]] = field(default_factory=list)


def rows_from_hours(hours: dict[str, Any]) -> list[DayRow]:
    """Editor rows from stored hours; an end of 24:00 shows as 00:00 (a time input has no 24:00)."""
    return [
        DayRow(key, DAY_NAMES[i], bool(hours[key]), [(s, _shown(e)) for s, e in hours[key]])
        for i, key in enumerate(DAYS)
    ]


def _shown(end: str) -> str:
    return "00:00" if end == "24:00" else end


def has_rows(data: dict[str, Any]) -> bool:
    """Whether the posted form carried the day rows (it does not while following company hours)."""
    return any(k.endswith(("_start", "_open")) for k in data)


def rows_from_form(data: dict[str, Any]) -> list[DayRow]:
    """Editor rows from the posted fields `mon_open=on`, `mon_start=09:00`, `mon_end=17:00`, ..."""
    rows = []
    for i, key in enumerate(DAYS):
        pairs = zip_longest(values(data, f"{key}_start"), values(data, f"{key}_end"), fillvalue="")
        # Browsers may send seconds ("09:00:00"); the editor works in minutes.
        kept = [(s.strip()[:5], e.strip()[:5]) for s, e in pairs if s.strip() or e.strip()]
        is_open = f"{key}_open" in data
        # A day just switched open starts with the usual interval, ready to adjust.
        rows.append(
            DayRow(key, DAY_NAMES[i], is_open, kept or ([DEFAULT_INTERVAL] if is_open else []))
        )
    return rows


def apply_action(rows: list[DayRow], action: str) -> None:
    """Edit the draft: `add:mon`, `remove:mon:1`, `copy` (Monday to Tuesday–Friday)."""
    verb, _, rest = action.partition(":")
    by_key = {row.key: row for row in rows}
    if verb == "copy":
        for weekday in rows[1:5]:
            weekday.open, weekday.intervals = rows[0].open, list(rows[0].intervals)
    elif verb == "add" and rest in by_key:
        _add_interval(by_key[rest])
    elif verb == "remove":
        key, _, index = rest.partition(":")
        row = by_key.get(key)
        at = _index(index)
        if row is not None and at is not None and at < len(row.intervals):
            row.intervals.pop(at)
            row.open = bool(row.intervals)


def _add_interval(row: DayRow) -> None:
    """Open the day, or add an hour-long interval an hour after the last one ends."""
    if not row.open or not row.intervals:
        row.open, row.intervals = True, row.intervals or [DEFAULT_INTERVAL]
        return
    last_end = _minutes(row.intervals[-1][1])
    last_end = 24 * 60 if last_end == 0 else last_end  # an end of 00:00 is midnight, 24:00
    if last_end is None or last_end + 120 > 24 * 60:
        row.intervals.append(("", ""))  # no room left: blank inputs for the rep to fill
    else:
        row.intervals.append((_clock(last_end + 60), _shown(_clock(last_end + 120))))


def _minutes(text: str) -> int | None:
    hh, _, mm = text.partition(":")
    hours, minutes = _index(hh), _index(mm)
    return None if hours is None or minutes is None else hours * 60 + minutes


def _index(text: str) -> int | None:
    """A small whole number in ASCII digits (an interval index, hours, minutes), else None."""
    try:
        return inputs.whole_number(text, "index", high=10_000)
    except Invalid:
        return None


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_json(rows: list[DayRow]) -> dict[str, list[list[str]]]:
    """The API shape of the draft, validated by check_hours (errors name e.g. `hours.wed[1]`)."""
    out: dict[str, list[list[str]]] = {}
    for row in rows:
        intervals = (row.intervals or [DEFAULT_INTERVAL]) if row.open else []
        for k, (start, end) in enumerate(intervals):
            if not start or not end:
                raise Invalid(f"hours.{row.key}[{k}]", "Enter both a start and an end time.")
        # The last minute of a day is written 00:00 in a time input and means 24:00 as an end.
        out[row.key] = [[s, "24:00" if e == "00:00" else e] for s, e in intervals]
    check_hours(out)
    return out


def hours_errors(errors: dict[str, str]) -> dict[str, tuple[int | None, str]]:
    """Errors by weekday key for the editor: (interval index or None, message)."""
    out: dict[str, tuple[int | None, str]] = {}
    for name, message in errors.items():
        path = name.removeprefix("hours.")
        key, _, rest = path.partition("[")
        index = rest.rstrip("]")
        text = message[:1].upper() + message[1:]
        out[key if key in DAYS else "_"] = (_index(index), text)
    return out


@dataclass(frozen=True)
class TimeOffForm:
    """What the time-off form asked for, ready for the time-off service."""

    kind: str
    day: date
    end_date: date | None
    start: str | None
    end: str | None


def time_off_from_form(data: dict[str, Any]) -> TimeOffForm:
    """Whole day, several days or part of one day, from the posted form; Invalid names the field."""
    kind = one(data, "kind") if one(data, "kind") in KINDS else "day"
    day = _date(one(data, "date"), "date", "Pick the day.")
    if kind == "range":
        last = _date(one(data, "end_date"), "end_date", "Pick the last day.")
        return TimeOffForm(kind, day, last, None, None)
    if kind == "part":
        start, end = one(data, "start")[:5], one(data, "end")[:5]
        if not start:
            raise Invalid("start", "Enter the time your time off starts.")
        if not end:
            raise Invalid("end", "Enter the time you are back.")
        return TimeOffForm(kind, day, None, start, "24:00" if end == "00:00" else end)
    return TimeOffForm(kind, day, None, None, None)


def _date(text: str, field_name: str, missing: str) -> date:
    if not text:
        raise Invalid(field_name, missing)
    return inputs.day(text, field_name)
