"""Checks of a team's settings as they are given (the API's JSON or a form): its IN OFFICE
and LUNCH hours, its members, ring mode and extension, and each member's weight and daily caps.
Each answers the value to store or raises Invalid naming the field; app/services/teams.py stores
them."""

import re
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from app.domain import inputs
from app.models import Company, Rep, Team
from app.services.checks import check_hours
from app.services.errors import Invalid, Refused

RINGS = ("sequence", "all")
WEIGHT_LOW, WEIGHT_HIGH, CAP_HIGH = 1, 10, 1000  # a member's share; leads or calls a day
KINDS = ("lead", "call")
CLOSED: dict[str, list[list[str]]] = {
    d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def schedule(obj: object) -> dict[str, Any] | None:
    """IN OFFICE and LUNCH hours, checked; None follows company hours with no lunch."""
    if obj is None:
        return None
    if not isinstance(obj, Mapping) or "in_office" not in obj:
        raise Invalid("schedule", "Give in_office hours (and lunch hours), or null.")
    for key in obj:
        if key not in ("in_office", "lunch"):
            raise Invalid(f"schedule.{key}", "Only in_office and lunch hours go here.")
    lunch = obj.get("lunch")
    return {
        "in_office": check_hours(obj["in_office"], "schedule.in_office").to_json(),
        "lunch": CLOSED if lunch is None else check_hours(lunch, "schedule.lunch").to_json(),
    }


def member_ids(session: Session, company: Company, ids: object) -> list[str]:
    """Rep ids in order: each an active rep of the company, each once."""
    if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
        raise Invalid("members", "Give a list of rep ids.")
    reps = {}
    if ids:
        reps = {rep.id: rep for rep in session.exec(select(Rep).where(col(Rep.id).in_(ids)))}
    seen: set[str] = set()
    for i, rep_id in enumerate(ids):
        rep = reps.get(rep_id)
        if rep is None or rep.company_id != company.id or not rep.active:
            raise Invalid(f"members[{i}]", f"No active rep with id '{rep_id}' in this company.")
        if rep_id in seen:
            raise Invalid(f"members[{i}]", f"{rep.name} is listed twice.")
        seen.add(rep_id)
    return list(ids)


def ring(ring: object) -> str:
    """A checked ring mode: the hunt list one by one, or all at once."""
    if ring not in RINGS:
        raise Invalid("ring", "Use 'sequence' (one by one) or 'all' (all at once).")
    return str(ring)


def weight(value: object, field: str) -> int:
    """A member's weight, 1–10: a whole number (JSON) or its digits (a form)."""
    return _whole(value, field, WEIGHT_LOW, WEIGHT_HIGH)


def cap(value: object, field: str) -> int | None:
    """A daily cap, 0–1000 (JSON or a form's digits); None or blank: no cap."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _whole(value, field, 0, CAP_HIGH)


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, str):
        return inputs.whole_number(value, field, low=low, high=high)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(field, f"Enter a whole number from {low} to {high}.")
    return value


def roster(given: object, member_ids: list[str]) -> dict[str, dict[str, int | None]]:
    """Roster entries ({rep, weight?, daily_cap?: {lead?, call?}}) as the columns to set per
    member; each rep a current member, each once."""
    if not isinstance(given, list | tuple):
        raise Invalid("roster", "Give a list of members' settings.")
    found: dict[str, dict[str, int | None]] = {}
    for i, entry in enumerate(given):
        field = f"roster[{i}]"
        if not isinstance(entry, Mapping):
            raise Invalid(field, "Give an object with rep, weight and daily_cap.")
        rep_id = entry.get("rep")
        if not isinstance(rep_id, str) or rep_id not in member_ids:
            raise Invalid(f"{field}.rep", f"No member with id '{rep_id}' in this team.")
        if rep_id in found:
            raise Invalid(f"{field}.rep", "This member is listed twice.")
        found[rep_id] = _entry(entry, field)
    return found


def _entry(entry: Mapping[str, Any], field: str) -> dict[str, int | None]:
    """One member's columns to set: only the fields given."""
    for key in entry:
        if key not in ("rep", "weight", "daily_cap"):
            raise Invalid(f"{field}.{key}", "Only rep, weight and daily_cap go here.")
    values: dict[str, int | None] = {}
    if "weight" in entry:
        values["weight"] = weight(entry["weight"], f"{field}.weight")
    caps = entry.get("daily_cap", {})
    if not isinstance(caps, Mapping):
        raise Invalid(f"{field}.daily_cap", "Give {lead, call}: a number each, or null.")
    for kind in caps:
        if kind not in KINDS:
            raise Invalid(f"{field}.daily_cap.{kind}", "Only lead and call go here.")
        values[f"cap_{kind}"] = cap(caps[kind], f"{field}.daily_cap.{kind}")
    return values


EXTENSION = re.compile(r"[0-9]{2,6}")


def by_extension(session: Session, company: Company, digits: str) -> Team | None:
    """The team whose extension (the number callers key in on the presence line) this is."""
    if not EXTENSION.fullmatch(digits):
        return None
    return session.exec(
        select(Team).where(Team.company_id == company.id, Team.extension == digits)
    ).first()


def check_extension(
    session: Session, company: Company, team: Team | None, value: object
) -> str | None:
    """A team's extension: 2-6 digits, unique per company (None removes it)."""
    if value is None:
        return None
    if not isinstance(value, str) or not EXTENSION.fullmatch(value):
        raise Invalid("extension", "Use 2 to 6 digits.")
    other = by_extension(session, company, value)
    if other is not None and (team is None or other.id != team.id):
        raise Refused(f"{value} is already the extension of team {other.name}.")
    return value
