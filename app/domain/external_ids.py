"""A person's ids in other systems (docs/api.md, `external_ids` under "Routes").

`external_ids` maps a system name (`hubspot`, `salesforce`, `pbx`, ...) to that system's id for
the person. Names are `[a-z][a-z0-9_]{0,31}`; ids are 1-64 printable characters. On the People
page they are rows of (system, id) inputs; `lookup` reads the `system:id` of
`GET /reps?external_id=`."""

import re
from collections.abc import Mapping

from app.domain.inputs import Invalid

SYSTEM = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_ID = 64
MAX_SYSTEMS = 32  # far more than any company links; keeps a row small


def check_system(name: object, field: str = "external_ids") -> str:
    """A system name such as `hubspot` or `pbx`."""
    if not isinstance(name, str) or not SYSTEM.fullmatch(name):
        raise Invalid(
            field,
            f"System name {str(name)[:40]!r} must be a lowercase letter then up to 31 lowercase "
            "letters, digits or underscores, like hubspot or pbx.",
        )
    return name


def check_id(system: str, value: object, field: str = "external_ids") -> str:
    """One system's id for a person: 1-64 printable characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID or not value.isprintable():
        raise Invalid(field, f"The {system} id must be 1 to {MAX_ID} printable characters.")
    return value


def check(ids: object, field: str = "external_ids") -> dict[str, str]:
    """A whole `external_ids` object, checked; systems in name order."""
    if not isinstance(ids, Mapping):
        raise Invalid(field, "external_ids must be an object from system name to id.")
    if len(ids) > MAX_SYSTEMS:
        raise Invalid(field, f"At most {MAX_SYSTEMS} systems per person.")
    out: dict[str, str] = {}
    for system in sorted(ids, key=str):
        name = check_system(system, field)
        out[name] = check_id(name, ids[system], field)
    return out


def lookup(text: str, field: str = "external_id") -> tuple[str, str]:
    """`system:id` (the id may contain colons itself) → (system, id)."""
    system, sep, value = text.partition(":")
    if not sep:
        raise Invalid(field, "Write the id as system:id, like hubspot:123.")
    return check_system(system, field), check_id(system, value, field)


def from_rows(rows: list[tuple[str, str]], field: str = "external_ids") -> dict[str, str]:
    """The People page's rows of (system, id) inputs; a row whose id is blank is no id (that is
    how the page removes one)."""
    ids: dict[str, str] = {}
    for raw_system, raw_value in rows:
        system, value = raw_system.strip(), raw_value.strip()
        if not value:
            continue
        if not system:
            raise Invalid(field, f"Name the system of the id {value[:40]!r}, like hubspot.")
        name = check_system(system, field)
        if name in ids:
            raise Invalid(field, f"{name} is listed twice; a person has one id per system.")
        ids[name] = check_id(name, value, field)
    return check(ids, field)


def rows(ids: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """The People page's (system, id) rows for an `external_ids` object, in system order."""
    return sorted((ids or {}).items())
