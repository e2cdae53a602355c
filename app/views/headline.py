"""The Phone tab's headline: am I getting leads and calls now, and if not, why and until when."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.domain import hours as h
from app.domain import presence as p

LABELS = {"available": "Available", "away": "Away", "busy": "Busy", "offline": "Offline"}
TEAM_WORDS = {
    "team_lunch": "{team} is at lunch",
    "team_away": "{team} is away",
    "team_vacation": "{team} is on vacation",
    "holiday": "it's a company holiday",
    "company_closed": "the office is closed",
}


@dataclass(frozen=True)
class InLine:
    """One place in line as the headline needs it (views.log.Place without the rows)."""

    team: str
    kind: str
    place: int | None
    reason: str


@dataclass(frozen=True)
class Headline:
    """The sentence and its tone: "go" (work comes to me), "call" (on a call), "stop" (nothing)."""

    text: str
    tone: str


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def headline(
    eff: p.EffectivePresence,
    a: h.Working,
    places: Sequence[InLine],
    taking_part: bool,
    when: Callable[[datetime | None], str],
) -> Headline:
    """The one fact a rep opens the app for, in one sentence; `when` words an instant locally."""
    if eff.locked:
        back = LABELS[eff.status.value]
        return Headline(f"{eff.locked} — back to {back} when it ends", "call")
    off = _off_hours(a, when)
    if off:
        return Headline(f"No leads now: {off}", "stop")
    status = eff.effective_status.value
    if status in ("busy", "offline"):
        until = f" until {when(eff.until)}" if eff.until else ""
        return Headline(f"No leads now: you're {LABELS[status]}{until}", "stop")
    if not taking_part:
        return Headline("No leads now: you're not taking part in any team", "stop")
    return _in_line(places, status)


def _off_hours(a: h.Working, when: Callable[[datetime | None], str]) -> str:
    """Why my hours keep work away from me now ("the office is closed until Mon 09:00"), or ""."""
    if a.working:
        return ""
    until = f" until {when(a.next_change)}" if a.next_change else ""
    if a.reason == "holiday":
        return f"company holiday ({a.detail}){until}" if a.detail else f"company holiday{until}"
    if a.reason == "time_off":
        return f"you're on time off{until}"
    if a.reason == "company_closed":
        return f"the office is closed{until}"
    return f"you're outside your working hours{until}"


def _in_line(places: Sequence[InLine], status: str) -> Headline:
    """My best place in line, or why no team lines me up."""
    placed = sorted((pl for pl in places if pl.place is not None), key=lambda pl: pl.place or 0)
    if placed:
        best = placed[0]
        what = f"{best.team} {best.kind}s"
        where = "next" if best.place == 1 else ordinal(best.place or 0)
        tail = " (after every Available rep)" if status == "away" else ""
        return Headline(f"You're {where} in line for {what}{tail}", "go")
    if not places:
        return Headline("No leads now: you're not taking part in any team", "stop")
    why = places[0]
    words = TEAM_WORDS.get(why.reason, why.reason.replace("_", " "))
    return Headline("No leads now: " + words.format(team=why.team), "stop")
