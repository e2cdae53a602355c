"""GET and PATCH /api/v1/company."""

from typing import Any

import msgspec
from litestar import Controller
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_get, api_patch
from app.api.schemas import CompanyOut, CompanyPatch
from app.models import Company
from app.services import company as company_service


class CompanyController(Controller):
    path = "/api/v1/company"
    tags = ["company"]
    dependencies = AUTH

    @api_get("/", dependencies=ADMIN, summary="The company of the token (admin)")
    def read(self, company: Company, admin: Any) -> CompanyOut:
        """The company: name, slug, time zone, hours and holiday region."""
        return msgspec.convert(company_service.as_json(company), CompanyOut)

    @api_patch("/", dependencies=ADMIN, summary="Change company settings (admin)")
    def change(self, company: Company, db: Session, data: CompanyPatch, admin: Any) -> CompanyOut:
        """Change name, time zone, company hours or holiday region."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if isinstance(changes.get("holiday_region"), msgspec.Struct):
            changes["holiday_region"] = msgspec.structs.asdict(changes["holiday_region"])
        company_service.update(db, company, changes)
        return msgspec.convert(company_service.as_json(company), CompanyOut)
