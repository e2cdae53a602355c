"""Offers: with a team's offer time set, a lead's answer is offered to one rep at a time, who
accepts or declines before it expires; a decline or an expiry passes it to the next eligible rep.
These functions shape the stored answer (plain JSON) as the offer moves; they change nothing
else (app/services/offers.py stores them)."""

from datetime import datetime, timedelta
from typing import Any

from app.domain.inputs import Invalid
from app.domain.stamps import read, stamp

PENDING, ACCEPTED, DECLINED, EXPIRED = "pending", "accepted", "declined", "expired"
MIN_SECONDS, MAX_SECONDS = 10, 600


def offered(answer: dict[str, Any], seconds: int, now: datetime) -> dict[str, Any]:
    """The answer with an offer to its assignee for `seconds` appended to its `offers`."""
    rep = answer["assignee"]
    expires = stamp(now + timedelta(seconds=seconds))
    who = {"id": rep["id"], "name": rep["name"]}
    entry: dict[str, Any] = {"rep": who, "state": PENDING, "offered_at": stamp(now)}
    entry.update(expires_at=expires, ended_at=None)
    offers = [*answer.get("offers", []), entry]
    return {
        **answer,
        "offer": {"rep": who, "expires_at": expires, "state": PENDING},
        "offers": offers,
    }


def lead_offer(
    answer: dict[str, Any], kind: str, seconds: int | None, now: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A lead's answer as an offer to its assignee when the team offers leads (`seconds`; calls
    ring, never offered), and the assignment's offer columns to store with it."""
    if kind != "lead" or seconds is None or answer.get("assignee") is None:
        return answer, {"offer_state": None, "offer_expires_at": None}
    found = offered(answer, seconds, now)
    return found, {"offer_state": PENDING, "offer_expires_at": expires_at(found)}


def ended(answer: dict[str, Any], state: str, now: datetime) -> dict[str, Any]:
    """The answer with its current offer ended as `state` (accepted, declined or expired)."""
    offers = [dict(o) for o in answer.get("offers", [])]
    if offers:
        offers[-1].update(state=state, ended_at=stamp(now))
    offer = {**answer["offer"], "state": state}
    return {**answer, "offer": offer, "offers": offers}


def nobody_left(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer once every eligible rep was offered it: expired, nobody assigned; the fields
    of the engine's last answer (its destination: the team's AWAY one) are already in it."""
    return {**answer, "offer": {**answer["offer"], "state": EXPIRED}}


def offered_reps(answer: dict[str, Any]) -> frozenset[str]:
    """Every rep this lead was offered to so far."""
    return frozenset(o["rep"]["id"] for o in answer.get("offers", []))


def expires_at(answer: dict[str, Any]) -> datetime | None:
    """When the current offer expires, or None when none is pending."""
    offer = answer.get("offer")
    if not offer or offer.get("state") != PENDING:
        return None
    return read(offer["expires_at"])


def check_seconds(value: object, field: str = "offer_seconds") -> int | None:
    """A team's offer time: 10 to 600 seconds, or None (offers off); else Invalid(field). A
    form's text is read as a number (empty: None)."""
    if isinstance(value, str):
        value = int(value) if value.strip().isdigit() and len(value) < 7 else value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(field, f"Use a whole number of seconds ({MIN_SECONDS}-{MAX_SECONDS}).")
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise Invalid(field, f"Use {MIN_SECONDS} to {MAX_SECONDS} seconds, or none (no offers).")
    return value
