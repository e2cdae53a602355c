"""The PWA shell: service worker at the site root, manifest, offline page."""

from functools import partial
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import File, Template

from app import STATIC
from app.web.common import page

asset_get = partial(get, include_in_schema=False)


class PwaController(Controller):
    @asset_get("/sw.js")
    async def service_worker(self) -> File:
        """The service worker, served from the root so its scope is the whole app."""
        return File(
            STATIC / "sw.js",
            media_type="text/javascript",
            content_disposition_type="inline",
            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @asset_get("/manifest.webmanifest")
    async def manifest(self) -> File:
        """The web app manifest."""
        return File(
            STATIC / "manifest.webmanifest",
            media_type="application/manifest+json",
            content_disposition_type="inline",
        )

    @asset_get("/offline")
    async def offline(self, request: Request[Any, Any, Any]) -> Template:
        """The page the service worker shows when there is no connection."""
        return page(request, "offline.html")

    @asset_get("/favicon.ico")
    async def favicon(self) -> Response[bytes]:
        """Browsers ask for it; the icon is in the manifest."""
        return Response((STATIC / "icons" / "icon-192.png").read_bytes(), media_type="image/png")
