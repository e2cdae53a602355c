"""Events out (Standard Webhooks): event names, signatures, the retry schedule, what an answer
means, and which URLs may receive events. Pure: no clock, no network."""

import base64
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain.inputs import Invalid

EVENTS = (
    "assignment.created",
    "assignment.answered",
    "assignment.accepted",
    "assignment.expired",
    "rep.status_changed",
    "team.state_changed",
    "webhook.test",
)
SECRET_PREFIX = "whsec_"
# after the first attempt fails: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then failed
RETRY_AFTER = tuple(timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000))
MAX_URL = 2000


class Verdict(StrEnum):
    """What one delivery attempt's answer means."""

    DELIVERED = "delivered"
    RETRY = "retry"
    DISABLE = "disable"  # 410 Gone: the receiver asks never to be called again


def verdict(status_code: int | None) -> Verdict:
    """2xx is delivered, 410 disables the endpoint, anything else (or no answer) is retried."""
    if status_code is not None and 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code == 410:
        return Verdict.DISABLE
    return Verdict.RETRY


def next_try(attempts: int, last_at: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts, or None once the schedule is spent."""
    if attempts < 1 or attempts > len(RETRY_AFTER):
        return None
    return last_at + RETRY_AFTER[attempts - 1]


def new_secret(random32: bytes) -> str:
    """A signing secret from 32 random bytes: `whsec_` + base64."""
    if len(random32) != 32:
        raise ValueError("a signing secret takes 32 random bytes")
    return SECRET_PREFIX + base64.b64encode(random32).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret (its base64-decoded bytes)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: `v1,` + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one delivery attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def check_events(events: list[str], field: str = "events") -> list[str]:
    """The events an endpoint subscribes to: known names, at least one, no repeats."""
    if not events:
        raise Invalid(field, "Choose at least one event.")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise Invalid(field, f"Unknown event {unknown[0]!r}; use {', '.join(EVENTS)}.")
    return list(dict.fromkeys(events))


@dataclass(frozen=True)
class Target:
    """A receiver URL split for the checks: scheme, host and port."""

    url: str
    scheme: str
    host: str
    port: int


def parse_url(url: str, *, production: bool, field: str = "url") -> Target:
    """A receiver URL: absolute http(s) with a host; https only in production."""
    if not url or len(url) > MAX_URL or not url.isascii() or not url.isprintable() or " " in url:
        raise Invalid(field, f"Use an absolute https:// URL of at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid(field, "This is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(field, "Use an absolute https:// URL.")
    if production and parts.scheme != "https":
        raise Invalid(field, "Use https:// (plain http is refused in production).")
    default = 443 if parts.scheme == "https" else 80
    return Target(url, parts.scheme, parts.hostname, port or default)


def refused_address(address: str) -> bool:
    """Whether an address is loopback, private, link-local or otherwise not the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_addresses(addresses: list[str], field: str = "url") -> None:
    """Refuse a host that resolves to nothing, or to any non-public address."""
    if not addresses:
        raise Invalid(field, "This host name does not resolve.")
    if any(refused_address(a) for a in addresses):
        raise Invalid(field, "This URL resolves to a private, loopback or link-local address.")
