"""HubSpot's request signatures and the shapes of its workflow requests. Pure: the caller passes
the secret, the request and the current time."""

import base64
import hashlib
import hmac
from typing import Any

MAX_AGE_MS = 5 * 60 * 1000  # v3: a request older than 5 minutes is refused
REPLAY_DAYS = 3  # HubSpot retries a failed "Send a webhook" for up to 3 days
# v3 signs the URI with these escapes decoded (HubSpot's request validation guide)
_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
    "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip


def v3_uri(uri: str) -> str:
    """The URI as v3 signs it: a few percent-escapes decoded."""
    for escaped, plain in _DECODED.items():
        uri = uri.replace(escaped, plain).replace(escaped.lower(), plain)
    return uri


def v3_signature(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """base64 HMAC-SHA256(secret, method + URI + body + timestamp)."""
    content = (method.upper() + v3_uri(uri)).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def v2_signature(secret: str, method: str, uri: str, body: bytes) -> str:
    """hex SHA-256(secret + method + URI + body) (custom workflow actions)."""
    return hashlib.sha256((secret + method.upper() + uri).encode() + body).hexdigest()


def v3_valid(
    secret: str, method: str, uri: str, body: bytes, timestamp: str, signature: str, now_ms: int
) -> bool:
    """Whether a v3-signed request is HubSpot's and at most 5 minutes old."""
    if not timestamp.isdigit() or len(timestamp) > 15:
        return False
    age = now_ms - int(timestamp)
    if age > MAX_AGE_MS or age < -MAX_AGE_MS:
        return False
    expected = v3_signature(secret, method, uri, body, timestamp)
    return hmac.compare_digest(expected.encode(), signature.encode())


def v2_valid(secret: str, method: str, uri: str, body: bytes, signature: str) -> bool:
    """Whether a v2-signed request is HubSpot's."""
    expected = v2_signature(secret, method, uri, body)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def object_id(record: Any) -> str | None:
    """The record's id as HubSpot sends it: `objectId`, `id`, or `properties.hs_object_id`."""
    if not isinstance(record, dict):
        return None
    props = record.get("properties")
    found = record.get("objectId", record.get("id"))
    if found is None and isinstance(props, dict):
        found = props.get("hs_object_id")
        found = found.get("value") if isinstance(found, dict) else found
    if isinstance(found, bool) or not isinstance(found, (int, str)):
        return None
    text = str(found).strip()
    return text if text.isdigit() and 0 < len(text) <= 30 else None
