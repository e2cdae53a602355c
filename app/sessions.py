"""Server-side sessions that get a new id at sign-in (Litestar would keep a chosen id)."""

from dataclasses import dataclass
from secrets import compare_digest
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message

ROTATE = "ondeck.rotate_session"
NEW_ID = "ondeck.new_session_id"
CSRF = "csrf"  # the session's own CSRF token
SAFE = {"GET", "HEAD", "OPTIONS"}


def start_session(connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any]) -> Cookie:
    """Sign in: a new session id, and a new CSRF token kept in the session; answers the CSRF
    cookie to set on the response. Litestar checks that a form's or header's token matches the
    cookie (double submit); `csrf_is_bound` also checks the cookie is this session's, so a token
    planted by another site or a sibling subdomain (cookie tossing) is refused."""
    config = connection.app.csrf_config
    assert config is not None
    token = generate_csrf_token(config.secret)
    rotate_session(connection)
    connection.set_session({**data, CSRF: token})
    return Cookie(
        key=config.cookie_name,
        value=token,
        path=config.cookie_path,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
        domain=config.cookie_domain,
    )


def csrf_is_bound(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether a signed-in request's CSRF cookie is the one its session was given (unsafe
    methods; the middleware has already matched the submitted token to the cookie). A session
    without a token (begun before tokens were bound) is not accepted: sign in again."""
    kept = str((connection.session or {}).get(CSRF) or "")
    if not kept:
        return False
    if connection.scope.get("method") in SAFE:
        return True
    config = connection.app.csrf_config
    cookie = connection.cookies.get(config.cookie_name if config else "csrftoken") or ""
    return compare_digest(cookie.encode(), kept.encode())


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Ask for a fresh session id when this response stores the session (call at sign-in)."""
    connection.scope[ROTATE] = True  # type: ignore[literal-required]


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a new random id, and drops the old session, when a handler asked for rotation."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        scope: Any = connection.scope
        if scope.get(ROTATE):
            if NEW_ID not in scope:
                scope[NEW_ID] = self.generate_session_id()
            return str(scope[NEW_ID])
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: Any, message: Message, connection: Any) -> None:
        scope: Any = connection.scope
        old = connection.cookies.get(self.config.key)
        if not old and not scope_session:
            return  # an anonymous visit stores nothing (a file per hit would fill the disk)
        if scope.get(ROTATE) and old:
            await self.delete(old, store=self.config.get_store_from_app(scope["app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using the rotating backend."""

    _backend_class = RotatingSessionBackend  # type: ignore[assignment]
