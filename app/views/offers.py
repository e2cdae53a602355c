"""Offers as screens show them: the leads waiting for my answer on the Phone tab (with the seconds
left, for the countdown) and an assignment's offers history in the decision log."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.models import Assignment, Company, Rep
from app.services import offers, teams

STATE_WORDS = {
    "pending": "waiting",
    "accepted": "accepted",
    "declined": "declined",
    "expired": "no answer in time",
}


@dataclass(frozen=True)
class OfferCard:
    """A lead offered to me: what it is, and how long I have to take it."""

    id: str
    team: str  # the team's name
    external_id: str | None
    expires_at: datetime
    seconds_left: int


def cards(session: Session, company: Company, rep: Rep, now: datetime) -> list[OfferCard]:
    """The offers waiting for my answer, oldest first (one run out is the loop's to pass on)."""
    found = offers.pending_for(session, company, rep.id, now)
    names = {t.slug: t.name for t in teams.listing(session, company)} if found else {}
    return [_card(row, names.get(row.team_slug, row.team_slug), now) for row in found]


def _card(row: Assignment, team: str, now: datetime) -> OfferCard:
    expires = row.offer_expires_at or now
    left = max(0, int((expires - now).total_seconds()))
    return OfferCard(row.id, team, row.external_id, expires, left)


@dataclass(frozen=True)
class OfferRow:
    """One offer of an assignment, as the decision log lists it."""

    rep: str
    state: str
    offered_at: datetime
    ended_at: datetime | None


def history(answer: dict[str, Any], tz: ZoneInfo) -> list[OfferRow]:
    """Every offer of this answer in order, its times in the company's zone."""
    return [
        OfferRow(
            o["rep"]["name"],
            STATE_WORDS.get(o["state"], o["state"]),
            _at(o["offered_at"], tz),
            _at(o["ended_at"], tz) if o.get("ended_at") else None,
        )
        for o in answer.get("offers") or []
    ]


def _at(stamp: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(tz)
