"""Security headers on every response."""

from collections.abc import Callable
from typing import Any

from litestar import Response

from app.settings import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
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
