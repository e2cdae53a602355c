"""A rep's status timeline for one day (the Team charts' third chart): `timeline` takes plain
values, `timeline_for` loads the rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import presence as p
from app.models import Rep, StatusEvent
from app.services import presence as presence_service

# --- A rep's status timeline for one day -------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A status change as the timeline needs it."""

    at: datetime
    status: str
    note: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Segment:
    """A stretch of one status."""

    start: datetime
    end: datetime
    status: str
    note: str | None
    by: str | None

    @property
    def minutes(self) -> int:
        """Its length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Timeline:
    """A day from `start` to `end` (local midnights in `zone`, held in UTC so that differences
    are real durations); segments stop at `stop` (now, for today)."""

    start: datetime
    end: datetime
    stop: datetime
    segments: tuple[Segment, ...]
    zone: tzinfo

    def at(self, t: datetime) -> float:
        """Where t falls in the day, from 0 to 1 (a DST day has 23 or 25 hours)."""
        return (t - self.start) / (self.end - self.start)

    def ticks(self, every: int = 3) -> list[tuple[float, str]]:
        """Axis marks every few local hours, as (position 0..1, label)."""
        day = self.start.astimezone(self.zone).date()
        marks = [
            (self.at(datetime.combine(day, time(x), tzinfo=self.zone)), f"{x:02d}")
            for x in range(0, 24, every)
        ]
        return [*marks, (1.0, "24")]

    def totals(self) -> dict[str, int]:
        """Minutes per status over the day so far."""
        out: dict[str, int] = {}
        for s in self.segments:
            out[s.status] = out.get(s.status, 0) + s.minutes
        return out


def timeline(
    initial: str, changes: Sequence[Change], start: datetime, end: datetime, stop: datetime
) -> Timeline:
    """Segments from `initial` at start through each change, until `stop` (at most `end`)."""
    # Aware datetimes sharing a zone subtract as wall clocks, so a DST day would come out 24 h.
    zone = start.tzinfo or UTC
    start, end, stop = start.astimezone(UTC), end.astimezone(UTC), stop.astimezone(UTC)
    stop = max(start, min(stop, end))
    segments, status, note, by, at = [], initial, None, None, start
    for c in sorted(changes, key=lambda c: c.at):
        when = c.at.astimezone(UTC)
        if not start <= when < stop:
            continue
        if when > at:
            segments.append(Segment(at, when, status, note, by))
        status, note, by, at = c.status, c.note, c.by, when
    if stop > at:
        segments.append(Segment(at, stop, status, note, by))
    return Timeline(start, end, stop, tuple(segments), zone)


def timeline_for(session: Session, rep: Rep, day: date, now: datetime) -> Timeline:
    """A rep's day (in their zone) from their status events, with a timer that ran out unstored."""
    tz = h.zone(rep.timezone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    before = _events(session, rep, until=start, last=True)
    events = _events(session, rep, since=start, until=end)
    changes = [Change(e.at, e.to_status, e.note, e.by) for e in events]
    if before:
        initial = before[0].to_status
    else:  # no earlier event: where the day's (or a later) first event started, else as it is
        first = events or _events(session, rep, since=end, first=True)
        now_status = presence_service.read(rep, now).effective_status.value
        initial = first[0].from_status if first else now_status
    pending = _pending_expiry(rep, now)
    if pending is not None and pending.at < start and (not before or pending.at > before[0].at):
        initial = pending.status
    elif pending is not None:
        changes.append(pending)
    return timeline(initial, changes, start, end, now)


def _events(
    session: Session,
    rep: Rep,
    since: datetime | None = None,
    until: datetime | None = None,
    first: bool = False,
    last: bool = False,
) -> list[StatusEvent]:
    """The rep's status events in [since, until) by time; `first`/`last` keep just that one."""
    q = select(StatusEvent).where(StatusEvent.rep_id == rep.id)
    if since is not None:
        q = q.where(col(StatusEvent.at) >= since)
    if until is not None:
        q = q.where(col(StatusEvent.at) < until)
    q = q.order_by(col(StatusEvent.at).desc() if last else col(StatusEvent.at))
    return list(session.exec(q.limit(1) if first or last else q))


def _pending_expiry(rep: Rep, now: datetime) -> Change | None:
    """A timed status that ran out but is not stored yet (expiry is evaluated when read)."""
    if rep.until is None or rep.until > now or rep.locked_reason is not None:
        return None
    then = rep.then_status or p.default_then(p.Status(rep.status)).value
    return Change(rep.until, then, None, "timer")
