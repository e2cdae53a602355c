"""One place that maps errors to HTTP: problem+json under /api, pages or redirects elsewhere."""

import re
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.db import Conflict, Unavailable
from app.services.errors import Forbidden, Invalid, NotFound, Refused, Throttled, WrongSecret
from app.web.common import is_htmx
from app.web.headers import security_headers

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Body too large",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Server error",
    503: "Service unavailable",
}


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """An RFC 9457 answer for the API, or an HTML page / sign-in redirect for browsers."""
    machine = request.url.path.startswith(("/api/", "/integrations/"))  # CRMs, phone systems
    if not machine and request.url.path != "/healthz":
        return _page(request, status, detail, headers)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
        body["errors"] = [{"field": field, "message": detail}]
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def _page(
    request: Request[Any, Any, Any], status: int, detail: str, headers: dict[str, str] | None
) -> Response[Any]:
    """Browsers: not signed in goes to sign-in; other errors get a plain page."""
    if status == 401:
        target = "/signin?next=" + quote(request.url.path)
        if is_htmx(request):
            return Response("", status_code=204, headers={"HX-Redirect": target})
        return Redirect(target)
    return Template(
        "error.html",
        context={"status": status, "detail": detail, "title": TITLES.get(status, "Error")},
        status_code=status,
        headers=headers,
        media_type=MediaType.HTML,
    )


def _invalid(request: Request[Any, Any, Any], exc: Invalid) -> Response[Any]:
    return problem(request, 422, exc.message, field=exc.field)


_MISSING = re.compile(r"(?:missing required|contains unknown) field `([^`]+)`")


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Body or parameter decoding errors: 422 naming the first bad field."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    first = extra[0] if extra and isinstance(extra[0], dict) else {}
    key = str(first.get("key") or "").removeprefix("$.") or None
    message = str(first.get("message") or exc.detail or "Invalid input.")
    if key and (missing := _MISSING.search(message)):  # the field itself, not its parent
        key = missing.group(1) if key == "data" else f"{key}.{missing.group(1)}"
    return problem(request, 422 if key else 400, message, field=key)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = exc.detail if exc.detail and exc.detail != TITLES.get(exc.status_code) else ""
    if exc.status_code == 413:
        detail = "The request body is larger than 64 KB."
    return problem(
        request,
        exc.status_code,
        detail or TITLES.get(exc.status_code, "Error"),
        headers=exc.headers,
    )


def _throttled(request: Request[Any, Any, Any], exc: Throttled) -> Response[Any]:
    return problem(request, 429, exc.message, headers={"Retry-After": str(exc.retry_after)})


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return problem(
        request,
        503,
        "The database is unavailable; try again shortly.",
        headers={"Retry-After": "5"},
    )


def _database(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A lost, refused or busy database answers 503 (also when it fails outside a transaction
    block, e.g. while a dependency reads the token); any other database error is a 500."""
    text = str(exc.orig).lower()
    if exc.connection_invalidated or "connect" in text or "database is locked" in text:
        return _unavailable(request, exc)
    return _server(request, exc)


def _server(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error", exc_info=exc)
    return problem(request, HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong on our side.")


def _secured(handler: Any) -> Any:
    """Exception answers skip the after-request hook, so they get the security headers here."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        return security_headers(request.app.state.settings)(handler(request, exc))

    return handle


_HANDLERS: Any = {
    Invalid: _invalid,
    ValidationException: _validation,
    NotAuthorizedException: lambda r, e: problem(r, 401, e.detail or "Sign in or send a token."),
    NotFound: lambda r, e: problem(r, 404, str(e) or "Not found."),
    Forbidden: lambda r, e: problem(r, 403, str(e) or "Not allowed."),
    Refused: lambda r, e: problem(r, 409, str(e)),
    Conflict: lambda r, e: problem(r, 409, "That conflicts with an existing record."),
    Unavailable: _unavailable,
    PoolTimeout: _unavailable,  # every pooled connection busy for pool_timeout seconds
    DBAPIError: _database,
    WrongSecret: lambda r, e: problem(r, e.status, e.message),
    Throttled: _throttled,
    HTTPException: _http,
    Exception: _server,
}

EXCEPTION_HANDLERS: Any = {kind: _secured(handle) for kind, handle in _HANDLERS.items()}
