"""Server-side sessions that get a new id at sign-in (Litestar would keep a chosen id)."""

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message

ROTATE = "ondeck.rotate_session"
NEW_ID = "ondeck.new_session_id"


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
