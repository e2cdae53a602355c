"""The Phone tab's status card as its templates read it: shared by the Phone tab and the
profiles panel (which answers the card beside the panel after a one-tap profile)."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.domain import presence as p
from app.models import Company, Rep
from app.views import phone


def phone_context(
    db: Session, company: Company, user: Rep, now: datetime, parts: frozenset[str]
) -> dict[str, Any]:
    """What the Phone tab's templates read: the view with `parts`, and the toggle's promise."""
    v = phone.view(db, company, user, now, parts)
    return {
        "v": v,
        "now": now,
        "cycle": p.CYCLE,
        "next_status": p.next_in_cycle(v.presence.status),
        "seen": shown(v.presence),
        "notice": None,
        "form": {},
        "errors": {},
    }


def shown(eff: p.EffectivePresence) -> str:
    """The status a screen shows, as its toggle sends it back ("busy", "busy:locked")."""
    return eff.effective_status.value + (":locked" if eff.locked else "")
