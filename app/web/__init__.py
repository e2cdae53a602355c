"""HTML pages and htmx fragments."""

from typing import Any

from app.web.auth import AuthController
from app.web.board import BoardController
from app.web.connections import HubspotSettingsController, TwilioSettingsController
from app.web.integrations import IntegrationsController
from app.web.log import LogController
from app.web.people import PeopleController
from app.web.phone import PhoneController
from app.web.profiles import ProfilesController
from app.web.push import PushController
from app.web.pwa import PwaController
from app.web.schedule import ScheduleController
from app.web.schedule_settings import SettingsController
from app.web.team_roster import RosterController
from app.web.teams import TeamsController
from app.web.webhooks import WebhooksController

WEB_ROUTES: list[Any] = [
    AuthController,
    PhoneController,
    PushController,
    ProfilesController,
    BoardController,
    PwaController,
    ScheduleController,
    SettingsController,
    PeopleController,
    IntegrationsController,
    TeamsController,
    RosterController,
    LogController,
    WebhooksController,
    TwilioSettingsController,
    HubspotSettingsController,
]
