"""The decision log as its screen shows it: filters, a page of entries newest first, grouped
under their company-local day, and what the filters offer."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import inputs
from app.models import Assignment, Company
from app.services import reps, teams
from app.services.errors import Invalid
from app.views import log as assignment_log
from app.views.team import REASON_WORDS, who_of, words

KIND_LABELS = {"lead": "Lead", "call": "Call"}
LOG_PAGE = 25


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to (empty strings: everything)."""

    team: str = ""
    kind: str = ""
    rep: str = ""
    day: str = ""

    def query(self, offset: int | None = None) -> dict[str, str]:
        """The filters as query parameters, for links that keep them."""
        found = {k: v for k, v in vars(self).items() if v}
        return found if offset is None or offset <= 0 else {**found, "offset": str(offset)}

    def checked(self) -> date | None:
        """Check kind and day; answers the day, or Invalid naming the field."""
        if self.kind and self.kind not in KIND_LABELS:
            raise Invalid("kind", "Pick leads, calls or both.")
        if not self.day:
            return None
        return inputs.day(self.day, "day")


@dataclass(frozen=True)
class Entry:
    """One answer of the log as the screen shows it."""

    id: str
    at: datetime
    team: str
    kind: str
    external_id: str | None
    who: str
    reason: str
    said: str
    answer: dict[str, Any]

    @property
    def clock(self) -> str:
        """The time of day, e.g. "14:05"."""
        return self.at.strftime("%H:%M")


def entry(answer: dict[str, Any], tz: ZoneInfo) -> Entry:
    """A stored answer ready to show, its time in the company zone."""
    at = datetime.fromisoformat(answer["created_at"]).astimezone(tz)
    return Entry(
        answer["id"],
        at,
        answer["team"],
        answer["kind"],
        answer.get("external_id"),
        who_of(answer),
        REASON_WORDS.get(answer["reason"], words(answer["reason"])),
        assignment_log.describe(answer),
        answer,
    )


def newest_first(
    session: Session, company: Company, f: LogFilters, offset: int, limit: int = LOG_PAGE
) -> tuple[list[Entry], bool]:
    """A page of the log, newest first (the API pages oldest first), and whether more follow."""
    day = f.checked()
    if offset < 0:
        raise Invalid("offset", "Use an offset of 0 or more.")
    tz = h.zone(company.timezone)
    q = select(Assignment.answer).where(Assignment.company_id == company.id)
    if f.team:
        q = q.where(Assignment.team_slug == f.team)
    if f.kind:
        q = q.where(Assignment.kind == f.kind)
    if f.rep:
        q = q.where(Assignment.assignee_id == f.rep)
    if day is not None:
        start = datetime.combine(day, time(0), tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        q = q.where(col(Assignment.created_at) >= start, col(Assignment.created_at) < end)
    q = q.order_by(col(Assignment.seq).desc()).offset(offset).limit(limit + 1)
    found = list(session.exec(q))
    return [entry(dict(a), tz) for a in found[:limit]], len(found) > limit


def by_day(entries: list[Entry], today: date) -> list[tuple[str, list[Entry]]]:
    """Entries grouped under their company-local day: "Today", "Yesterday", "Fri 6 Mar"."""
    groups: list[tuple[str, list[Entry]]] = []
    for e in entries:
        d = e.at.date()
        label = _day_label(d, today)
        if groups and groups[-1][0] == label:
            groups[-1][1].append(e)
        else:
            groups.append((label, [e]))
    return groups


def _day_label(d: date, today: date) -> str:
    """A day heading of the log."""
    if d == today:
        return "Today"
    if d == today - timedelta(days=1):
        return "Yesterday"
    return d.strftime("%a %-d %b %Y" if d.year != today.year else "%a %-d %b")


def log_choices(session: Session, company: Company) -> dict[str, Any]:
    """What the log's filters offer, and team names by slug for its entries."""
    found = teams.listing(session, company)
    return {
        "team_names": {t.slug: t.name for t in found},
        "team_options": [(t.slug, t.name) for t in found],
        "people": [(rep.id, rep.name) for rep in reps.listing(session, company)],
    }
