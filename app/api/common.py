"""Shared pieces of the JSON API: bearer-token auth, scope checks, documented errors."""

from typing import Any

from litestar import Request, Response, delete, get, patch, post, put
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from sqlmodel import Session

from app.deps import reader
from app.models import ApiToken, Company
from app.services import accounts
from app.services.errors import Forbidden, NotFound

PROBLEM = "application/problem+json"


def bearer_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: refuse requests without a bearer token before anything else is parsed (so an
    anonymous caller always gets 401, never a hint about its parameters)."""
    if connection.url.path.endswith("/calendar.ics"):  # private feeds carry a key instead
        return
    scheme, _sep, secret = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthorizedException("Send Authorization: Bearer <token>.")


def provide_token(request: Request[Any, Any, Any]) -> ApiToken:
    """The live token sent as `Authorization: Bearer <token>` (and its company), else 401.

    It reads apart from the request's transaction, so on SQLite it runs while the request still
    waits for its writer turn instead of inside it.
    """
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthorizedException("Send Authorization: Bearer <token>.")
    with reader(request) as rs:
        token = accounts.token_for(rs, secret.strip())
        company = rs.get(Company, token.company_id) if token else None
    if token is None or company is None:
        raise NotAuthorizedException("Unknown or revoked token.")
    request.state.token_company = company
    return token


def provide_company(token: ApiToken, request: Request[Any, Any, Any], db: Session) -> Company:
    """The company the token belongs to, in the request's session: every query is scoped to it."""
    return db.merge(request.state.token_company, load=False)  # no query: the row read above


def require_admin(token: ApiToken, company: Company) -> ApiToken:
    """Refuse tokens without the admin scope."""
    if token.scope != "admin":
        raise Forbidden("This needs a token with the admin scope.")
    return token


def _problem(description: str) -> ResponseSpec:
    from app.api.schemas import Problem

    return ResponseSpec(data_container=Problem, description=description, media_type=PROBLEM)


ERRORS: dict[int, ResponseSpec] = {
    400: _problem("Malformed request"),
    401: _problem("No or bad credentials"),
    403: _problem("Not allowed for this token"),
    404: _problem("Not found (also for another company's objects)"),
    409: _problem("Conflict with the current state"),
    413: _problem("Body over 64 KB"),
    422: _problem("Invalid input; `field` names the bad field; nothing changed"),
    429: _problem("Throttled; see Retry-After"),
    503: _problem("Database unavailable; see Retry-After"),
}

AUTH = {
    "token": Provide(provide_token, sync_to_thread=True),
    "company": Provide(provide_company, sync_to_thread=False),
}
ADMIN = {"admin": Provide(require_admin, sync_to_thread=False)}
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]

_OPTS: dict[str, Any] = {"sync_to_thread": True, "responses": ERRORS, "security": SECURITY}


def api_get(path: str = "/", **kw: Any) -> Any:
    """A documented JSON GET handler run in a worker thread."""
    return get(path, **{**_OPTS, **kw})


def api_post(path: str = "/", **kw: Any) -> Any:
    """A documented JSON POST handler run in a worker thread."""
    return post(path, **{**_OPTS, **kw})


def api_put(path: str = "/", **kw: Any) -> Any:
    """A documented JSON PUT handler run in a worker thread."""
    return put(path, **{**_OPTS, **kw})


def api_patch(path: str = "/", **kw: Any) -> Any:
    """A documented JSON PATCH handler run in a worker thread."""
    return patch(path, **{**_OPTS, **kw})


def api_delete(path: str = "/", **kw: Any) -> Any:
    """A documented DELETE handler (204 unless told otherwise) run in a worker thread."""
    return delete(path, **{**_OPTS, "status_code": 204, **kw})


def feed_get(path: str, summary: str) -> Any:
    """A documented iCalendar GET handler: no token (the URL's private key), 404 for a bad key."""
    return get(
        path,
        sync_to_thread=True,
        summary=summary,
        tags=["calendar"],
        media_type="text/calendar",
        responses={404: ERRORS[404]},
    )


def ics_response(body: bytes, filename: str) -> Response[bytes]:
    """An iCalendar feed shown inline and kept out of shared caches."""
    disposition = f'inline; filename="{filename}"'
    headers = {"Content-Disposition": disposition, "Cache-Control": "private"}
    return Response(body, media_type="text/calendar", headers=headers)  # Litestar adds charset


def own(obj: Any, company: Company, what: str) -> Any:
    """`obj` when it belongs to `company`; another company's objects are simply not found."""
    if obj is None or getattr(obj, "company_id", None) != company.id:
        raise NotFound(f"No such {what}.")
    return obj
