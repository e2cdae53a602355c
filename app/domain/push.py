"""Web Push rules: what a browser's subscription must look like, what a notification says, how
long it is worth delivering, and when a failed attempt is tried again."""

import base64
import binascii
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from app.domain.inputs import Invalid

MAX_ENDPOINT = 2000
P256_POINT = 65  # an uncompressed P-256 public key: 0x04, x, y
AUTH_SECRET = 16
MAX_ATTEMPTS = 4
LEAD_TTL = timedelta(hours=1)
CALL_TTL = timedelta(seconds=60)
_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def check_endpoint(url: object) -> str:
    """The push service's URL: absolute https, printable ASCII, at most 2000 characters."""
    if not isinstance(url, str) or not url or len(url) > MAX_ENDPOINT:
        raise Invalid("endpoint", f"Give the push service's https:// URL (≤ {MAX_ENDPOINT}).")
    if not url.isascii() or not url.isprintable() or " " in url:
        raise Invalid("endpoint", "The endpoint holds characters a URL cannot have.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises
    except ValueError:
        raise Invalid("endpoint", "The endpoint is not a valid URL.") from None
    if parts.scheme != "https" or not parts.hostname:
        raise Invalid("endpoint", "The endpoint must be an absolute https:// URL.")
    return url


def check_key(value: object, field: str, size: int) -> bytes:
    """A base64url key of exactly `size` bytes once decoded."""
    if not isinstance(value, str) or not _B64URL.fullmatch(value) or len(value) > 200:
        raise Invalid(field, "Expected a base64url key.")
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(field, "Expected a base64url key.") from None
    if len(raw) != size or (size == P256_POINT and raw[0] != 4):
        raise Invalid(field, f"Expected a key of {size} bytes.")
    return raw


def check_subscription(data: object) -> tuple[str, str, str]:
    """A browser's PushSubscription JSON: (endpoint, p256dh, auth), each checked."""
    if not isinstance(data, dict):
        raise Invalid("endpoint", "Send the subscription as a JSON object.")
    endpoint = check_endpoint(data.get("endpoint"))
    keys = data.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    check_key(keys.get("p256dh"), "keys.p256dh", P256_POINT)
    check_key(keys.get("auth"), "keys.auth", AUTH_SECRET)
    return endpoint, keys["p256dh"], keys["auth"]


def announcement(
    kind: str, team: str, external_id: str | None, offer_seconds: int | None
) -> tuple[str, str]:
    """A notification's title and body for new work (an offer says how long it waits)."""
    what = " ".join(x for x in (team, external_id) if x)
    if offer_seconds is not None:
        noun = "Call" if kind == "call" else "Lead"
        return f"{noun} offered to you — accept within {offer_seconds} s", what
    if kind == "call":
        return "Incoming call", what
    return f"New lead for you: {what}", what


def worth_until(kind: str, at: datetime, offer_until: datetime | None) -> datetime:
    """After this instant nobody needs the notification: the offer's end, else an hour for a
    lead and a minute for a call."""
    if offer_until is not None:
        return offer_until
    return at + (CALL_TTL if kind == "call" else LEAD_TTL)


def next_try(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries (10 s, 20 s, 40 s), or None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=10 * 2 ** (attempts - 1))


def verdict(code: int | None) -> str:
    """What a push service's answer means: "sent", "gone" (404/410: the subscription is dead),
    or "retry"."""
    if code is not None and 200 <= code < 300:
        return "sent"
    if code in (404, 410):
        return "gone"
    return "retry"
