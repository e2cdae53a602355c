"""The tables of the integrations: people's ids in other systems, webhooks out, HubSpot and
Twilio (re-exported by app.models, where every table can be imported from)."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.model_types import json_field, new_id, utc_field


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


class PushSubscription(SQLModel, table=True):
    """One device of a rep that turned on notifications (a Web Push subscription: the push
    service's endpoint and the browser's keys); removed when the push service says it is gone."""

    __tablename__ = "push_subscription"
    id: str = Field(default_factory=new_id, primary_key=True)
    company_id: str = Field(foreign_key="company.id")
    rep_id: str = Field(foreign_key="rep.id", index=True)
    endpoint: str = Field(max_length=2000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    created_at: datetime = utc_field()


class PushMessage(SQLModel, table=True):
    """One notification for one device (the push outbox): written in the transaction of the
    offer or assignment it announces, then sent by the background loop after commit."""

    __tablename__ = "push_message"
    __table_args__ = (Index("ix_push_message_due", "state", "next_at"),)
    seq: int | None = Field(default=None, primary_key=True)
    subscription_id: str = Field(foreign_key="push_subscription.id", index=True)
    company_id: str = Field(foreign_key="company.id")
    payload: str  # the JSON the service worker shows
    state: str = Field(default="pending", max_length=12)  # pending, sent, failed
    attempts: int = 0
    next_at: datetime | None = utc_field(default=None)
    claimed_until: datetime | None = utc_field(default=None)
    created_at: datetime = utc_field()
