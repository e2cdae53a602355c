"""Managers: the company's people: add them, send invitation links, deactivate them."""

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.domain import external_ids as xid
from app.models import Rep
from app.services import accounts, external_ids, reps, schedule
from app.services.errors import Invalid, Refused
from app.web.common import MANAGER_CTX, Ctx, page, web_get, web_post
from app.web.once import done, settings_page, take_once
from app.web.schedule_forms import MultiForm, one, values

ONCE = "once:people"
PERSON_FIELDS = ("name", "email", "phone", "role", "timezone")


# --- people -------------------------------------------------------------------------------------


@dataclass
class PeopleView:
    """Everyone of the company, the form to add a person, and what to say about either."""

    people: list[Rep]
    me: str
    form: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    link: dict[str, Any] | None = None  # {rep_id, name, url, new}: an invitation, shown once
    problem: dict[str, str] | None = None  # {rep_id, message}: shown beside that person
    notice: str | None = None
    # {rep_id: rows} refused, shown again as typed
    ids_typed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def ids_rows(self, person: Rep) -> list[tuple[str, str]]:
        """The person's ids in other systems as the form's (system, id) rows, plus a blank one."""
        found = self.ids_typed.get(person.id, xid.rows(person.external_ids))
        return [*found, ("", "")]

    @property
    def active(self) -> list[Rep]:
        """People who can sign in and take work."""
        return [p for p in self.people if p.active]

    @property
    def deactivated(self) -> list[Rep]:
        """People who left; kept for the history of their assignments."""
        return [p for p in self.people if not p.active]

    @staticmethod
    def pending(person: Rep) -> bool:
        """Whether the person has not set a password yet (their invitation is outstanding)."""
        return person.active and person.password_hash is None


class PeopleController(Controller):
    path = "/settings/people"
    dependencies = MANAGER_CTX

    @staticmethod
    def _answer(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
        """The people section for htmx, else the whole page."""
        kw.setdefault("form", {"role": "rep", "timezone": c.company.timezone})
        pv = PeopleView(reps.everyone(c.db, c.company), c.user.id, **kw)
        context = {"pv": pv, "timezones": schedule.timezone_options()}
        if c.htmx:
            return page(c.request, "settings/_people.html", status_code, **context)
        return settings_page(c, "settings/people.html", status_code, **context)

    def _link(self, c: Ctx, rep: Rep, token: str, new: bool) -> Template | Redirect:
        """Show the invitation link once: in place for htmx, after a redirect otherwise."""
        url = accounts.invite_url(c.settings.base_url, token)
        link = {"rep_id": rep.id, "name": rep.name, "url": url, "new": new}
        return done(c, ONCE, "/settings/people#invite-link-box", self._answer, link=link)

    @web_get("/")
    def people(self, c: Ctx) -> Template:
        """Everyone of the company with the form to add a person."""
        return self._answer(c, **take_once(c, ONCE))

    @web_post("/")
    def add(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add a rep or manager and show their one-time invitation link."""
        form = {key: one(data, key) for key in PERSON_FIELDS}
        try:
            new = accounts.add_person(c.db, c.company, now=c.now, **form)
        except Invalid as exc:
            c.db.rollback()
            return self._answer(c, 422, form=form, errors={exc.field: exc.message})
        return self._link(c, new.rep, new.invite_token, new=True)

    @web_post("/{rep_id:str}/invite")
    def invite(self, c: Ctx, rep_id: str) -> Template | Redirect:
        """A new invitation link for someone who has not set a password yet."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        try:
            token = accounts.reinvite(c.db, rep, c.now)
        except Refused as exc:
            return self._answer(c, 409, problem={"rep_id": rep.id, "message": str(exc)})
        return self._link(c, rep, token, new=False)

    @web_post("/{rep_id:str}/reactivate")
    def reactivate(self, c: Ctx, rep_id: str) -> Template | Redirect:
        """Bring a deactivated person back; they get a new invitation link to set a password."""
        rep = reps.get(c.db, c.company, rep_id)
        try:
            reps.reactivate(c.db, c.company, rep)
        except Refused as exc:
            return self._answer(c, 409, problem={"rep_id": rep.id, "message": str(exc)})
        return self._link(c, rep, accounts.reinvite(c.db, rep, c.now), new=False)

    @web_post("/{rep_id:str}/deactivate")
    def deactivate(self, c: Ctx, rep_id: str) -> Template | Redirect:
        """Deactivate a person: no sign-in, no leads or calls; their history is kept."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        try:
            reps.deactivate(c.db, rep, by=c.user)
        except Refused as exc:
            return self._answer(c, 409, problem={"rep_id": rep.id, "message": str(exc)})
        notice = f"{rep.name} is deactivated: no sign-in, no leads or calls. Their history is kept."
        return done(c, ONCE, "/settings/people#people", self._answer, notice=notice)

    @web_post("/{rep_id:str}/external-ids")
    def set_external_ids(self, c: Ctx, rep_id: str, data: MultiForm) -> Template | Redirect:
        """Save a person's ids in other systems (rows of system and id; blank rows ignored)."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        typed = list(zip(values(data, "system"), values(data, "id"), strict=False))
        try:
            external_ids.set_ids(c.db, rep, xid.from_rows(typed))
        except (Invalid, Refused) as exc:
            c.db.rollback()
            message = exc.message if isinstance(exc, Invalid) else str(exc)
            problem = {"rep_id": rep.id, "message": message}
            status = 422 if isinstance(exc, Invalid) else 409
            return self._answer(c, status, problem=problem, ids_typed={rep.id: typed})
        notice = f"{rep.name}'s ids in other systems are saved."
        return done(c, ONCE, f"/settings/people#person-{rep.id}", self._answer, notice=notice)
