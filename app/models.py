"""Every table of OnDeck, in one place (API shapes live in app/api/schemas.py)."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A random, unguessable identifier for public objects."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always reads them back aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_field(**kw: Any) -> Any:
    """A column holding an aware instant."""
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]


def json_field(**kw: Any) -> Any:
    """A JSON column (hours, destinations, hook answers)."""
    return Field(sa_type=JSON, **kw)  # type: ignore[call-overload]


class Company(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=120)
    timezone: str = Field(default="America/New_York", max_length=64)
    hours: dict[str, Any] = json_field()
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdivision: str | None = Field(default=None, max_length=16)
    created_at: datetime = utc_field()


class Rep(SQLModel, table=True):
    """A person of a company: a rep or a manager; both can take leads."""

    __table_args__ = (Index("ix_rep_company_phone", "company_id", "phone"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    name: str = Field(max_length=120)
    email: str = Field(unique=True, max_length=254)
    phone: str | None = Field(default=None, max_length=16)
    timezone: str = Field(max_length=64)
    role: str = Field(default="rep", max_length=16)
    hours: dict[str, Any] | None = json_field(default=None)
    password_hash: str | None = None
    active: bool = True
    calendar_key_version: int = 1
    # sessions carry the version they began under; raising it ends every earlier session
    session_version: int = 1
    status: str = Field(default="offline", max_length=16)
    note: str | None = Field(default=None, max_length=140)
    until: datetime | None = utc_field(default=None)
    then_status: str | None = Field(default=None, max_length=16)
    locked_reason: str | None = Field(default=None, max_length=80)
    status_changed_at: datetime | None = utc_field(default=None)
    profile_id: str | None = Field(default=None, max_length=32)
    # ids in other systems ({"hubspot": "123", "pbx": "PJSIP/1001"}); unique per company and
    # system among active people through RepExternalId
    external_ids: dict[str, str] | None = json_field(default=None)
    created_at: datetime = utc_field()


class Invite(SQLModel, table=True):
    """A one-time link where a person sets their password; only its digest is stored."""

    digest: str = Field(primary_key=True, max_length=64)
    rep_id: str = Field(foreign_key="rep.id", index=True)
    expires_at: datetime = utc_field()
    used_at: datetime | None = utc_field(default=None)


class ApiToken(SQLModel, table=True):
    """A machine client's bearer token; only its SHA-256 digest is stored."""

    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    name: str = Field(max_length=80)
    scope: str = Field(max_length=16)
    digest: str = Field(unique=True, max_length=64)
    created_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(default=None)


class Holiday(SQLModel, table=True):
    """A custom company holiday (region holidays come from the `holidays` package)."""

    __table_args__ = (UniqueConstraint("company_id", "day"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    day: date
    name: str = Field(max_length=120)


class TimeOff(SQLModel, table=True):
    """Whole days (day..end_date) or part of one day (start..end minutes) in the rep's zone."""

    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    rep_id: str = Field(foreign_key="rep.id", index=True)
    day: date
    end_date: date | None = None
    start_min: int | None = None
    end_min: int | None = None
    created_at: datetime = utc_field()


class Team(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("company_id", "slug"),
        # the number callers key in on the presence line (2-6 digits; none is allowed many times)
        Index("ux_team_company_extension", "company_id", "extension", unique=True),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    slug: str = Field(max_length=40)
    name: str = Field(max_length=120)
    schedule: dict[str, Any] | None = json_field(default=None)
    dest_lunch: dict[str, Any] = json_field()
    dest_away: dict[str, Any] = json_field()
    dest_vacation: dict[str, Any] = json_field()
    ring: str = Field(default="sequence", max_length=16)
    pin_hash: str | None = None
    override_state: str | None = Field(default=None, max_length=16)
    override_until: datetime | None = utc_field(default=None)
    override_by: str | None = Field(default=None, max_length=120)  # who set it (shown to members)
    override_at: datetime | None = utc_field(default=None)
    calendar_key_version: int = 1
    extension: str | None = Field(default=None, max_length=6)
    created_at: datetime = utc_field()


class TeamMember(SQLModel, table=True):
    team_id: str = Field(foreign_key="team.id", primary_key=True)
    rep_id: str = Field(foreign_key="rep.id", primary_key=True, index=True)
    position: int
    taking_part: bool = True


class Rotation(SQLModel, table=True):
    """The turn counter of a team and kind; its row is the lock that makes turns atomic."""

    team_id: str = Field(foreign_key="team.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=8)
    seq: int = 0


class Turn(SQLModel, table=True):
    """When a rep last had a turn for a team and kind (the least-recently-assigned order)."""

    team_id: str = Field(foreign_key="team.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=8)
    rep_id: str = Field(foreign_key="rep.id", primary_key=True)
    last_seq: int
    last_at: datetime = utc_field()


class Assignment(SQLModel, table=True):
    """One answer of the hook, stored whole, with its idempotency key."""

    __table_args__ = (
        UniqueConstraint("company_id", "idempotency_key"),
        Index("ix_assignment_company_seq", "company_id", "seq"),
        Index("ix_assignment_company_team", "company_id", "team_slug", "kind", "seq"),
        Index("ix_assignment_company_assignee", "company_id", "assignee_id", "seq"),
    )
    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(default_factory=new_id, unique=True, max_length=32)
    company_id: str = Field(foreign_key="company.id")
    team_slug: str = Field(max_length=40)
    kind: str = Field(max_length=8)
    external_id: str | None = Field(default=None, max_length=255)
    assignee_id: str | None = Field(default=None, max_length=32)
    reason: str = Field(max_length=32)
    answer: dict[str, Any] = json_field()
    idempotency_key: str | None = Field(default=None, max_length=255)
    request_digest: str | None = Field(default=None, max_length=64)
    created_at: datetime = utc_field(index=True)


class StatusEvent(SQLModel, table=True):
    """Every status change: who, from, to, when, and by whom (rep, manager, integration)."""

    __table_args__ = (Index("ix_status_event_company_at", "company_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    company_id: str = Field(foreign_key="company.id")
    rep_id: str = Field(foreign_key="rep.id", index=True)
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=200)
    by: str = Field(max_length=16)
    by_rep_id: str | None = Field(default=None, max_length=32)
    at: datetime = utc_field()


class Profile(SQLModel, table=True):
    """A rep's named presence preset (status, note, duration, which teams they take part in)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    rep_id: str = Field(foreign_key="rep.id", index=True)
    name: str = Field(max_length=40)
    status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=140)
    minutes: int | None = None
    team_slugs: list[str] | None = json_field(default=None)
    position: int = 0


class Throttle(SQLModel, table=True):
    """Attempt counts for sign-in and team PIN throttling, shared by every worker through the
    database (app/services/security.py counts each attempt in one atomic statement)."""

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    window_start: datetime = utc_field()
    locked_until: datetime | None = utc_field(default=None)


class RepExternalId(SQLModel, table=True):
    """One active person's id in another system: the index that keeps each id unique per company
    and system and finds its person (Rep.external_ids is what the person reads back)."""

    __tablename__ = "rep_external_id"
    __table_args__ = (UniqueConstraint("company_id", "system", "value"),)
    rep_id: str = Field(foreign_key="rep.id", primary_key=True)
    system: str = Field(primary_key=True, max_length=32)
    company_id: str = Field(foreign_key="company.id")
    value: str = Field(max_length=64)


class WebhookEndpoint(SQLModel, table=True):
    """A company's receiver of events out (Standard Webhooks); its secret is kept encrypted."""

    __tablename__ = "webhook_endpoint"
    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id", index=True)
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=200)
    events: list[str] = json_field()
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=80)
    secret_enc: str = Field(max_length=400)  # Fernet token of the whsec_ secret
    created_at: datetime = utc_field()


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint (the outbox row): written in the transaction of the change it
    reports, then posted by the delivery loop until delivered or failed. `seq` orders an
    endpoint's events; `msg_id` is the webhook-id, the same on every attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "state", "next_at"),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "state", "seq"),
    )
    seq: int | None = Field(default=None, primary_key=True)
    endpoint_id: str = Field(foreign_key="webhook_endpoint.id")
    company_id: str = Field(foreign_key="company.id")
    msg_id: str = Field(max_length=40)
    type: str = Field(max_length=40)
    body: str  # the exact JSON posted, so every attempt signs the same bytes
    state: str = Field(default="pending", max_length=12)  # pending, delivered, failed
    attempts: int = 0
    next_at: datetime | None = utc_field(default=None)  # None: due at once
    claimed_until: datetime | None = utc_field(default=None)  # a worker is posting it
    last_code: int | None = None
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_field()
    done_at: datetime | None = utc_field(default=None)


class HubspotConfig(SQLModel, table=True):
    """A company's HubSpot connection: the app's client secret (encrypted) and where work goes."""

    __tablename__ = "hubspot_config"
    company_id: str = Field(foreign_key="company.id", primary_key=True)
    secret_enc: str = Field(max_length=400)
    team: str = Field(max_length=40)
    kind: str = Field(default="lead", max_length=8)
    updated_at: datetime = utc_field()


class HubspotReplay(SQLModel, table=True):
    """The first answer given to a HubSpot request, replayed for its retries (same object, team
    and kind within 3 days; the same callbackId)."""

    __tablename__ = "hubspot_replay"
    company_id: str = Field(foreign_key="company.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=200)
    answer: dict[str, Any] = json_field()
    created_at: datetime = utc_field(index=True)


class TwilioConfig(SQLModel, table=True):
    """A company's Twilio account: the auth token (Fernet-sealed, app/vault.py) signs every
    request Twilio sends; answer_seconds is how long each rep's phone rings."""

    __tablename__ = "twilio_config"
    company_id: str = Field(foreign_key="company.id", primary_key=True)
    account_sid: str = Field(max_length=34)
    auth_token_enc: str = Field(max_length=400)
    answer_seconds: int = 20
    updated_at: datetime = utc_field()


class CallLock(SQLModel, table=True):
    """The presence lock a Twilio call set on a rep ("On a call"), so that only that call's end
    releases it."""

    __tablename__ = "call_lock"
    rep_id: str = Field(foreign_key="rep.id", primary_key=True)
    company_id: str = Field(foreign_key="company.id")
    call_sid: str = Field(max_length=64)
    assignment_id: str | None = Field(default=None, max_length=32)
    at: datetime = utc_field()
