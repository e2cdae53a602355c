"""The live board: every rep's status, hours, lock and place in line, with contradictions marked."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.domain import standing as st
from app.models import Company, Profile, Rep, TimeOff
from app.services import assigner, reps, roster, teams
from app.services import availability as avail
from app.services import presence as presence_service
from app.services.errors import Invalid
from app.services.profiles import as_domain
from app.views import phone
from app.views.log import TEAM_WORDS

LABELS = phone.LABELS
MAX_REASON = 200  # the status event's note column
ALERT_WORDS = {
    "holiday": "Available on a company holiday",
    "company_closed": "Available while the company is closed",
    "time_off": "Available but on time off",
    "outside_hours": "Available outside their hours",
}
SKIP_WORDS = {
    "not_taking_part": "not taking part",
    "company_closed": "company closed",
    "outside_hours": "outside hours",
    "time_off": "time off",
    "on_a_call": "on a call",
}


@dataclass(frozen=True)
class Line:
    """A rep's place in one team's line: for leads and for calls (1 = next), or why not."""

    team: str
    lead: int | None
    call: int | None
    why: str | None  # why the rep is not in line (team away, busy, outside hours, ...)

    @property
    def words(self) -> str:
        """The line in words, e.g. "Sales: next for leads, 3rd for calls"."""
        if self.lead is None or self.call is None:
            return f"{self.team}: not in line ({self.why})"
        if self.lead == self.call:
            return f"{self.team}: {_place(self.lead)} in line"
        return f"{self.team}: {_place(self.lead)} for leads, {_place(self.call)} for calls"


@dataclass(frozen=True)
class RepStanding:
    """One rep on the board: where they stand now (status, hours, place in each line)."""

    rep: Rep
    presence: p.EffectivePresence
    working: h.Working
    working_words: str
    since: datetime | None
    lines: tuple[Line, ...]
    profile: str | None
    alerts: tuple[str, ...]
    cautions: tuple[str, ...] = ()  # worth a glance, not an alarm (amber)

    @property
    def shown(self) -> str:
        """The status word teammates see ("On a call" while locked)."""
        return "On a call" if self.presence.locked else LABELS[self.presence.effective_status]


@dataclass(frozen=True)
class Board:
    """Every active rep of a company at one instant, and when that picture next changes."""

    rows: list[RepStanding]
    counts: dict[str, int]
    alerts: int
    tz: ZoneInfo
    now: datetime
    next_change: datetime | None


def build(
    session: Session,
    company: Company,
    now: datetime,
    *,
    busy_limit: timedelta,
    tz: ZoneInfo,
    only: Rep | None = None,
) -> Board:
    """The board at `now` (or just `only`'s row), times shown in `tz` (the viewer's zone)."""
    people = [only] if only is not None else reps.listing(session, company)
    cal = avail.company_calendar(session, company, now)
    offs = avail.time_off_rows(session, [x.id for x in people], now.date() - timedelta(days=2))
    chosen = _profiles(session, people)
    lines, team_changes = places_in_line(session, company, cal, now)
    reads = _Reads(cal, offs, chosen, lines, busy_limit, tz, now)
    rows, changes = [], list(team_changes)
    for rep in people:
        row, when = _standing(reads, rep)
        rows.append(row)
        changes += when
    return Board(
        rows, _counts(rows), sum(bool(x.alerts) for x in rows), tz, now, _first(changes, now)
    )


@dataclass(frozen=True)
class _Reads:
    """What the board reads once for everyone: the calendar, time off, profiles, lines."""

    cal: h.CompanyCalendar
    offs: Mapping[str, list[TimeOff]]
    profiles: Mapping[str, Profile]
    lines: Mapping[str, tuple[Line, ...]]
    busy_limit: timedelta
    tz: ZoneInfo
    now: datetime


def _standing(reads: _Reads, rep: Rep) -> tuple[RepStanding, list[datetime | None]]:
    """One rep's row, and the instants at which it changes by itself."""
    now = reads.now
    eff = presence_service.read(rep, now)
    working = h.working_at(reads.cal, avail.rep_calendar(rep, reads.offs[rep.id]), now)
    since = eff.expired_at or rep.status_changed_at
    profile = reads.profiles.get(rep.profile_id or "")
    alerts = contradictions(eff, working, since, now, reads.busy_limit, profile)
    words = working_words(working, reads.tz, now)
    name = profile.name if profile else None
    row = RepStanding(rep, eff, working, words, since, reads.lines.get(rep.id, ()), name, alerts)
    when = [eff.until, working.next_change, _busy_alert_at(eff, since, reads.busy_limit)]
    return replace(row, cautions=cautions(eff, working)), when


def change_by_manager(
    session: Session,
    company: Company,
    rep: Rep,
    manager: Rep,
    form: Mapping[str, str],
    now: datetime,
) -> p.EffectivePresence:
    """A manager sets a rep's status from the board; the status event records their reason."""
    reason = _reason(form.get("reason"))
    preset, custom = form.get("until", ""), form.get("custom_until", "")
    return presence_service.change(
        session,
        rep,
        status=form.get("status", ""),
        note=form.get("note"),
        until=phone.until_from_form(preset, custom, rep, company, session, now),
        now=now,
        by="manager",
        by_rep=manager.id,
        reason=reason,
    )


def _reason(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Invalid("reason", "Say why, e.g. “Stuck in the quarterly review”.")
    if len(text) > MAX_REASON:
        raise Invalid("reason", f"Keep the reason to {MAX_REASON} characters.")
    return text


def contradictions(
    eff: p.EffectivePresence,
    working: h.Working,
    since: datetime | None,
    now: datetime,
    busy_limit: timedelta,
    profile: Profile | None,
) -> tuple[str, ...]:
    """What a supervisor should look at: Available off hours, Busy too long, profile drift."""
    found = []
    if eff.effective_status is p.Status.AVAILABLE and not working.working:
        found.append(ALERT_WORDS.get(working.reason, "Available outside hours"))
    alert_at = _busy_alert_at(eff, since, busy_limit)
    if since is not None and alert_at is not None and now >= alert_at:
        found.append(f"{'On a call' if eff.locked else 'Busy'} for {duration(now - since)}")
    # A lock is the phone system speaking, not drift the supervisor has to chase.
    if (
        profile is not None
        and eff.locked is None
        and not p.profile_matches(eff, as_domain(profile))
    ):
        if profile.status != eff.status:
            found.append(f"Profile “{profile.name}” says {LABELS[profile.status]}")
        else:
            found.append(f"Note differs from profile “{profile.name}”")
    return tuple(found)


def cautions(eff: p.EffectivePresence, working: h.Working) -> tuple[str, ...]:
    """Worth a glance: a rep Offline during their own working hours (leads pass them by)."""
    if eff.effective_status is p.Status.OFFLINE and working.working:
        return ("Offline in their working hours",)
    return ()


def _busy_alert_at(
    eff: p.EffectivePresence, since: datetime | None, limit: timedelta
) -> datetime | None:
    if eff.effective_status is not p.Status.BUSY or since is None:
        return None
    return since + limit


def working_words(a: h.Working, tz: ZoneInfo, now: datetime) -> str:
    """Hours in words for the board: in hours, outside, time off, holiday."""
    nxt = phone.local(a.next_change, tz, now)
    if a.reason == "holiday":
        return f"Holiday: {a.detail}"
    if a.reason == "time_off":
        return f"Time off until {nxt}" if nxt else "Time off"
    if a.reason == "company_closed":
        return f"Company closed · opens {nxt}" if nxt else "Company closed"
    if a.reason == "outside_hours":
        return f"Outside their hours · back {nxt}" if nxt else "Outside their hours"
    return f"In hours until {nxt}" if nxt else "In hours"


def duration(d: timedelta) -> str:
    """A span in words: "45 min", "2 h", "2 h 5 min"."""
    minutes = int(d.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def places_in_line(
    session: Session, company: Company, cal: h.CompanyCalendar, now: datetime
) -> tuple[dict[str, tuple[Line, ...]], list[datetime | None]]:
    """Each rep's place per team and kind (the assigner's order), and when team states change."""
    found: dict[str, list[Line]] = {}
    changes: list[datetime | None] = []
    for team in teams.listing(session, company):
        look = roster.look(session, company, team, now, holidays=cal.holidays)
        changes += [st.next_boundary(look.rules, now)]
        changes += [team.override_until]
        routes = look.team_reason is None
        lead = assigner.line_up(session, look, r.Kind.LEAD) if routes else ()
        call = assigner.line_up(session, look, r.Kind.CALL) if routes else ()
        for standing in look.standing:
            rep_id = standing.member.rep_id
            why = _skip_words(standing.entry, look.team_reason)
            line = Line(team.name, _index(lead, rep_id), _index(call, rep_id), why)
            found.setdefault(rep_id, []).append(line)
    return {k: tuple(v) for k, v in found.items()}, changes


def _skip_words(e: r.TraceEntry, team_reason: str | None) -> str:
    if team_reason is not None:
        return TEAM_WORDS.get(team_reason, team_reason.replace("_", " ")).lower()
    reason = e.reason
    return SKIP_WORDS.get(reason, reason.replace("_", " "))


def _index(line: Sequence[str], rep_id: str) -> int | None:
    return line.index(rep_id) + 1 if rep_id in line else None


def _place(n: int) -> str:
    if n == 1:
        return "next"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _profiles(session: Session, people: Iterable[Rep]) -> dict[str, Profile]:
    """The chosen profile of each rep that has one (one query)."""
    ids = [x.profile_id for x in people if x.profile_id]
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(Profile).where(col(Profile.id).in_(ids)))}


def _counts(rows: Iterable[RepStanding]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for row in rows:
        counts[row.presence.effective_status.value] += 1
    return counts


def _first(instants: Iterable[datetime | None], now: datetime) -> datetime | None:
    return min((t for t in instants if t is not None and t > now), default=None)
