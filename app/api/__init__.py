"""JSON controllers under /api/v1, and the telephony webhooks (their own auth, no bearer)."""

from typing import Any

from app.api.assignments import AssignmentController
from app.api.company import CompanyController
from app.api.holidays import HolidayController
from app.api.hubspot import HubspotController
from app.api.pbx import pbx_next
from app.api.reps import RepController, StatusController
from app.api.teams import TeamController, team_calendar_feed
from app.api.telephony import TwilioConfigController
from app.api.timeoff import SCHEDULE_ROUTES
from app.api.twilio import TWILIO_WEBHOOKS
from app.api.webhooks import WebhookController

API_ROUTES: list[Any] = [CompanyController, RepController, StatusController, HolidayController]
API_ROUTES += SCHEDULE_ROUTES
API_ROUTES.append(TeamController)
API_ROUTES.append(team_calendar_feed)
API_ROUTES.append(AssignmentController)
API_ROUTES.append(WebhookController)
API_ROUTES.append(HubspotController)
API_ROUTES.append(TwilioConfigController)

TELEPHONY_WEBHOOKS: list[Any] = [*TWILIO_WEBHOOKS, pbx_next]  # outside the bearer guard
