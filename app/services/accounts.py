"""Companies, people, invitations, sign-in and API tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import presence as p
from app.models import ApiToken, Company, Invite, Profile, Rep
from app.services import security
from app.services.checks import (
    check_email,
    check_hours,
    check_name,
    check_phone,
    check_phone_free,
    check_slug,
    check_timezone,
)
from app.services.errors import Invalid, NotFound, Refused, WrongSecret

ROLES = ("rep", "manager")
SCOPES = ("assign", "admin")
INVITE_DAYS = 7
MIN_PASSWORD = 10


def create_company(
    session: Session, *, slug: str, name: str, timezone: str, now: datetime
) -> Company:
    """A new company with default hours (Mon–Fri 09:00–17:00) and no holiday region."""
    check_slug(slug)
    if session.exec(select(Company).where(Company.slug == slug)).first():
        raise Invalid("slug", f"A company with slug '{slug}' already exists.")
    company = Company(
        slug=slug,
        name=check_name(name),
        timezone=check_timezone(timezone),
        hours=h.COMPANY_DEFAULT.to_json(),
        created_at=now,
    )
    session.add(company)
    session.flush()
    return company


def company_by_slug(session: Session, slug: str) -> Company:
    """The company with this slug."""
    company = session.exec(select(Company).where(Company.slug == slug)).first()
    if company is None:
        raise NotFound(f"No company '{slug}'.")
    return company


@dataclass(frozen=True)
class NewPerson:
    """A person just added, with the one-time secret for their invitation link."""

    rep: Rep
    invite_token: str


def add_person(
    session: Session,
    company: Company,
    *,
    name: object,
    email: object,
    now: datetime,
    phone: object = None,
    timezone: object = None,
    role: object = "rep",
    hours: object = None,
) -> NewPerson:
    """Add a rep or manager (Offline, company zone by default) and issue their invitation."""
    email_ok = check_email(email)
    if role not in ROLES:
        raise Invalid("role", "Role must be 'rep' or 'manager'.")
    rep = Rep(
        company_id=company.id,
        name=check_name(name),
        email=email_ok,
        phone=check_phone(phone),
        timezone=check_timezone(timezone or company.timezone),
        role=str(role),
        hours=None if hours is None else check_hours(hours).to_json(),
        created_at=now,
    )
    if session.exec(select(Rep).where(Rep.email == email_ok)).first():
        raise Invalid("email", "Someone with this email already has an account.")
    check_phone_free(session, company.id, rep.phone, None)
    session.add(rep)
    session.flush()
    _default_profiles(session, rep)
    return NewPerson(rep, issue_invite(session, rep, now))


def _default_profiles(session: Session, rep: Rep) -> None:
    """A new person's starting profiles (Working, In a meeting, Lunch, Gone home)."""
    for position, d in enumerate(p.DEFAULT_PROFILES):
        session.add(
            Profile(
                rep_id=rep.id,
                name=d.name,
                status=d.status.value,
                minutes=d.minutes,
                position=position,
            )
        )


def issue_invite(session: Session, rep: Rep, now: datetime) -> str:
    """A new one-time invitation secret for `rep`, valid 7 days; only its digest is stored."""
    token = security.new_secret()
    session.add(
        Invite(
            digest=security.digest(token),
            rep_id=rep.id,
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
    )
    return token


def invite_url(base_url: str, token: str) -> str:
    """The one-time link where an invited person sets their password."""
    return f"{base_url}/invite/{token}"


def reinvite(session: Session, rep: Rep, now: datetime) -> str:
    """A new invitation for someone who has not set a password yet; earlier links stop working."""
    if not rep.active:
        raise Refused(f"{rep.name} is deactivated.")
    if rep.password_hash is not None:
        raise Refused(f"{rep.name} has already set a password, so needs no invitation.")
    q = select(Invite).where(
        Invite.rep_id == rep.id, col(Invite.used_at).is_(None), col(Invite.expires_at) > now
    )
    for invite in session.exec(q):
        invite.expires_at = now
        session.add(invite)
    return issue_invite(session, rep, now)


def invite_for(session: Session, token: str, now: datetime) -> tuple[Invite, Rep]:
    """The open invitation behind `token`, or NotFound when unknown, used or expired."""
    invite = session.get(Invite, security.digest(token))
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise NotFound(
            "This invitation link is not valid any more. Ask your manager for a new one."
        )
    rep = session.get(Rep, invite.rep_id)
    if rep is None or not rep.active:
        raise NotFound("This invitation link is not valid any more.")
    return invite, rep


def accept_invite(session: Session, token: str, password: str, confirm: str, now: datetime) -> Rep:
    """Set the invitee's password and spend the invitation."""
    invite, rep = invite_for(session, token, now)
    if len(password) < MIN_PASSWORD:
        raise Invalid("password", f"Use at least {MIN_PASSWORD} characters.")
    if password != confirm:
        raise Invalid("confirm", "The two passwords differ.")
    rep.password_hash = security.hash_password(password)
    end_sessions(session, rep)
    invite.used_at = now
    session.add_all([rep, invite])
    return rep


def set_password(session: Session, rep: Rep, password: str) -> None:
    """Set a password directly (command line and demo); earlier sessions end."""
    rep.password_hash = security.hash_password(password)
    end_sessions(session, rep)


def end_sessions(session: Session, rep: Rep) -> None:
    """End every session of `rep` begun so far, in every browser: each carries the person's
    session version at sign-in, and only the current version is accepted."""
    rep.session_version += 1
    session.add(rep)


def session_data(rep: Rep) -> dict[str, str | int]:
    """What a new session of `rep` stores (read back by `session_rep_id`)."""
    return {"rep_id": rep.id, "company_id": rep.company_id, "v": rep.session_version}


def session_is_current(data: dict[str, object], rep: Rep) -> bool:
    """Whether a stored session still belongs to `rep` (its version was not ended since)."""
    return data.get("rep_id") == rep.id and data.get("v", 1) == rep.session_version


ACCOUNT_LIMIT = security.Limit(attempts=5)
ADDRESS_LIMIT = security.Limit(attempts=20)


def sign_in(session: Session, email: str, password: str, address: str, now: datetime) -> Rep:
    """The active person with these credentials; throttled per account and per address.

    Each attempt is counted before its password is checked, so at most 5 per account (20 per
    address) get a verdict in 15 minutes however many arrive at once.
    """
    email = email.strip().lower()
    account, origin = f"signin:email:{security.digest(email)}", f"signin:addr:{address}"
    security.claim_attempt(session, account, ACCOUNT_LIMIT, now)
    security.claim_attempt(session, origin, ADDRESS_LIMIT, now)
    rep = session.exec(select(Rep).where(Rep.email == email)).first()
    if rep is None or not rep.active or not security.verify_password(rep.password_hash, password):
        raise WrongSecret("That email and password do not match.")
    security.clear_failures(session, account)
    security.release_attempt(session, origin, ADDRESS_LIMIT)
    return rep


@dataclass(frozen=True)
class NewToken:
    """A token just created; `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


def create_token(
    session: Session, company: Company, name: str, scope: str, now: datetime
) -> NewToken:
    """A new bearer token for machine clients of `company`."""
    if scope not in SCOPES:
        raise Invalid("scope", "Scope must be 'assign' or 'admin'.")
    secret = "od_" + security.new_secret()
    token = ApiToken(
        company_id=company.id,
        name=check_name(name, limit=80),
        scope=scope,
        digest=security.digest(secret),
        created_at=now,
    )
    session.add(token)
    session.flush()
    return NewToken(token, secret)


def token_for(session: Session, secret: str) -> ApiToken | None:
    """The live token behind a presented secret (one indexed lookup by digest)."""
    q = select(ApiToken).where(ApiToken.digest == security.digest(secret))
    token = session.exec(q).first()
    return token if token is not None and token.revoked_at is None else None


def list_tokens(session: Session, company: Company) -> list[ApiToken]:
    """The company's tokens, newest first, revoked ones included."""
    q = select(ApiToken).where(ApiToken.company_id == company.id)
    return list(session.exec(q.order_by(ApiToken.created_at.desc())))  # type: ignore[attr-defined]


def revoke_token(session: Session, company: Company, token_id: str, now: datetime) -> None:
    """Revoke one of the company's tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.company_id != company.id:
        raise NotFound("No such token.")
    token.revoked_at = token.revoked_at or now
    session.add(token)
