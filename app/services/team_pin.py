"""A team's PIN: an assign token overrides the team's state with it (X-Team-Pin, or the presence
line's keypad); hashed with Argon2id, five wrong ones lock it for a while."""

import re
from datetime import datetime, timedelta

from sqlmodel import Session

from app.models import Team
from app.services import security
from app.services.errors import Forbidden, Invalid, Throttled, WrongSecret

PIN = re.compile(r"[0-9]{4,8}")
PIN_LIMIT = security.Limit(attempts=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))


def authorize_override(
    session: Session, team: Team, *, scope: str, pin: str | None, now: datetime
) -> None:
    """An admin token may override; an assign token needs the team's PIN in X-Team-Pin."""
    if scope == "admin":
        return
    if pin is None:
        raise Forbidden("Send the team's PIN in the X-Team-Pin header, or use an admin token.")
    check_pin(session, team, pin, now)


def check_pin(session: Session, team: Team, pin: str, now: datetime) -> None:
    """Accept the team's PIN; five wrong ones within 15 minutes lock it for 15 minutes.

    The attempt is counted before the PIN is checked, in one atomic statement, so however many
    arrive at once at most five get a verdict (security.claim_attempt).
    """
    key = pin_key(team)
    if team.pin_hash is None:
        raise Forbidden("This team has no PIN; use an admin token.")
    try:
        number = security.claim_attempt(session, key, PIN_LIMIT, now)
    except Throttled as exc:
        raise _locked(exc.retry_after) from None
    if security.verify_password(team.pin_hash, pin):
        security.clear_failures(session, key)
        return
    if number >= PIN_LIMIT.attempts:
        raise _locked(security.locked_for(session, key, now))
    raise WrongSecret("Wrong PIN for this team.", status=403)


def pin_key(team: Team) -> str:
    """The throttle key of a team's PIN."""
    return f"pin:team:{team.id}"


def hash_pin(pin: object) -> str | None:
    """The Argon2id hash of a 4–8 digit PIN; None removes the PIN."""
    if pin is None:
        return None
    if not isinstance(pin, str) or not PIN.fullmatch(pin):
        raise Invalid("pin", "Use 4 to 8 digits.")
    return security.hash_password(pin)


def _locked(wait: int) -> Throttled:
    """The 429 for a locked PIN, with the seconds until it opens again."""
    return Throttled("Too many wrong PINs: this team's PIN is locked for now.", wait)
