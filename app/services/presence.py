"""Reading and changing a rep's presence; every change is stored as a status event."""

from datetime import datetime

from sqlmodel import Session

from app.domain import presence as p
from app.models import Rep, StatusEvent
from app.services.errors import Invalid

BY = ("rep", "manager", "integration", "timer")


class _ByWho:
    """`profile_id` not given: a rep's own change drops their chosen profile, others keep it."""


BY_WHO = _ByWho()


def stored(rep: Rep) -> p.Presence:
    """The domain value of what is stored on the rep row."""
    return p.Presence(
        status=p.Status(rep.status),
        note=rep.note,
        until=rep.until,
        then=p.Status(rep.then_status) if rep.then_status else None,
        locked=rep.locked_reason,
    )


def read(rep: Rep, now: datetime) -> p.EffectivePresence:
    """The rep's presence as routing sees it at `now` (timed expiry applied)."""
    return p.read(stored(rep), now)


def as_json(eff: p.EffectivePresence) -> dict[str, object]:
    """The API shape of a status (`GET /api/v1/reps/{id}/status`)."""
    return {
        "status": eff.status.value,
        "effective_status": eff.effective_status.value,
        "note": eff.note,
        "until": eff.until.isoformat() if eff.until else None,
        "then": eff.then.value if eff.then else None,
        "locked": eff.locked is not None,
        "lock_reason": eff.locked,
    }


def _store(
    session: Session,
    rep: Rep,
    new: p.Presence,
    now: datetime,
    by: str,
    by_rep: str | None,
    reason: str | None = None,
) -> None:
    """Write the new presence and an event when the effective status changes."""
    before = read(rep, now)
    _record_expiry(session, rep, before)
    rep.status, rep.note, rep.until = new.status.value, new.note, new.until
    rep.then_status = new.then.value if new.then else None
    rep.locked_reason = new.locked
    after = read(rep, now)
    if (before.effective_status, before.note) != (after.effective_status, after.note):
        rep.status_changed_at = now
        session.add(
            StatusEvent(
                company_id=rep.company_id,
                rep_id=rep.id,
                from_status=before.effective_status.value,
                to_status=after.effective_status.value,
                note=reason if reason is not None else after.note,
                by=by,
                by_rep_id=by_rep,
                at=now,
            )
        )
    session.add(rep)


def _record_expiry(session: Session, rep: Rep, before: p.EffectivePresence) -> None:
    """A timed status that ran out becomes a "timer" event at the instant it ended."""
    # Expiry is evaluated when read, so the moment it happened is written down at the next change.
    ended, was = before.expired_at, before.expired_from
    if ended is None or was is None or before.locked is not None or was == before.status:
        return
    rep.status_changed_at = ended
    session.add(
        StatusEvent(
            company_id=rep.company_id,
            rep_id=rep.id,
            from_status=was.value,
            to_status=before.status.value,
            by="timer",
            at=ended,
        )
    )


def change(
    session: Session,
    rep: Rep,
    *,
    status: object,
    now: datetime,
    note: object = None,
    until: datetime | None = None,
    then: object = None,
    by: str = "rep",
    by_rep: str | None = None,
    profile_id: str | None | _ByWho = BY_WHO,
    reason: str | None = None,
) -> p.EffectivePresence:
    """Set a rep's status (with note, until and then); bad input raises Invalid, changing nothing.

    `reason` (a manager's) is what the status event records instead of the note.
    """
    try:
        new = p.change(
            p.settle(stored(rep), now),
            p.parse_status(status),
            now,
            note=_text(note),
            until=until,
            then=None if then in (None, "") else p.parse_status(then, "then"),
        )
    except p.PresenceError as exc:
        raise Invalid(exc.field, exc.message) from exc
    if not isinstance(profile_id, _ByWho):
        rep.profile_id = profile_id
    elif by == "rep":
        rep.profile_id = None
    _store(session, rep, new, now, by, by_rep, reason)
    return read(rep, now)


def lock(session: Session, rep: Rep, reason: object, now: datetime) -> p.EffectivePresence:
    """An integration reports the rep is on a call: effectively Busy until unlocked."""
    try:
        new = p.lock(p.settle(stored(rep), now), _text(reason) or "")
    except p.PresenceError as exc:
        raise Invalid(exc.field, exc.message) from exc
    _store(session, rep, new, now, "integration", None)
    return read(rep, now)


def unlock(session: Session, rep: Rep, now: datetime) -> p.EffectivePresence:
    """The lock ends; the rep returns to the status they had chosen."""
    _store(session, rep, p.unlock(p.settle(stored(rep), now)), now, "integration", None)
    return read(rep, now)


def _text(value: object) -> str | None:
    """Form and JSON values as optional text."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("note", "Must be text.")
    return value
