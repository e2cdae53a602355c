"""The company's config version: raised in the same transaction by every write to what the hook
prepares once (app/services/prepared.py), so a prepared copy is reused only while it is current.

Nothing here is called by a service. SQLAlchemy's after_flush event sees every row the unit of
work writes; a row of the routing inputs (the company, its holidays, teams, members, time off,
webhook endpoints, and a rep's details but not their presence) raises `company.config_version`
once per flush and company. The hook reads the version in its own transaction, so it is never
stale by one request, across any number of workers and machines. Presence, turns and answers
change all the time and are never prepared; writing them raises nothing.
"""

from typing import Any

from sqlalchemy import bindparam, event, update
from sqlalchemy.orm import Session

from app.feed import changed_attrs, company_of
from app.models import Company, Holiday, Rep, Team, TeamMember, TimeOff, WebhookEndpoint

# per kind of row, the attributes whose change leaves what the hook prepares as it was: a rep's
# presence (read fresh), credentials and calendar links (never read by it), the version itself
_UNPREPARED: dict[type, set[str]] = {
    Company: {"config_version"},
    Holiday: set(),
    Team: set(),
    TeamMember: set(),
    TimeOff: set(),
    WebhookEndpoint: {"url", "description", "disabled_reason", "secret_enc"},
    Rep: {
        "status", "note", "until", "then_status", "locked_reason", "status_changed_at",
        "profile_id", "password_hash", "session_version", "calendar_key_version",
    },
}  # fmt: skip

RAISED = "ondeck.raised"  # session.info: the companies whose version this transaction raised
_RAISE = (
    update(Company)
    .where(Company.id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .values(config_version=Company.config_version + 1)
)


def _prepared_input(obj: Any, whole: bool) -> bool:
    """Whether writing this row changes what the hook prepares."""
    unprepared = _UNPREPARED.get(type(obj))
    if unprepared is None:
        return False
    return whole or bool(changed_attrs(obj) - unprepared)


@event.listens_for(Session, "after_flush")
def _raise(session: Session, _context: Any) -> None:
    """Raise the version of every company whose prepared inputs this flush wrote."""
    ids: set[str] = set()
    for rows, whole in ((session.new, True), (session.dirty, False), (session.deleted, True)):
        for obj in rows:
            if _prepared_input(obj, whole) and (company_id := company_of(session, obj)):
                ids.add(company_id)
    if ids:
        session.connection().execute(_RAISE, {"ids": sorted(ids)})
        session.info.setdefault(RAISED, set()).update(ids)


def raised_here(session: Session, company_id: str) -> bool:
    """Whether this session's open transaction raised the company's version: what it reads of
    the company may yet be rolled back, so it must not be prepared for others."""
    return company_id in session.info.get(RAISED, ())


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    """A transaction that ended (committed or not) raised nothing for the next one."""
    if transaction.parent is None:
        session.info.pop(RAISED, None)
