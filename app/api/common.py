"""Shared pieces of the JSON API: bearer-token auth, scope checks, documented errors."""

from datetime import datetime
from typing import Any

import anyio.to_thread
from litestar import Request, Response, delete, get, patch, post, put
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy import bindparam
from sqlalchemy import select as columns
from sqlmodel import Session, col

from app.clock import Clock
from app.db import transaction
from app.deps import open_unit
from app.domain import inputs
from app.models import ApiToken, Company
from app.services import accounts, prepared, security
from app.services.errors import Forbidden, NotFound

PROBLEM = "application/problem+json"
AT = Parameter(
    query="at",
    required=False,
    description="ISO 8601 instant with an offset, 1971–2099; default now",
    schema_extra={"format": "date-time"},
)


def instant(at: str | None, clock: Clock) -> datetime:
    """`?at=` when given (an ISO 8601 instant with an offset, 1971–2099), else now."""
    return clock.now() if at is None else inputs.instant(at, "at")


async def bearer_required(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: authenticate before anything else is read (parameters, body), so a caller without a
    live token always gets 401 and never a hint about its parameters.

    The token is read in a worker thread, apart from the request's transaction (on SQLite it
    runs while the request still waits for its writer turn instead of inside it)."""
    if connection.url.path.endswith("/calendar.ics"):  # private feeds carry a key instead
        return
    scheme, _sep, secret = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthorizedException("Send Authorization: Bearer <token>.")
    if connection.route_handler.opt.get(IN_TRANSACTION):
        await _token_in_unit(connection, secret.strip())
        return
    found = await anyio.to_thread.run_sync(_live_token, connection, secret.strip())
    if found is None:
        raise NotAuthorizedException("Unknown or revoked token.")
    connection.state.token, connection.state.token_company = found


def _live_token(
    connection: ASGIConnection[Any, Any, Any, Any], secret: str
) -> tuple[ApiToken, Company] | None:
    """The live token behind `secret` and its company, or None."""
    if len(secret) > 512 or not secret.isascii() or not secret.isprintable():
        return None  # no token looks like that: no query
    with transaction(connection.app.state.engine, write=False) as rs:
        token = accounts.token_for(rs, secret)
        company = rs.get(Company, token.company_id) if token else None
    return (token, company) if token is not None and company is not None else None


IN_TRANSACTION = "token_in_transaction"  # a handler's opt: check the token in its own unit
_TOKEN = (
    columns(col(ApiToken.company_id), col(ApiToken.revoked_at), col(Company.config_version))
    .join(Company, col(Company.id) == col(ApiToken.company_id))
    .where(col(ApiToken.digest) == bindparam("digest"))
)


async def _token_in_unit(connection: ASGIConnection[Any, Any, Any, Any], secret: str) -> None:
    """The hook's way: open the request's one unit of work (its writer turn) and check the token
    as its first statement; the handler finishes the same transaction (deps.Unit.finish)."""
    if len(secret) > 512 or not secret.isascii() or not secret.isprintable():
        raise NotAuthorizedException("Unknown or revoked token.")
    unit = await open_unit(connection)
    try:
        found = await anyio.to_thread.run_sync(_company_of_token, unit.session, secret)
        if found is None:
            raise NotAuthorizedException("Unknown or revoked token.")
    except BaseException as exc:
        await unit.end(exc)  # rolled back; an unreachable database becomes Unavailable (503)
        raise
    connection.state.token_company = found.company
    connection.state.token_version = found.version


def _company_of_token(session: Session, secret: str) -> prepared.PreparedCompany | None:
    """The company of the live token behind `secret`, prepared under the config version read
    with the token (one indexed read; the company's row only when its version moved)."""
    found = session.connection().execute(_TOKEN, {"digest": security.digest(secret)}).first()
    if found is None or found.revoked_at is not None:
        return None
    return prepared.company(session, found.company_id, found.config_version)


def provide_token(request: Request[Any, Any, Any]) -> ApiToken:
    """The token the guard found live for this request."""
    token: ApiToken = request.state.token
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
    "token": Provide(provide_token, sync_to_thread=False),
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
        responses={404: ERRORS[404], 422: ERRORS[422]},  # 422: a control character sent
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
