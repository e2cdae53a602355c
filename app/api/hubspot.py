"""HubSpot: its connection (/api/v1/integrations/hubspot, admin) and the two endpoints HubSpot
workflows call, authenticated by HubSpot's request signatures instead of a token."""

import time
from typing import Annotated, Any, Literal

import anyio.to_thread
from litestar import Controller, Request, post
from msgspec import Meta, Struct
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, ERRORS, api_delete, api_get, api_put
from app.clock import Clock
from app.models import Company, HubspotConfig
from app.services import hubspot
from app.services.errors import Invalid
from app.settings import Settings


class HubspotIn(Struct, kw_only=True, forbid_unknown_fields=True):
    client_secret: (
        Annotated[str, Meta(min_length=8, max_length=200, description="Write-only; kept encrypted")]
        | None
    ) = None
    team: Annotated[str, Meta(min_length=1, max_length=40, examples=["sales"])] | None = None
    kind: Literal["lead", "call"] | None = None


class HubspotOut(Struct, kw_only=True):
    team: str
    kind: str
    webhook_url: str
    action_url: str


class OwnerOut(Struct, kw_only=True):
    hubspot_owner_id: str | None
    owner_email: str | None
    owner_name: str | None
    reason: str
    assignment_id: str


class ActionFields(Struct, kw_only=True):
    hubspot_owner_id: str | None
    owner_email: str | None
    reason: str


class ActionOut(Struct, kw_only=True):
    outputFields: ActionFields  # noqa: N815 - HubSpot's name


def _out(cfg: HubspotConfig, company: Company, settings: Settings) -> HubspotOut:
    base = f"{settings.base_url}/integrations/hubspot/{company.slug}"
    return HubspotOut(
        team=cfg.team, kind=cfg.kind, webhook_url=f"{base}/webhook", action_url=f"{base}/action"
    )


class HubspotController(Controller):
    path = "/api/v1/integrations/hubspot"
    tags = ["integrations"]
    dependencies = {**AUTH, **ADMIN}

    @api_get("/", summary="The HubSpot connection (admin; never the secret)")
    def read(self, company: Company, db: Session, settings: Settings, admin: Any) -> HubspotOut:
        """Where HubSpot's records go, and the URLs to paste into HubSpot."""
        return _out(hubspot.config(db, company), company, settings)

    @api_put("/", summary="Connect HubSpot (admin)")
    def save(
        self, company: Company, db: Session, clock: Clock, settings: Settings, data: HubspotIn,
        admin: Any,
    ) -> HubspotOut:  # fmt: skip
        """Save the client secret (write-only), team and kind."""
        sent = {k: getattr(data, k) for k in ("client_secret", "team", "kind")}
        sent = {k: v for k, v in sent.items() if v is not None}
        cfg = hubspot.configure(db, company, sent, settings.secret_key, clock.now())
        return _out(cfg, company, settings)

    @api_delete("/", summary="Disconnect HubSpot (admin)")
    def remove(self, company: Company, db: Session, admin: Any) -> None:
        """Forget the connection: HubSpot's requests get 401 from now on."""
        hubspot.remove(db, company)


def _request(request: Request[Any, Any, Any], body: bytes, settings: Settings) -> hubspot.Request:
    """The request as HubSpot signed it: the public URL (ONDECK_BASE_URL + path and query)."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    uri = settings.base_url + request.url.path + (f"?{query}" if query else "")
    headers = {k.lower(): v for k, v in request.headers.items()}
    return hubspot.Request(request.method, uri, body, headers, int(time.time() * 1000))


_HOOK: dict[str, Any] = {
    "tags": ["integrations"],
    "status_code": 200,
    "responses": {k: ERRORS[k] for k in (401, 404, 409, 413, 422, 503)},
}
Slug = Annotated[str, Meta(max_length=40)]
Param = Annotated[str, Meta(max_length=40)]


@post(
    "/integrations/hubspot/{company:str}/webhook", summary="HubSpot 'Send a webhook' (v3)", **_HOOK
)
async def hubspot_webhook(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company: Slug,
    team: Param | None = None,
    kind: Param | None = None,
) -> OwnerOut:
    """Who owns the record HubSpot sent (signature v3); a retry within 3 days replays."""
    params = {k: v for k, v in (("team", team), ("kind", kind)) if v}
    req = _request(request, await request.body(), settings)
    found = await anyio.to_thread.run_sync(
        lambda: hubspot.webhook(db, company, req, params, settings.secret_key, clock.now())
    )
    return OwnerOut(**found)


@post(
    "/integrations/hubspot/{company:str}/action",
    summary="HubSpot custom workflow action (v2)",
    **_HOOK,
)
async def hubspot_action(
    request: Request[Any, Any, Any], db: Session, clock: Clock, settings: Settings, company: Slug
) -> ActionOut:
    """outputFields with the owner for a custom workflow action; a repeated callbackId replays."""
    req = _request(request, await request.body(), settings)
    found = await anyio.to_thread.run_sync(
        lambda: hubspot.action(db, company, req, settings.secret_key, clock.now())
    )
    fields = found.get("outputFields")
    if not isinstance(fields, dict):
        raise Invalid("callbackId", "This callbackId was answered in another shape.")
    return ActionOut(outputFields=ActionFields(**fields))


HUBSPOT_ROUTES: list[Any] = [hubspot_webhook, hubspot_action]
