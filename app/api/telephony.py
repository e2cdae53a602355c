"""Telephony: the Twilio account (/api/v1/integrations/twilio). The requests Twilio sends are in
app/api/twilio.py, the PBX endpoint in app/api/pbx.py; app/api/__init__.py lists both in
TELEPHONY_WEBHOOKS (they carry their own auth, outside the bearer guard)."""

from typing import Any

import msgspec
from litestar import Controller
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_delete, api_get, api_put
from app.clock import Clock
from app.models import Company
from app.services import teams
from app.services import telephony as tel
from app.settings import Settings


class TwilioIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    account_sid: str
    auth_token: str | None = None  # write-only; omitted keeps the stored one
    answer_seconds: int | None = None


class TwilioOut(msgspec.Struct, kw_only=True):
    configured: bool
    account_sid: str | None
    answer_seconds: int | None
    teams: dict[str, str]  # team slug → the voice URL to paste into its Twilio number
    presence_url: str


class TwilioConfigController(Controller):
    path = "/api/v1/integrations/twilio"
    tags = ["integrations"]
    dependencies = {**AUTH, **ADMIN}

    @api_get("/", summary="The Twilio account (admin; the auth token is never shown)")
    def read(self, company: Company, db: Session, settings: Settings, admin: Any) -> TwilioOut:
        """Whether Twilio is configured, and the URLs to paste into Twilio."""
        return _out(db, company, settings)

    @api_put("/", summary="Configure Twilio (admin)")
    def configure(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        settings: Settings,
        data: TwilioIn,
        admin: Any,
    ) -> TwilioOut:
        """Account SID, auth token (write-only, kept encrypted) and how long phones ring."""
        tel.configure(
            db,
            company,
            account_sid=data.account_sid,
            auth_token=data.auth_token,
            answer_seconds=data.answer_seconds,
            secret_key=settings.secret_key,
            now=clock.now(),
        )
        return _out(db, company, settings)

    @api_delete("/", summary="Forget the Twilio account (admin)")
    def forget(self, company: Company, db: Session, admin: Any) -> None:
        """Requests from Twilio are refused from now on."""
        tel.remove(db, company)


def _out(db: Session, company: Company, settings: Settings) -> TwilioOut:
    slugs = [team.slug for team in teams.listing(db, company)]
    body = tel.config_json(tel.config(db, company), settings.base_url, company, slugs)
    return msgspec.convert(body, TwilioOut)
