"""HTML pages and htmx fragments."""

from app.web.auth import AuthController
from app.web.phone import PhoneController
from app.web.pwa import PwaController

WEB_ROUTES: list[object] = [AuthController, PhoneController, PwaController]
