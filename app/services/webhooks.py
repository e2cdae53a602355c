"""Webhook endpoints of a company: add, change, disable, delete, send a test event, list recent
deliveries and resend one. The events themselves are written by the outbox (app/outbox.py)."""

import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from app import outbox, vault
from app.domain import webhooks as wh
from app.domain.inputs import text as check_text
from app.models import Company, WebhookDelivery, WebhookEndpoint
from app.services.errors import Invalid, NotFound

MAX_ENDPOINTS = 20
RECENT = 20


@dataclass(frozen=True)
class Policy:
    """Which receiver URLs this deployment accepts."""

    production: bool
    allow_private: bool
    secret_key: str


@dataclass(frozen=True)
class Created:
    """A new endpoint and its signing secret (shown this once)."""

    endpoint: WebhookEndpoint
    secret: str


def resolve(host: str, port: int) -> list[str]:
    """Every address a host name resolves to (none when it does not)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in found]


def check_url(url: object, policy: Policy, field: str = "url") -> str:
    """A receiver URL this deployment may post to (https in production; public addresses unless
    private ones are allowed)."""
    target = wh.parse_url(url if isinstance(url, str) else "", production=policy.production)
    if not policy.allow_private:
        wh.check_addresses(resolve(target.host, target.port), field)
    return target.url


def _description(value: object) -> str | None:
    """An optional one-line description of at most 200 characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise Invalid("description", "Use text of at most 200 characters.")
    return check_text(value.strip(), "description") or None


def create(
    session: Session, company: Company, data: dict[str, Any], policy: Policy, now: datetime
) -> Created:
    """Add an endpoint; its secret (`whsec_` + 32 random bytes) is answered once, kept sealed."""
    count = len(session.exec(select(WebhookEndpoint.id).where(_of(company))).all())
    if count >= MAX_ENDPOINTS:
        raise Invalid("url", f"A company has at most {MAX_ENDPOINTS} webhook endpoints.")
    secret = wh.new_secret(secrets.token_bytes(32))
    endpoint = WebhookEndpoint(
        company_id=company.id,
        url=check_url(data.get("url"), policy),
        events=wh.check_events(list(data.get("events") or [])),
        description=_description(data.get("description")),
        enabled=bool(data.get("enabled", True)),
        secret_enc=vault.seal(policy.secret_key, secret),
        created_at=now,
    )
    session.add(endpoint)
    session.flush()
    return Created(endpoint, secret)


def _of(company: Company) -> Any:
    return col(WebhookEndpoint.company_id) == company.id


def listing(session: Session, company: Company) -> list[WebhookEndpoint]:
    """The company's endpoints, oldest first."""
    q = select(WebhookEndpoint).where(_of(company)).order_by(col(WebhookEndpoint.created_at))
    return list(session.exec(q).all())


def get(session: Session, company: Company, endpoint_id: str) -> WebhookEndpoint:
    """One endpoint of the company (another company's is not found)."""
    found = session.get(WebhookEndpoint, endpoint_id)
    if found is None or found.company_id != company.id:
        raise NotFound("No such webhook endpoint.")
    return found


def update(
    session: Session, company: Company, endpoint_id: str, changes: dict[str, Any], policy: Policy
) -> WebhookEndpoint:
    """Change the URL, events, description or enabled flag (enabling clears why it was off)."""
    endpoint = get(session, company, endpoint_id)
    if "url" in changes:
        endpoint.url = check_url(changes["url"], policy)
    if "events" in changes:
        endpoint.events = wh.check_events(list(changes["events"] or []))
    if "description" in changes:
        endpoint.description = _description(changes["description"])
    if "enabled" in changes:
        endpoint.enabled = bool(changes["enabled"])
        endpoint.disabled_reason = None if endpoint.enabled else "Disabled by a manager"
    session.add(endpoint)
    return endpoint


def remove(session: Session, company: Company, endpoint_id: str) -> None:
    """Delete an endpoint and its deliveries (Zapier's unsubscribe)."""
    endpoint = get(session, company, endpoint_id)
    session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint.id))
    session.delete(endpoint)


def send_test(session: Session, company: Company, endpoint_id: str, now: datetime) -> None:
    """Queue a `webhook.test` event for this one endpoint (sent even if it does not subscribe)."""
    endpoint = get(session, company, endpoint_id)
    data = {"endpoint_id": endpoint.id, "message": "A test event from OnDeck."}
    outbox.write(session.connection(), company.id, "webhook.test", now, data,
                 endpoint_ids=[endpoint.id])  # fmt: skip


def deliveries(
    session: Session, company: Company, endpoint_id: str, limit: int = RECENT
) -> list[WebhookDelivery]:
    """The endpoint's most recent deliveries, newest first."""
    endpoint = get(session, company, endpoint_id)
    q = (
        select(WebhookDelivery)
        .where(col(WebhookDelivery.endpoint_id) == endpoint.id)
        .order_by(col(WebhookDelivery.seq).desc())
        .limit(limit)
    )
    return list(session.exec(q).all())


def resend(
    session: Session, company: Company, endpoint_id: str, seq: int, now: datetime
) -> WebhookDelivery:
    """Send a delivery again: a new attempt series with the same webhook-id and body, queued
    after the endpoint's other events."""
    old = session.get(WebhookDelivery, seq) if 0 < seq < 2**63 else None
    if old is None or old.company_id != company.id or old.endpoint_id != endpoint_id:
        raise NotFound("No such delivery.")
    again = WebhookDelivery(
        endpoint_id=old.endpoint_id, company_id=old.company_id, msg_id=old.msg_id,
        type=old.type, body=old.body, created_at=now,
    )  # fmt: skip
    session.add(again)
    session.flush()
    noted = session.info.setdefault(outbox.KEY, {})
    noted[outbox.WEBHOOKS] = True  # wakes the delivery loop
    noted.setdefault(outbox.ENDPOINTS, set()).add(again.endpoint_id)
    return again


def as_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The API shape of an endpoint (never its secret)."""
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": outbox.stamp(endpoint.created_at),
    }


def delivery_json(d: WebhookDelivery) -> dict[str, Any]:
    """The API shape of one delivery."""
    return {
        "id": d.seq,
        "webhook_id": d.msg_id,
        "type": d.type,
        "state": d.state,
        "attempts": d.attempts,
        "next_at": outbox.stamp(d.next_at) if d.next_at and d.state == "pending" else None,
        "last_code": d.last_code,
        "last_error": d.last_error,
        "created_at": outbox.stamp(d.created_at),
        "done_at": outbox.stamp(d.done_at) if d.done_at else None,
    }
