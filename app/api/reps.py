"""People (/reps), their status and their presence lock."""

from typing import Any

import msgspec
from litestar import Controller
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_delete, api_get, api_patch, api_post, api_put
from app.api.schemas import LockIn, RepCreate, RepCreated, RepOut, RepPatch, StatusIn, StatusOut
from app.clock import Clock
from app.domain import inputs
from app.models import Company
from app.services import accounts, external_ids, reps
from app.services import presence as presence_service
from app.settings import Settings


def _changes(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body actually sent."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


class RepController(Controller):
    path = "/api/v1/reps"
    tags = ["reps"]
    dependencies = AUTH

    @api_get("/", summary="List people, or look one up by phone or by an id in another system")
    def listing(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        phone: str | None = None,
        external_id: str | None = None,
    ) -> list[RepOut]:
        """Active people by name; `?phone=+E164` finds the one with that number and
        `?external_id=system:id` the one with that id in another system (404 if nobody)."""
        now = clock.now()
        found = reps.listing(db, company, phone=phone, external_id=external_id)
        return [msgspec.convert(reps.as_json(r, company, now), RepOut) for r in found]

    @api_post("/", dependencies=ADMIN, summary="Add a rep or manager (admin)")
    def create(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        data: RepCreate,
        admin: Any,
        settings: Settings,
    ) -> RepCreated:
        """Add a person; answers their one-time invitation link (valid 7 days)."""
        now = clock.now()
        fields = msgspec.structs.asdict(data)
        ids = fields.pop("external_ids")
        new = accounts.add_person(db, company, now=now, **fields)
        if ids:
            external_ids.set_ids(db, new.rep, ids)
        body = reps.as_json(new.rep, company, now)
        body["invite_url"] = accounts.invite_url(settings.base_url, new.invite_token)
        return msgspec.convert(body, RepCreated)

    @api_get("/{rep_id:str}", summary="One person")
    def read(self, company: Company, db: Session, clock: Clock, rep_id: str) -> RepOut:
        """A person of the token's company."""
        return msgspec.convert(
            reps.as_json(reps.get(db, company, rep_id), company, clock.now()), RepOut
        )

    @api_patch("/{rep_id:str}", dependencies=ADMIN, summary="Change a person (admin)")
    def change(
        self, company: Company, db: Session, clock: Clock, rep_id: str, data: RepPatch, admin: Any
    ) -> RepOut:
        """Change name, email, phone, time zone, role, personal hours or ids in other systems."""
        rep = reps.update(
            db, company, reps.get(db, company, rep_id, active_only=True), _changes(data)
        )
        return msgspec.convert(reps.as_json(rep, company, clock.now()), RepOut)

    @api_delete("/{rep_id:str}", dependencies=ADMIN, summary="Deactivate a person (admin)")
    def deactivate(self, company: Company, db: Session, rep_id: str, admin: Any) -> None:
        """Deactivate: no sign-in, no routing; history is kept."""
        reps.deactivate(db, reps.get(db, company, rep_id, active_only=True))


class StatusController(Controller):
    path = "/api/v1/reps/{rep_id:str}"
    tags = ["status"]
    dependencies = AUTH

    @api_get("/status", summary="A rep's status")
    def status(self, company: Company, db: Session, clock: Clock, rep_id: str) -> StatusOut:
        """Status, effective status (busy while locked), note, until and then."""
        rep = reps.get(db, company, rep_id)
        return _status(presence_service.read(rep, clock.now()))

    @api_put("/status", summary="Set a rep's status")
    def set_status(
        self, company: Company, db: Session, clock: Clock, rep_id: str, data: StatusIn
    ) -> StatusOut:
        """Set status with an optional note and an optional until/then (timed presence)."""
        rep = reps.get(db, company, rep_id, active_only=True)
        eff = presence_service.change(
            db,
            rep,
            status=data.status,
            note=data.note,
            until=None if data.until is None else inputs.instant(data.until, "until"),
            then=data.then,
            now=clock.now(),
            by="integration",
        )
        return _status(eff)

    @api_put("/lock", summary="Lock a rep's presence (on a call)")
    def lock(
        self, company: Company, db: Session, clock: Clock, rep_id: str, data: LockIn
    ) -> StatusOut:
        """While locked the rep is effectively busy; status changes are remembered."""
        rep = reps.get(db, company, rep_id, active_only=True)
        return _status(presence_service.lock(db, rep, data.reason, clock.now()))

    @api_delete("/lock", status_code=200, summary="End a presence lock")
    def unlock(self, company: Company, db: Session, clock: Clock, rep_id: str) -> StatusOut:
        """The rep returns to the status they had chosen."""
        rep = reps.get(db, company, rep_id, active_only=True)
        return _status(presence_service.unlock(db, rep, clock.now()))


def _status(eff: Any) -> StatusOut:
    return msgspec.convert(presence_service.as_json(eff), StatusOut)
