"""Reading what clients send: one parser per kind of value, each refusing with the field it names.

Every instant, date, year and whole number that comes in from a URL, a form or a body goes
through here, and so does every piece of text (no control characters anywhere)."""

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime

FIRST_YEAR, LAST_YEAR = (
    1971,
    2099,
)  # keeps every date, its neighbours and its midnights representable
MAX_NESTING = 32  # JSON arrays/objects inside each other; the API's deepest shape needs 4
# [0-9], not \d: \d (and str.isdigit) also match "²" and other digits int() refuses or misreads.
_WHOLE = re.compile(r"[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A date, "T" (or a space), a time, and an offset: numbers such as 0.5 are not instants.
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")
_OFFSET = re.compile(r"(Z|[+-][0-9]{2}:?[0-9]{2})")
BAD_CATEGORIES = {"Cc", "Cs"}  # control characters; lone surrogates (no database stores them)


class Invalid(ValueError):
    """Bad input for a named field (422); nothing was changed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def year(value: int, field: str = "year") -> int:
    """A year the calendar works with."""
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise Invalid(field, f"Pick a year between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def day(value: date | str, field: str = "date") -> date:
    """A date (or its YYYY-MM-DD text) in the years the calendar works with."""
    if isinstance(value, str):
        text = value.strip()
        if not _DATE.fullmatch(text):
            raise Invalid(field, "Enter a date like 2026-03-09.")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise Invalid(field, "Enter a date like 2026-03-09.") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Invalid(field, f"Pick a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def instant(value: datetime | str, field: str = "at") -> datetime:
    """An instant with an offset (or its ISO 8601 text) in the years the calendar works with.

    In a query string an unencoded "+" arrives as a space, so "…T10:00:00 05:00" means +05:00."""
    if isinstance(value, str):
        text = value.strip()
        if text[-6:-5] == " ":
            text = f"{text[:-6]}+{text[-5:]}"
        found = _INSTANT.match(text)
        if found is None or not _OFFSET.fullmatch(text[found.end() :]):
            raise Invalid(field, "Give a time with an offset, e.g. 2026-03-08T09:30:00-05:00.")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(field, "Give a time like 2026-03-08T09:30:00-05:00.") from None
    if value.utcoffset() is None:
        raise Invalid(field, "Give a time with an offset, e.g. 2026-03-08T09:30:00-05:00.")
    try:
        utc_day = value.astimezone(UTC).date()
    except OverflowError:
        utc_day = date.max
    for d in (value.date(), utc_day):
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            raise Invalid(field, f"Pick a time between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def whole_number(text: str, field: str, *, low: int = 0, high: int = 10**9) -> int:
    """A whole number written with ASCII digits, between low and high."""
    stripped = text.strip()
    if not _WHOLE.fullmatch(stripped) or not low <= int(stripped) <= high:
        raise Invalid(field, f"Enter a whole number from {low} to {high}.")
    return int(stripped)


def text(value: str, field: str) -> str:
    """Text without control characters (newlines and tabs included): one line of a name, a note,
    an address or an id, which every database can store."""
    for ch in value:
        if unicodedata.category(ch) in BAD_CATEGORIES:
            raise Invalid(field, f"Remove the control character U+{ord(ch):04X}; use one line.")
    return value


def texts(value: object, field: str = "") -> None:
    """Every string inside a JSON value (keys too) checked by `text`, errors naming its path."""
    for path, found in _strings(value, field):
        text(found, path or "body")


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield from _strings(key, name)
            yield from _strings(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def nesting(body: bytes) -> int:
    """How deeply JSON arrays and objects nest in `body` (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest
