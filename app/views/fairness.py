"""What people read of a team's weights and daily caps: the roster table on the team page with
its effect in words ("Sam takes 2 of every 4 leads and calls"), and a rep's count against their
caps today on the Phone tab ("Leads today: 3 of 5", the company's day)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from math import gcd

from sqlmodel import Session, select

from app.domain import hours as h
from app.models import Company, Rep, Turn
from app.services.teams import Member

KINDS = (("lead", "lead", "leads"), ("call", "call", "calls"))  # kind, one, many


@dataclass(frozen=True)
class RosterRow:
    """One member in the roster form: as stored, or as posted when the form is shown again."""

    rep: Rep
    taking_part: bool
    weight: str
    cap_lead: str
    cap_call: str


@dataclass(frozen=True)
class RosterView:
    """The roster section of the team page: the form's rows and their effect in words."""

    rows: list[RosterRow]
    shares: str
    caps: list[str]


def roster_view(members: Sequence[Member], form: Mapping[str, str] | None = None) -> RosterView:
    """The roster form (as typed, after a refusal) and what the stored values mean."""
    return RosterView(roster_rows(members, form), shares_in_words(members), caps_in_words(members))


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def roster_rows(
    members: Sequence[Member], form: Mapping[str, str] | None = None
) -> list[RosterRow]:
    """The roster form's rows; `form` (field → posted text) shows what was typed."""
    rows = []
    for m in members:
        stored = {"weight": str(m.weight), "lead": _text(m.cap_lead), "call": _text(m.cap_call)}
        typed = {k: (form or {}).get(f"{k}-{m.rep.id}", v) for k, v in stored.items()}
        rows.append(RosterRow(m.rep, m.taking_part, typed["weight"], typed["lead"], typed["call"]))
    return rows


def shares_in_words(members: Sequence[Member]) -> str:
    """How the turns are shared among the members taking part, from their weights: "Sam takes 2
    of every 4 leads and calls; everyone else 1 of every 4" (the most common weight, when two or
    more share it, is "everyone else")."""
    taking = [m for m in members if m.taking_part]
    weights = [m.weight for m in taking]
    if len(set(weights)) <= 1:
        return "Everyone takes an equal share of leads and calls." if taking else ""
    g = gcd(*weights)
    total = sum(weights) // g
    common = max(set(weights), key=lambda w: (weights.count(w), -weights.index(w)))
    rest = common if weights.count(common) > 1 else None
    listed = [m for m in taking if m.weight != rest]
    words = [f"{m.rep.name} {m.weight // g} of every {total}" for m in listed]
    first = listed[0]
    words[0] = f"{first.rep.name} takes {first.weight // g} of every {total} leads and calls"
    if rest is not None:
        words.append(f"everyone else {rest // g} of every {total}")
    return "; ".join(words) + "."


def caps_in_words(members: Sequence[Member]) -> list[str]:
    """Each capped member's daily caps: "Sam: at most 5 leads a day"."""
    out = []
    for m in members:
        caps = [_count(cap, one, many) for cap, (_, one, many) in _caps(m)]
        if caps:
            out.append(f"{m.rep.name}: at most {' and '.join(caps)} a day")
    return out


def _caps(m: Member) -> list[tuple[int, tuple[str, str, str]]]:
    found = zip((m.cap_lead, m.cap_call), KINDS, strict=True)
    return [(cap, kind) for cap, kind in found if cap is not None]


def _count(n: int, one: str, many: str) -> str:
    return f"no {many}" if n == 0 else f"1 {one}" if n == 1 else f"{n} {many}"


def counts_today(
    session: Session, company: Company, rep: Rep, now: datetime
) -> dict[tuple[str, str], int]:
    """The rep's turns today (the company's date) per (team id, kind)."""
    today = now.astimezone(h.zone(company.timezone)).date().isoformat()
    q = select(Turn).where(Turn.rep_id == rep.id, Turn.day == today)
    return {(t.team_id, t.kind): t.day_count for t in session.exec(q)}


def today_lines(team_id: str, member: Member, counts: Mapping[tuple[str, str], int]) -> list[str]:
    """Where a cap is set: "Leads today: 3 of 5"."""
    return [
        f"{many.capitalize()} today: {counts.get((team_id, kind), 0)} of {cap}"
        for cap, (kind, _, many) in _caps(member)
    ]
