"""Services mark which companies' live state changed; the request publishes after commit."""

from sqlmodel import Session

KEY = "ondeck.changed_companies"


def mark_changed(session: Session, company_id: str) -> None:
    """Note that a company's board must refresh once this transaction commits."""
    session.info.setdefault(KEY, set()).add(company_id)


def changed_companies(session: Session) -> set[str]:
    """The companies marked changed in this session (cleared as they are read)."""
    return set(session.info.pop(KEY, set()))
