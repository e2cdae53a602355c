"""Every table of OnDeck, importable from here (API shapes live in app/api/schemas.py); the
integrations' tables are defined in app/integration_models.py, the column types in
app/model_types.py."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.integration_models import (
    CallLock,
    HubspotConfig,
    HubspotReplay,
    PushMessage,
    PushSubscription,
    RepExternalId,
    TwilioConfig,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.model_types import UTCDateTime, json_field, new_id, utc_field

__all__ = [
    "CallLock", "HubspotConfig", "HubspotReplay", "PushMessage", "PushSubscription",
    "RepExternalId", "TwilioConfig", "WebhookDelivery", "WebhookEndpoint", "UTCDateTime",
    "json_field", "new_id", "utc_field",
]  # fmt: skip


class Company(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=120)
    timezone: str = Field(default="America/New_York", max_length=64)
    hours: dict[str, Any] = json_field()
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdivision: str | None = Field(default=None, max_length=16)
    created_at: datetime = utc_field()
    # raised by every write to what routing prepares once (app/config_version.py): the hook's
    # prepared teams are reused until it moves
    config_version: int = 0


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
    offer_seconds: int | None = None  # leads are offered for this long (10-600 s); None: off
    created_at: datetime = utc_field()


class TeamMember(SQLModel, table=True):
    team_id: str = Field(foreign_key="team.id", primary_key=True)
    rep_id: str = Field(foreign_key="rep.id", primary_key=True, index=True)
    position: int
    taking_part: bool = True
    weight: int = 1  # 1-10: a share of the turns proportional to it (stride scheduling)
    cap_lead: int | None = None  # at most this many leads a day (company's day); None: no cap
    cap_call: int | None = None


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
    # stride scheduling, in units of 1/2520 of a turn (2520 = lcm 1..10, so 1/weight is exact):
    # the rep's pass after this turn, and the pass the turn was taken at (the team's virtual time)
    pass_value: int = Field(default=0, sa_type=BigInteger)
    pass_from: int = Field(default=0, sa_type=BigInteger)
    day: str | None = Field(default=None, max_length=10)  # the company's date of the last turn
    day_count: int = 0  # turns on that date (the daily cap)


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
    offer_state: str | None = Field(default=None, max_length=12)  # pending, accepted, expired
    offer_expires_at: datetime | None = utc_field(default=None, index=True)


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
