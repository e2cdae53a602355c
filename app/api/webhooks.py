"""Webhook endpoints (/webhooks, admin): events out, signed (Standard Webhooks). POST and DELETE
double as Zapier's REST-hook subscribe and unsubscribe."""

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller
from msgspec import UNSET, Meta, Struct, UnsetType
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_delete, api_get, api_patch, api_post
from app.clock import Clock
from app.models import Company
from app.services import webhooks
from app.settings import Settings

EventName = Literal[
    "assignment.created",
    "assignment.answered",
    "assignment.accepted",
    "assignment.expired",
    "rep.status_changed",
    "team.state_changed",
    "webhook.test",
]
Url = Annotated[
    str, Meta(min_length=1, max_length=2000, examples=["https://hooks.example.com/ondeck"])
]
Events = Annotated[list[EventName], Meta(min_length=1, max_length=7)]
Description = Annotated[str, Meta(max_length=200)]


class WebhookIn(Struct, kw_only=True, forbid_unknown_fields=True):
    url: Url
    events: Events
    description: Description | None = None
    enabled: bool = True


class WebhookPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    url: Url | UnsetType = UNSET
    events: Events | UnsetType = UNSET
    description: Description | None | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET


class WebhookOut(Struct, kw_only=True):
    id: str
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    created_at: str


class WebhookCreated(WebhookOut, kw_only=True):
    secret: Annotated[
        str, Meta(description="whsec_ + base64 of 32 bytes; shown this once", examples=["whsec_…"])
    ]


class DeliveryOut(Struct, kw_only=True):
    id: int
    webhook_id: str
    type: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_at: str | None
    last_code: int | None
    last_error: str | None
    created_at: str
    done_at: str | None


def _policy(settings: Settings) -> webhooks.Policy:
    return webhooks.Policy(settings.production, settings.private_webhooks, settings.secret_key)


def _sent(data: Struct) -> dict[str, Any]:
    """The fields a body actually sent."""
    found = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET}
    return msgspec.to_builtins(found)  # type: ignore[no-any-return]


def _out(endpoint: Any) -> WebhookOut:
    return msgspec.convert(webhooks.as_json(endpoint), WebhookOut)


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]
    dependencies = {**AUTH, **ADMIN}

    @api_get("/", summary="List webhook endpoints (admin)")
    def listing(self, company: Company, db: Session, admin: Any) -> list[WebhookOut]:
        """Every webhook endpoint of the company (never their secrets)."""
        return [_out(e) for e in webhooks.listing(db, company)]

    @api_post("/", status_code=201, summary="Add a webhook endpoint (admin; Zapier subscribe)")
    def create(
        self, company: Company, db: Session, clock: Clock, settings: Settings, data: WebhookIn,
        admin: Any,
    ) -> WebhookCreated:  # fmt: skip
        """Add an endpoint; the answer carries its signing secret, shown this once."""
        made = webhooks.create(db, company, _sent(data), _policy(settings), clock.now())
        return WebhookCreated(**msgspec.structs.asdict(_out(made.endpoint)), secret=made.secret)

    @api_get("/{webhook_id:str}", summary="One webhook endpoint (admin)")
    def read(self, company: Company, db: Session, webhook_id: str, admin: Any) -> WebhookOut:
        """One endpoint."""
        return _out(webhooks.get(db, company, webhook_id))

    @api_patch("/{webhook_id:str}", summary="Change a webhook endpoint (admin)")
    def change(
        self, company: Company, db: Session, settings: Settings, webhook_id: str,
        data: WebhookPatch, admin: Any,
    ) -> WebhookOut:  # fmt: skip
        """Change the URL, events, description, or enable/disable it."""
        found = webhooks.update(db, company, webhook_id, _sent(data), _policy(settings))
        return _out(found)

    @api_delete(
        "/{webhook_id:str}", summary="Delete a webhook endpoint (admin; Zapier unsubscribe)"
    )
    def remove(self, company: Company, db: Session, webhook_id: str, admin: Any) -> None:
        """Delete the endpoint and its pending deliveries."""
        webhooks.remove(db, company, webhook_id)

    @api_post("/{webhook_id:str}/test", status_code=202, summary="Send a test event (admin)")
    def test(
        self, company: Company, db: Session, clock: Clock, webhook_id: str, admin: Any
    ) -> None:
        """Queue a `webhook.test` event for this endpoint."""
        webhooks.send_test(db, company, webhook_id, clock.now())

    @api_get("/{webhook_id:str}/deliveries", summary="Recent deliveries (admin)")
    def deliveries(
        self, company: Company, db: Session, webhook_id: str, admin: Any
    ) -> list[DeliveryOut]:
        """The endpoint's last 20 deliveries, newest first: state, attempts, next try."""
        found = webhooks.deliveries(db, company, webhook_id)
        return [msgspec.convert(webhooks.delivery_json(d), DeliveryOut) for d in found]

    @api_post(
        "/{webhook_id:str}/deliveries/{delivery_id:int}/resend",
        status_code=202,
        summary="Resend a delivery (admin)",
    )
    def resend(
        self, company: Company, db: Session, clock: Clock, webhook_id: str, delivery_id: int,
        admin: Any,
    ) -> DeliveryOut:  # fmt: skip
        """Send the same event again (same webhook-id), after the endpoint's queued events."""
        again = webhooks.resend(db, company, webhook_id, delivery_id, clock.now())
        return msgspec.convert(webhooks.delivery_json(again), DeliveryOut)
