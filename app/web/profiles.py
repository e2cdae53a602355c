"""Presence profiles: list, add, edit, delete; apply in one tap; the Phone tab's profile panel."""

from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.models import Profile
from app.services import profiles
from app.services import teams as teams_service
from app.services.errors import Invalid
from app.web.common import CTX, Ctx, page, tab_page, web_get, web_post
from app.web.schedule_forms import MultiForm, one, values
from app.web.status_card import phone_context

BACK = {"/", "/profiles"}  # where a plain form post may send the browser afterwards


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


def _panel(c: Ctx, name: str = "phone/_profiles.html", **ctx: Any) -> Template:
    """The Phone tab's profile panel (with `ctx`, in the template `name` that wraps it)."""
    panel = profiles.panel(c.db, c.user, c.now)
    return page(
        c.request,
        name,
        profiles=panel.profiles,
        chosen=panel.chosen,
        drift=panel.drift,
        on_call=panel.presence.locked,
        **ctx,
    )


class ProfilesController(Controller):
    path = "/profiles"
    dependencies = CTX

    @web_get("/")
    def index(self, c: Ctx, done: str | None = None) -> Template:
        """My profiles, each applied in one tap, with a form to add one."""
        return self._list(c, done=done)

    def _list(
        self,
        c: Ctx,
        *,
        done: str | None = None,
        errors: dict[str, str] | None = None,
        form: dict[str, object] | None = None,
    ) -> Template:
        panel = profiles.panel(c.db, c.user, c.now)
        return tab_page(
            c,
            "profiles/index.html",
            "phone",
            422 if errors else 200,
            panel=panel,
            teams=teams_service.teams_of(c.db, c.user),
            durations=profiles.DURATIONS,
            errors=errors or {},
            form=form or _values(None),
            done=done,
        )

    @web_get("/panel")
    def panel(self, c: Ctx) -> Template | Redirect:
        """The Phone tab's profile panel (refetched live after a status or profile change)."""
        if not c.htmx:
            return Redirect("/profiles", status_code=303)
        return _panel(c)

    @web_post("/")
    def create(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add a profile."""
        form = _fields(data)
        try:
            profiles.save(c.db, c.user, form)
        except Invalid as exc:
            c.db.rollback()
            return self._list(c, errors={exc.field: exc.message}, form=form)
        return Redirect("/profiles?done=added", status_code=303)

    @web_get("/{profile_id:str}")
    def edit(self, c: Ctx, profile_id: str) -> Template:
        """The form for one of my profiles, and its delete button."""
        row = profiles.get(c.db, c.user, profile_id)
        return self._edit(c, row, _values(row), {})

    def _edit(
        self, c: Ctx, row: Profile, form: dict[str, object], errors: dict[str, str]
    ) -> Template:
        return tab_page(
            c,
            "profiles/edit.html",
            "phone",
            422 if errors else 200,
            row=row,
            form=form,
            errors=errors,
            teams=teams_service.teams_of(c.db, c.user),
            durations=profiles.DURATIONS,
        )

    @web_post("/{profile_id:str}")
    def update(self, c: Ctx, profile_id: str, data: MultiForm) -> Template | Redirect:
        """Change one of my profiles (applying it again is a separate tap)."""
        row, form = profiles.get(c.db, c.user, profile_id), _fields(data)
        try:
            profiles.save(c.db, c.user, form, row)
        except Invalid as exc:
            c.db.rollback()
            return self._edit(c, row, form, {exc.field: exc.message})
        return Redirect("/profiles?done=saved", status_code=303)

    @web_post("/{profile_id:str}/delete")
    def delete(self, c: Ctx, profile_id: str) -> Redirect:
        """Delete one of my profiles (the last one stays)."""
        profiles.delete(c.db, c.user, profile_id)
        return Redirect("/profiles?done=deleted", status_code=303)

    @web_post("/{profile_id:str}/apply")
    def apply(self, c: Ctx, profile_id: str, data: MultiForm) -> Template | Redirect:
        """One tap: status, note, timer and teams from the profile."""
        profiles.apply(c.db, c.user, profile_id, c.now)
        return self._after(c, data)

    @web_post("/fix")
    def fix(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """The drift warning's one-tap fix: apply the chosen profile again."""
        profiles.fix(c.db, c.user, c.now)
        return self._after(c, data)

    def _after(self, c: Ctx, data: dict[str, Any]) -> Template | Redirect:
        """htmx gets the refreshed panel and the status card; a plain form goes back."""
        if c.htmx:
            c.db.flush()
            ctx = phone_context(c.db, c.company, c.user, c.now, frozenset({"status"}))
            return _panel(c, "phone/_profiles_answer.html", **ctx)
        back = one(data, "next")
        return Redirect((back if back in BACK else "/") + _applied(back), status_code=303)


def _applied(back: str) -> str:
    return "?done=applied" if back == "/profiles" else ""
