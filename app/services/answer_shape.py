"""The API shape of a hook answer (docs/api.md, the hook): who, the hunt list, where the work
goes otherwise, why, and the trace, with the assignee also as flat fields."""

import json
from collections.abc import Sequence
from typing import Any

from app.domain import routing as r
from app.services import roster


def answer(
    seen: Sequence[roster.Seen],
    decision: r.Decision,
    destination: dict[str, Any] | None,
    reason: str,
    via: list[str],
    team: str,
    kind: str,
    external_id: str | None,
) -> dict[str, Any]:
    """The answer without id and time."""
    people = {s.rep.id: s.rep for s in seen}
    assignee = decision.assignee
    return {
        **_flat(people[assignee] if assignee else None),
        "team": team,
        "kind": kind,
        "external_id": external_id,
        "assignee": _person(people[assignee]) if assignee else None,
        "hunt": [_person(people[rep_id]) for rep_id in decision.hunt],
        "destination": destination,
        "reason": reason,
        "routed_via": via,
        "trace": [roster.trace_line(e) for e in decision.trace],
    }


def _flat(rep: roster.Person | None) -> dict[str, Any]:
    """The assignee as flat fields, for tools that cannot read nested objects (Salesforce Flow,
    HubSpot): assignee_id, _name, _email, _phone and their ids in other systems."""
    ids = json.loads(rep.external_ids) if rep is not None and rep.external_ids else None
    return {
        "assignee_id": rep.id if rep else None,
        "assignee_name": rep.name if rep else None,
        "assignee_email": rep.email if rep else None,
        "assignee_phone": rep.phone if rep else None,
        "assignee_external_ids": ids if isinstance(ids, dict) else {},
    }


def _person(rep: roster.Person) -> dict[str, Any]:
    """The API shape of an assignee or hunt list entry."""
    return {"id": rep.id, "name": rep.name, "email": rep.email, "phone": rep.phone}
