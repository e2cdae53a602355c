"""Presence: a rep's status, timed expiry, the presence lock and presence profiles."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

MAX_NOTE = 140
MAX_REASON = 80


class Status(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    OFFLINE = "offline"


# The order the Phone tab toggle steps through on each tap.
CYCLE: tuple[Status, ...] = (Status.AVAILABLE, Status.AWAY, Status.BUSY, Status.OFFLINE)
_BY_VALUE = {s.value: s for s in Status}


class PresenceError(ValueError):
    """A broken presence rule, naming the field a person has to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def next_in_cycle(s: Status) -> Status:
    """Return the status one tap of the toggle moves to from s."""
    return CYCLE[(CYCLE.index(s) + 1) % len(CYCLE)]


def default_then(s: Status) -> Status:
    """Return what a timed status becomes when its time is up, unless told otherwise."""
    # "Online for 8 hours" ends offline; "Busy until 3pm" or "Offline until Monday" end available.
    return Status.OFFLINE if s is Status.AVAILABLE else Status.AVAILABLE


def parse_status(value: object, field: str = "status") -> Status:
    """Turn a wire value such as "away" into a Status, or raise PresenceError naming field."""
    if isinstance(value, str) and value in _BY_VALUE:
        return _BY_VALUE[value]
    raise PresenceError(field, f"must be one of {', '.join(CYCLE)}")


@dataclass(frozen=True)
class Presence:
    """What is stored for a rep: the chosen status, its note and timer, and any lock."""

    status: Status = Status.OFFLINE
    note: str | None = None
    until: datetime | None = None
    then: Status | None = None
    locked: str | None = None


@dataclass(frozen=True)
class EffectivePresence:
    """What a rep's presence reads as at one instant, with timed expiry and the lock applied."""

    status: Status
    effective_status: Status
    note: str | None
    until: datetime | None
    then: Status | None
    locked: str | None
    expired_at: datetime | None
    expired_from: Status | None


def _has_expired(p: Presence, now: datetime) -> bool:
    return p.until is not None and now >= p.until


def _then_of(p: Presence) -> Status:
    # A stored timer always carries its then; the fallback only guards rows written by hand.
    return p.then if p.then is not None else default_then(p.status)


def settle(p: Presence, now: datetime) -> Presence:
    """Return the stored form of p, a timed status that ran out by now replaced by its then."""
    if not _has_expired(p, now):
        return p
    # The note described the status that ended ("until 4pm"), so it goes with it.
    return Presence(status=_then_of(p), locked=p.locked)


def read(p: Presence, now: datetime) -> EffectivePresence:
    """Return what p reads as at now: expiry evaluated here, so no background job is needed."""
    expired = _has_expired(p, now)
    s = settle(p, now)
    return EffectivePresence(
        status=s.status,
        effective_status=Status.BUSY if s.locked is not None else s.status,
        note=s.note,
        until=s.until,
        then=s.then,
        locked=s.locked,
        expired_at=p.until if expired else None,
        expired_from=p.status if expired else None,
    )


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise PresenceError("note", f"must be at most {MAX_NOTE} characters")
    return note or None


def _check_until(until: datetime | None, now: datetime) -> None:
    if until is None:
        return
    if until.tzinfo is None or until.utcoffset() is None:
        raise PresenceError("until", "must include a time zone offset")
    if until <= now:
        raise PresenceError("until", "must be in the future")


def _resolve_then(status: Status, until: datetime | None, then: Status | None) -> Status | None:
    if until is None:
        if then is not None:
            raise PresenceError("then", "only applies together with until")
        return None
    return then if then is not None else default_then(status)


def change(
    p: Presence,
    status: Status,
    now: datetime,
    note: str | None = None,
    until: datetime | None = None,
    then: Status | None = None,
) -> Presence:
    """Return p with a newly chosen status; a lock stays on and the choice applies when it ends."""
    _check_until(until, now)
    return Presence(
        status=status,
        note=_clean_note(note),
        until=until,
        then=_resolve_then(status, until, then),
        locked=p.locked,
    )


def lock(p: Presence, reason: str) -> Presence:
    """Return p locked as effectively busy for reason (e.g. "On a call"), keeping the choice."""
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise PresenceError("reason", f"must be 1 to {MAX_REASON} characters")
    return replace(p, locked=reason)


def unlock(p: Presence) -> Presence:
    """Return p without its lock, so it reads as exactly the status the rep chose."""
    return replace(p, locked=None)


@dataclass(frozen=True)
class Profile:
    """A named preset of status, note, duration and the teams the rep takes part in."""

    name: str
    status: Status
    note: str | None = None
    minutes: int | None = None
    teams: tuple[str, ...] | None = None  # None = every team the rep belongs to

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PresenceError("name", "must not be empty")
        _clean_note(self.note)
        if self.minutes is not None and self.minutes < 1:
            raise PresenceError("minutes", "must be at least 1")


DEFAULT_PROFILES: tuple[Profile, ...] = (
    Profile("Working", Status.AVAILABLE),
    Profile("In a meeting", Status.BUSY),
    Profile("Lunch", Status.AWAY, minutes=60),
    Profile("Gone home", Status.OFFLINE),
)


def apply_profile(p: Presence, profile: Profile, now: datetime) -> Presence:
    """Return p with the profile's status, note and timer chosen at now."""
    until = now + timedelta(minutes=profile.minutes) if profile.minutes is not None else None
    return change(p, profile.status, now, note=profile.note, until=until)


def profile_matches(p: EffectivePresence, profile: Profile) -> bool:
    """Tell whether the live state is still as profile set it, so the Phone tab can warn if not."""
    # A lock means an integration is overriding the rep, which the warning should surface.
    if p.locked is not None:
        return False
    return p.status == profile.status and p.note == _clean_note(profile.note)
