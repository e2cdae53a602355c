"""Security headers on every response, and HEAD answered wherever GET is."""

from collections.abc import Callable
from typing import Any, cast

from litestar import Response
from litestar.types import Message, Scope, Send

from app.settings import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "media-src 'self' https://api.twilio.com; "  # voicemail recordings play from Twilio
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)


def security_headers(settings: Settings) -> Callable[[Response[Any]], Response[Any]]:
    """An after-request hook adding CSP, nosniff, referrer and framing headers."""

    def add(response: Response[Any]) -> Response[Any]:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if settings.production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return add


def head_as_get(scope: Scope, send: Send) -> tuple[Scope, Send]:
    """HEAD is answered wherever GET is (uptime monitors use it): the request goes on as a GET
    and its body is dropped. Event streams never end, so they keep refusing HEAD (405)."""
    if (
        scope["type"] != "http"
        or scope.get("method") != "HEAD"
        or scope["path"].endswith("/events")
    ):
        return scope, send

    async def headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send(message)

    return cast(Scope, {**scope, "method": "GET"}), headers_only
