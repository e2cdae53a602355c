"""Checks of a team's settings as they are given (the API's JSON or a form): its IN OFFICE
and LUNCH hours, its members and its ring mode. Each answers the value to store or raises
Invalid naming the field; app/services/teams.py stores them."""

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from app.models import Company, Rep
from app.services.checks import check_hours
from app.services.errors import Invalid

RINGS = ("sequence", "all")
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
