"""create_app(settings): plugins, routes, templates, static files and error mapping."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig
from sqlalchemy import text

from app import STATIC, TEMPLATES, delivery, live, openapi30
from app.api.common import bearer_required
from app.api.hubspot import HUBSPOT_ROUTES
from app.clock import Clock
from app.db import make_engine, transaction
from app.deps import SLOTS, end_abandoned_units, open_gates, provide_db
from app.errors import EXCEPTION_HANDLERS
from app.screen import screen
from app.sessions import RotatingSessionConfig
from app.settings import Settings
from app.web import words
from app.web.headers import head_as_get, security_headers

API_VERSION = "1.0.0"
# machine clients and static files: no browser session, no CSRF cookie
MACHINE_PATHS = ["/api/", "/healthz", "/schema", "/static/", "^/integrations/"]


def _session_store(settings: Settings) -> Store:
    """Sessions live in Redis when configured, else in files every local worker shares."""
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace="ondeck-sessions")
    return FileStore(Path(settings.session_dir))


@get("/healthz", sync_to_thread=True, tags=["health"], summary="Liveness and database check")
def healthz(state: State) -> dict[str, str]:
    """Answer ok once the database is reachable."""
    with transaction(state.engine, write=False) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}


@get(
    "/schema/openapi-3.0.json",
    sync_to_thread=False,
    include_in_schema=False,
    media_type="application/vnd.oai.openapi+json",
)
def openapi_30(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The same API as an OpenAPI 3.0.3 document (Salesforce External Services imports 3.0)."""
    app = request.app
    if getattr(app.state, "openapi_30", None) is None:
        app.state.openapi_30 = openapi30.convert(app.openapi_schema.to_schema())
    found: dict[str, Any] = app.state.openapi_30
    return found


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    """Build the application; nothing here reads the environment unless no settings are given."""
    from app.api import TELEPHONY_WEBHOOKS
    from app.channels import make_channels
    from app.web import WEB_ROUTES

    settings = settings or Settings.from_env()
    clock = clock or Clock()
    engine = make_engine(settings.database_url)
    session_config = RotatingSessionConfig(
        key="ondeck_session",
        store="sessions",
        max_age=14 * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.production,
        exclude=MACHINE_PATHS,
    )
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_httponly=True,
        cookie_secure=settings.production,
        exclude=MACHINE_PATHS,
    )
    app = OnDeck(
        route_handlers=[
            healthz,
            openapi_30,
            *HUBSPOT_ROUTES,
            *TELEPHONY_WEBHOOKS,
            _api_router(),
            *WEB_ROUTES,
            _static_router(),
        ],
        dependencies={
            "clock": Provide(lambda: clock, use_cache=True, sync_to_thread=False),
            "db": Provide(provide_db),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
        },
        state=State({"engine": engine, "settings": settings, "clock": clock}),
        stores={"sessions": _session_store(settings)},
        middleware=[end_abandoned_units, session_config.middleware],
        csrf_config=csrf,
        plugins=[HTMXPlugin(), make_channels(settings)],
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=words.register
        ),
        openapi_config=_openapi(),
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=screen,
        after_request=security_headers(settings),
        request_max_body_size=64 * 1024,
        on_startup=[_enough_threads, open_gates, live.start, delivery.start],
        on_shutdown=[delivery.stop, live.stop, lambda: _dispose(engine)],
        debug=False,
    )
    return app


# Every transaction runs in a worker thread, and the gates admit at most SLOTS at once (writers
# wait for their turn on the event loop, not in a thread), so a few more than SLOTS suffice: the
# rest serve token reads and other short hops. More threads only contend for one GIL.
THREADS = SLOTS + 8


def _dispose(engine: Any) -> None:
    """Close the pool at shutdown. A thread still trying to reach a database that cannot be
    reached may change SQLite's pool under the dispose: then the process's exit closes it."""
    with suppress(RuntimeError):  # "Set changed size during iteration"
        engine.dispose()


class OnDeck(Litestar):
    """The app: Litestar, answering HEAD wherever GET is (before routing, which refuses it)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        scope, send = head_as_get(scope, send)
        await super().__call__(scope, receive, send)


async def _enough_threads() -> None:
    """Give sync handlers a pool sized for the gates rather than the default six.

    Before the gates, a writer waited for SQLite's write lock inside its handler's thread; with
    every thread of a small pool waiting, the request that held the lock could not be finished
    (measured: the hook stalled at 8 concurrent connections with the default pool).
    """
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=THREADS))
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS


def _api_router() -> Router:
    """Every /api/v1 controller, behind the bearer-token guard."""
    from app.api import API_ROUTES

    return Router(path="/", route_handlers=API_ROUTES, guards=[bearer_required])


def _static_router() -> Any:
    """Static assets with a long cache (file names of vendored code carry their version)."""
    return create_static_files_router(
        path="/static",
        directories=[STATIC],
        include_in_schema=False,
        cache_control=None,
    )


def _openapi() -> OpenAPIConfig:
    """The OpenAPI document at /schema/openapi.json, describing the /api/v1 contract."""
    return OpenAPIConfig(
        title="OnDeck API",
        version=API_VERSION,
        path="/schema",
        description=(
            "Availability and round-robin routing for sales teams: who gets the next lead or"
            " call right now, and why. Errors are RFC 9457 application/problem+json."
        ),
        render_plugins=[ScalarRenderPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A company token: scope assign or admin",
                ),
            }
        ),
    )
