"""What the manager's team pages show: states, members, destinations, previews; the words of
reasons and of who got the work (the decision log's entries: app/views/decisions.py)."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.domain import hours as h
from app.domain import routing as r
from app.models import Company, Rep, Team
from app.services import assigner, reps, roster, team_state, teams
from app.services.errors import Invalid
from app.views import log as assignment_log
from app.views import phone

STATE_LABELS = {"in_office": "In office", "lunch": "Lunch", "away": "Away", "vacation": "Vacation"}
STATE_PHRASES = {
    "in_office": "in office",
    "lunch": "at lunch",
    "away": "away",
    "vacation": "on vacation",
}
STATE_TONES = {"in_office": "available", "lunch": "away", "away": "offline", "vacation": "offline"}
REASON_WORDS = {
    "assigned": "Assigned",
    "nobody_available": "Nobody available",
    **assignment_log.TEAM_WORDS,
}
_NOT_DIALLED = re.compile(r"[\s().-]")  # what people type inside a phone number


def words(reason: str) -> str:
    """A trace or hours reason in words: "time_off" reads "time off"."""
    return reason.replace("_", " ")


def destination_label(dest: dict[str, Any]) -> str:
    """A destination as a label: "The members", "Voicemail", "Team support", "+15551234567"."""
    text = assignment_log.destination_words(dest)
    return text[:1].upper() + text[1:]


# --- Team state ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateView:
    """A team's state now, the override in force and when it ends, and what comes next."""

    state: str
    override: str | None
    until: str  # "until 13:00", "until cleared", or "" without an override
    scheduled: str
    next_change: str  # "Away at 17:00", or "" when the schedule never changes

    @property
    def label(self) -> str:
        """The state in words."""
        return STATE_LABELS[self.state]

    @property
    def phrase(self) -> str:
        """The state as it ends a sentence: "Sales is at lunch"."""
        return STATE_PHRASES[self.state]

    @property
    def tone(self) -> str:
        """The chip colour of the state."""
        return STATE_TONES[self.state]


def state_view(session: Session, company: Company, team: Team, now: datetime) -> StateView:
    """The team's state at `now`, its override and next scheduled change, in the company zone."""
    sched = team_state.schedule_of(team, company, team_state.holidays_around(session, company, now))
    s = r.team_state(sched, team_state.override_of(team), now)
    tz = h.zone(company.timezone)
    until = ""
    if s.override is not None:
        ends = team.override_until
        until = f"until {phone.local(ends, tz, now)}" if ends else "until cleared"
    nxt = ""
    if s.next_boundary is not None:
        after = STATE_LABELS[r.scheduled_state(sched, s.next_boundary).value]
        nxt = f"{after} at {phone.local(s.next_boundary, tz, now)}"
    return StateView(s.state.value, _value(s.override), until, s.scheduled.value, nxt)


def _value(state: r.TeamState | None) -> str | None:
    """A state's value, or None."""
    return state.value if state is not None else None


@dataclass(frozen=True)
class TeamRow:
    """One team in the list of teams."""

    team: Team
    state: StateView
    members: int


def team_rows(session: Session, company: Company, now: datetime) -> list[TeamRow]:
    """Every team of the company by name, with its state now and its member count."""
    return [
        TeamRow(team, state_view(session, company, team, now), len(found))
        for team, found in teams.with_members(session, company)
    ]


# --- Members ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberStanding:
    """A member in order, with their status now and whether the assigner would consider them."""

    rep: Rep
    taking_part: bool
    status: str
    eligible: bool
    reason: str

    @property
    def standing(self) -> str:
        """Where the member stands for routing now, in words."""
        if not self.taking_part:
            return "Not taking part"
        if self.reason.startswith("team_"):  # the team is not routing to its members now
            return "Taking part"
        return "In line" if self.eligible else f"Skipped now: {words(self.reason)}"


def member_rows(
    session: Session, company: Company, team: Team, now: datetime
) -> list[MemberStanding]:
    """The team's members in order with their effective status and eligibility at `now`."""
    found = teams.members(session, team)
    seen = {a["rep"]["id"]: a for a in roster.availability(session, company, team, now)}
    return [
        MemberStanding(
            m.rep,
            m.taking_part,
            seen[m.rep.id]["effective_status"],
            seen[m.rep.id]["eligible"],
            seen[m.rep.id]["reason"],
        )
        for m in found
    ]


def addable(session: Session, company: Company, team: Team) -> list[Rep]:
    """Active people of the company who are not members of the team yet, by name."""
    inside = {m.rep.id for m in teams.members(session, team)}
    return [rep for rep in reps.listing(session, company) if rep.id not in inside]


def moved(order: list[str], rep_id: str, direction: str) -> list[str]:
    """The member order with one member moved one place up or down (unchanged at either end)."""
    if direction not in ("up", "down"):
        raise Invalid("direction", "Move a member up or down.")
    i = order.index(rep_id)
    j = i - 1 if direction == "up" else i + 1
    out = list(order)
    if 0 <= j < len(out):
        out[i], out[j] = out[j], out[i]
    return out


# --- Destinations -------------------------------------------------------------------------------


def destination_choice(dest: dict[str, Any]) -> tuple[str, str]:
    """A stored destination as the form shows it: the select's value and the number input."""
    if dest["type"] == "team":
        return f"team:{dest['team']}", ""
    return dest["type"], dest.get("number", "")


def destination_from_form(choice: str, number: str) -> dict[str, str]:
    """The destination a form asked for; the number only counts when "a number" is chosen."""
    if choice.startswith("team:"):
        return {"type": "team", "team": choice.removeprefix("team:")}
    if choice == "number":
        return {"type": "number", "number": _NOT_DIALLED.sub("", number)}
    return {"type": choice}


def destination_options(team: Team, others: list[Team]) -> list[tuple[str, str]]:
    """What a team's work can be sent to: its members, another team, voicemail, a number."""
    out = [("members", "The members"), ("voicemail", "Voicemail")]
    out += [(f"team:{t.slug}", f"Team {t.name}") for t in others if t.id != team.id]
    return out + [("number", "A phone number")]


def destinations_in_words(team: Team) -> dict[str, str]:
    """Where the team's work goes in each state, in words ("voicemail", "team support")."""
    found = {s: assignment_log.destination_words(d) for s, d in teams.destinations(team).items()}
    return {"in_office": "the members in line", **found}


# --- The preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the hook would answer now for one kind of work; nothing is assigned."""

    kind: str
    who: str
    reason: str
    hunt: list[str]
    said: str


def previews(session: Session, company: Company, team: Team, now: datetime) -> list[Preview]:
    """The next lead and the next call for the team at `now`, each with its reason and trace."""
    return [
        _preview(assigner.preview(session, company, team=team.slug, kind=k, at=now)) for k in r.Kind
    ]


def _preview(answer: dict[str, Any]) -> Preview:
    """A preview answer as the team page shows it."""
    return Preview(
        answer["kind"],
        who_of(answer),
        REASON_WORDS.get(answer["reason"], words(answer["reason"])),
        [p["name"] for p in answer["hunt"]],
        assignment_log.describe(answer),
    )


def who_of(answer: dict[str, Any]) -> str:
    """Who or where an answer sent the work: the assignee's name or the destination."""
    if answer.get("assignee"):
        return str(answer["assignee"]["name"])
    if answer.get("destination"):
        return destination_label(answer["destination"])
    return "Nobody"
