"""Sending the push outbox (app/push.py) from the delivery loop (app/delivery.py): one call a
round claims the due messages, encrypts each for its device (RFC 8291, aes128gcm, pywebpush's
WebPusher), signs a VAPID token (RFC 8292) with the app's key, posts them side by side with the
loop's httpx client (TTL: the time the notification is still worth something) and records the
answers: 2xx sent; 404/410 the device is gone (removed with its messages); anything else is
tried again a few times with backoff, then failed."""

import asyncio
import logging
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import httpx
from py_vapid import Vapid
from pywebpush import WebPusher

from app.domain import push as p
from app.services import push as outbox
from app.services.push import Outgoing

VAPID_HOURS = 12
logger = logging.getLogger("ondeck.push")


def public_key(private_key: str) -> str:
    """The application server key browsers subscribe with: the VAPID public key, raw and
    base64url (what `pushManager.subscribe({applicationServerKey})` takes)."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid.utils import b64urlencode

    raw = Vapid.from_string(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return str(b64urlencode(raw))


class Pusher:
    """The push step of one worker's delivery loop (`deliverer`: its clock, settings, client,
    transactions and writer turn)."""

    def __init__(self, deliverer: Any) -> None:
        self.d = deliverer

    @cached_property
    def vapid(self) -> Any:
        return Vapid.from_string(self.d.settings.vapid_private_key)

    async def round(self) -> int:
        """Send what is due; how many messages were claimed (0: nothing, or push is off)."""
        if not self.d.settings.vapid_private_key:
            return 0
        now = self.d.clock.now()
        try:
            if not await anyio.to_thread.run_sync(self.d._read, outbox.any_due, now):
                return 0
            claimed: list[Outgoing] = await self.d._write(outbox.claim, now)
        except Exception:  # noqa: BLE001 - database down: the loop's next round tries again
            logger.warning("push: cannot read the push outbox")
            return 0
        outcomes = await asyncio.gather(*(self._send(o, now) for o in claimed))
        try:
            await self.d._write(outbox.record_all, list(outcomes), self.d.clock.now())
        except Exception:  # noqa: BLE001 - the leases lapse and the messages are sent again
            logger.warning("push: cannot record %s attempts", len(outcomes))
        return len(claimed)

    async def _send(self, o: Outgoing, now: datetime) -> tuple[Outgoing, str]:
        """Post one message; its verdict (sent, gone, retry) or why it was not sent."""
        ttl = int((o.until - now).total_seconds())
        if ttl <= 0:
            return o, "expired"
        if not self.d.settings.private_webhooks and await self.d._private(o.endpoint):
            return o, "refused"  # the endpoint resolves to a private address
        try:
            body, headers = await anyio.to_thread.run_sync(self._encode, o, now, ttl)
            answer = await self.d.client.post(o.endpoint, content=body, headers=headers)
        except (httpx.HTTPError, ValueError) as exc:
            logger.info("push: %s: %s", urlsplit(o.endpoint).hostname, type(exc).__name__)
            return o, "retry"
        return o, p.verdict(answer.status_code)

    def _encode(self, o: Outgoing, now: datetime, ttl: int) -> tuple[bytes, dict[str, str]]:
        """The encrypted body and the headers (VAPID, TTL, encoding) for one message."""
        device = {"endpoint": o.endpoint, "keys": {"p256dh": o.p256dh, "auth": o.auth}}
        body = WebPusher(device).encode(o.payload.encode(), "aes128gcm")["body"]
        url = urlsplit(o.endpoint)
        claims = {"sub": self.d.settings.vapid_subject, "aud": f"{url.scheme}://{url.netloc}",
                  "exp": int(now.timestamp()) + VAPID_HOURS * 3600}  # fmt: skip
        headers = dict(self.vapid.sign(claims))
        headers |= {"TTL": str(ttl), "Content-Encoding": "aes128gcm", "Urgency": "high",
                    "Content-Type": "application/octet-stream"}  # fmt: skip
        return body, headers
