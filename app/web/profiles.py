"""Presence profiles: list, add, edit, delete; apply in one tap; the Phone tab's profile panel."""

from typing import Any

from litestar import Controller, Request
from litestar.response import Redirect, Template
from sqlmodel import Session

from app.clock import Clock
from app.models import Company, Profile, Rep
from app.services import profiles
from app.services import teams as teams_service
from app.services.errors import Invalid
from app.web.common import SIGNED_IN, page, web_get, web_post
from app.web.phone import phone_context
from app.web.schedule_forms import MultiForm, one, values

Req = Request[Any, Any, Any]
BACK = {"/", "/profiles"}  # where a plain form post may send the browser afterwards


def _htmx(request: Req) -> bool:
    return bool(request.headers.get("hx-request"))


def _fields(data: dict[str, Any]) -> dict[str, object]:
    """The profile form's values (teams may be ticked several times)."""
    return {
        "name": one(data, "name"),
        "status": one(data, "status"),
        "note": one(data, "note"),
        "minutes": one(data, "minutes"),
        "teams_mode": one(data, "teams_mode") or "all",
        "teams": values(data, "teams"),
    }


def _values(row: Profile | None) -> dict[str, object]:
    """A stored profile as form values (a new one starts Available, every team)."""
    if row is None:
        return {"status": "available", "teams_mode": "all", "teams": []}
    some = row.team_slugs is not None
    return {
        "name": row.name,
        "status": row.status,
        "note": row.note or "",
        "minutes": "" if row.minutes is None else str(row.minutes),
        "teams_mode": "some" if some else "all",
        "teams": list(row.team_slugs or []),
    }


def _panel(
    request: Req,
    db: Session,
    user: Rep,
    clock: Clock,
    name: str = "phone/_profiles.html",
    **ctx: Any,
) -> Template:
    """The Phone tab's profile panel (with `ctx`, in the template `name` that wraps it)."""
    panel = profiles.panel(db, user, clock.now())
    return page(
        request,
        name,
        profiles=panel.profiles,
        chosen=panel.chosen,
        drift=panel.drift,
        on_call=panel.presence.locked,
        **ctx,
    )


class ProfilesController(Controller):
    path = "/profiles"
    dependencies = SIGNED_IN

    @web_get("/")
    def index(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        done: str | None = None,
    ) -> Template:
        """My profiles, each applied in one tap, with a form to add one."""
        return self._list(request, db, company, user, clock, done=done)

    def _list(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        *,
        done: str | None = None,
        errors: dict[str, str] | None = None,
        form: dict[str, object] | None = None,
    ) -> Template:
        panel = profiles.panel(db, user, clock.now())
        return page(
            request,
            "profiles/index.html",
            422 if errors else 200,
            user=user,
            company=company,
            panel=panel,
            teams=teams_service.teams_of(db, user),
            durations=profiles.DURATIONS,
            errors=errors or {},
            form=form or _values(None),
            done=done,
            active_tab="phone",
        )

    @web_get("/panel")
    def panel(self, request: Req, db: Session, user: Rep, clock: Clock) -> Template | Redirect:
        """The Phone tab's profile panel (refetched live after a status or profile change)."""
        if not _htmx(request):
            return Redirect("/profiles", status_code=303)
        return _panel(request, db, user, clock)

    @web_post("/")
    def create(
        self, request: Req, db: Session, company: Company, user: Rep, clock: Clock, data: MultiForm
    ) -> Template | Redirect:
        """Add a profile."""
        form = _fields(data)
        try:
            profiles.save(db, user, form)
        except Invalid as exc:
            db.rollback()
            errors = {exc.field: exc.message}
            return self._list(request, db, company, user, clock, errors=errors, form=form)
        return Redirect("/profiles?done=added", status_code=303)

    @web_get("/{profile_id:str}")
    def edit(
        self, request: Req, db: Session, company: Company, user: Rep, profile_id: str
    ) -> Template:
        """The form for one of my profiles, and its delete button."""
        row = profiles.get(db, user, profile_id)
        return self._edit(request, db, company, user, row, _values(row), {})

    def _edit(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        row: Profile,
        form: dict[str, object],
        errors: dict[str, str],
    ) -> Template:
        return page(
            request,
            "profiles/edit.html",
            422 if errors else 200,
            user=user,
            company=company,
            row=row,
            form=form,
            errors=errors,
            teams=teams_service.teams_of(db, user),
            durations=profiles.DURATIONS,
            active_tab="phone",
        )

    @web_post("/{profile_id:str}")
    def update(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        profile_id: str,
        data: MultiForm,
    ) -> Template | Redirect:
        """Change one of my profiles (applying it again is a separate tap)."""
        row, form = profiles.get(db, user, profile_id), _fields(data)
        try:
            profiles.save(db, user, form, row)
        except Invalid as exc:
            db.rollback()
            return self._edit(request, db, company, user, row, form, {exc.field: exc.message})
        return Redirect("/profiles?done=saved", status_code=303)

    @web_post("/{profile_id:str}/delete")
    def delete(self, db: Session, user: Rep, profile_id: str) -> Redirect:
        """Delete one of my profiles (the last one stays)."""
        profiles.delete(db, user, profile_id)
        return Redirect("/profiles?done=deleted", status_code=303)

    @web_post("/{profile_id:str}/apply")
    def apply(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        profile_id: str,
        data: MultiForm,
    ) -> Template | Redirect:
        """One tap: status, note, timer and teams from the profile."""
        profiles.apply(db, user, profile_id, clock.now())
        return self._after(request, db, company, user, clock, data)

    @web_post("/fix")
    def fix(
        self, request: Req, db: Session, company: Company, user: Rep, clock: Clock, data: MultiForm
    ) -> Template | Redirect:
        """The drift warning's one-tap fix: apply the chosen profile again."""
        profiles.fix(db, user, clock.now())
        return self._after(request, db, company, user, clock, data)

    def _after(
        self,
        request: Req,
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        data: dict[str, Any],
    ) -> Template | Redirect:
        """htmx gets the refreshed panel and the status card; a plain form goes back."""
        if _htmx(request):
            db.flush()
            ctx = phone_context(db, company, user, clock.now(), frozenset({"status"}))
            return _panel(request, db, user, clock, "phone/_profiles_answer.html", **ctx)
        back = one(data, "next")
        return Redirect((back if back in BACK else "/") + _applied(back), status_code=303)


def _applied(back: str) -> str:
    return "?done=applied" if back == "/profiles" else ""
