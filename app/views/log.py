"""The decision log: stored hook answers, filtered and paged, explained in words; places in line."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import routing as r
from app.models import Assignment, Company, Rep, Team
from app.services import assigner, roster, teams
from app.services.errors import Invalid, NotFound

MAX_LIMIT = 1000
TEAM_WORDS = {
    "team_lunch": "Team at lunch",
    "team_away": "Team away",
    "team_vacation": "Team on vacation",
    "holiday": "Company holiday",
}


def listing(
    session: Session,
    company: Company,
    *,
    team: str | None = None,
    kind: str | None = None,
    rep: str | None = None,
    since: datetime | None = None,
    day: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Answers oldest first (stable paging), by team, kind, assignee, since, company-local day."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"Use a limit from 1 to {MAX_LIMIT}.")
    if offset < 0:
        raise Invalid("offset", "Use an offset of 0 or more.")
    q = select(Assignment.answer).where(Assignment.company_id == company.id)
    if team is not None:
        q = q.where(Assignment.team_slug == team)
    if kind is not None:
        q = q.where(Assignment.kind == assigner.kind_of(kind).value)
    if rep is not None:
        q = q.where(Assignment.assignee_id == rep)
    if since is not None:
        q = q.where(col(Assignment.created_at) >= since)
    if day is not None:
        start = datetime.combine(day, time(0), tzinfo=h.zone(company.timezone))
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=start.tzinfo)
        q = q.where(col(Assignment.created_at) >= start, col(Assignment.created_at) < end)
    q = q.order_by(col(Assignment.seq)).offset(offset).limit(limit)
    return [dict(answer) for answer in session.exec(q)]


def get(session: Session, company: Company, assignment_id: str) -> dict[str, Any]:
    """One answer of the company's log; another company's are not found."""
    q = select(Assignment).where(Assignment.id == assignment_id)
    row = session.exec(q).first()
    if row is None or row.company_id != company.id:
        raise NotFound("No such assignment.")
    return row.answer


def recent_for(session: Session, rep: Rep, limit: int = 10) -> list[dict[str, Any]]:
    """The rep's most recent assignments, newest first (the Phone tab)."""
    q = (
        select(Assignment.answer)
        .where(Assignment.company_id == rep.company_id, Assignment.assignee_id == rep.id)
        .order_by(col(Assignment.seq).desc())
        .limit(limit)
    )
    return [dict(answer) for answer in session.exec(q)]


def decision_of(answer: dict[str, Any]) -> r.Decision:
    """The domain decision behind a stored answer."""
    trace = tuple(
        r.TraceEntry(e["rep"]["id"], e["rep"]["name"], e["eligible"], e["tier"], e["reason"])
        for e in answer["trace"]
    )
    assignee = answer["assignee"]["id"] if answer["assignee"] else None
    tier = next((e.tier for e in trace if e.rep_id == assignee), None)
    return r.Decision(assignee, tier, tuple(p["id"] for p in answer["hunt"]), trace)


def describe(answer: dict[str, Any]) -> str:
    """An answer in words: "Dana: available, least recently assigned. Skipped: Lee (busy)"."""
    reason = answer["reason"]
    text = f"{TEAM_WORDS[reason]}." if reason in TEAM_WORDS else r.describe(decision_of(answer))
    if not text.endswith("."):
        text += "."  # "… Skipped: Lee (busy)" ends a sentence before what follows
    if answer.get("destination"):
        text += f" Sent to {destination_words(answer['destination'])}."
    via = answer.get("routed_via") or []
    if len(via) > 1:
        text += f" Routed via {' → '.join(via)}."
    answered = answered_words(answer) or offer_words(answer)
    return f"{text} {answered}" if answered else text


def offer_words(answer: dict[str, Any]) -> str | None:
    """An offered lead's history: "Offered to Dana (declined), then Lee (accepted)."."""
    offers = answer.get("offers")
    if not offers:
        return None
    said = ", then ".join(f"{o['rep']['name']} ({o['state']})" for o in offers)
    return f"Offered to {said}."


def answered_words(answer: dict[str, Any]) -> str | None:
    """Who took a phone call (Twilio's call status): "Answered by Lee, 2nd in the hunt list." The
    place is the rep's in the hunt list (reps skipped as no longer available did not ring)."""
    by = answer.get("answered_by")
    if not by:
        return None
    place = by.get("attempt")
    if not place:
        return f"Answered by {by['name']}."
    return f"Answered by {by['name']}, {_ordinal(place)} in the hunt list."


def destination_words(dest: dict[str, str]) -> str:
    """A destination in words: "voicemail", "+15551234567", "team support", "the members"."""
    if dest["type"] == "team":
        return f"team {dest['team']}"
    if dest["type"] == "number":
        return dest["number"]
    return "the members" if dest["type"] == "members" else "voicemail"


@dataclass(frozen=True)
class Place:
    """Where a rep stands for one team and kind: 1 is next; None when not eligible (`reason`)."""

    team: Team
    kind: str
    place: int | None
    of: int
    reason: str


def places(session: Session, company: Company, rep: Rep, now: datetime) -> list[Place]:
    """The rep's place in line for each of their teams, for leads and for calls."""
    out = []
    for team, _member in teams.teams_of(session, rep):
        look = roster.look(session, company, team, now)
        mine = next((s for s in look.standing if s.member.rep_id == rep.id), None)
        if mine is None:
            continue
        reason = mine.entry.reason
        for kind in r.Kind:
            line = assigner.line_up(session, look, kind) if look.team_reason is None else ()
            place = line.index(rep.id) + 1 if rep.id in line else None
            out.append(Place(team, kind.value, place, len(line), reason))
    return out


def place_words(place: Place) -> str:
    """A place in words: "You are 3rd in line for Sales leads" or why you are not in line."""
    what = f"{place.team.name} {place.kind}s"
    if place.place is None:
        return f"Not in line for {what} ({place.reason.replace('_', ' ')})"
    if place.place == 1:
        return f"You are next in line for {what}"
    return f"You are {_ordinal(place.place)} in line for {what}"


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
