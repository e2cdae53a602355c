"""Shared pieces of the HTML side: the signed-in person, roles, the handler context `Ctx`,
forms, htmx and page rendering. Every web module takes these from here (never from another
web module)."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import Body
from litestar.plugins.htmx import HTMXDetails
from litestar.response import Template
from litestar.utils.scope.state import ScopeState
from sqlmodel import Session

from app.clock import Clock
from app.deps import reader
from app.models import Company, Rep
from app.services import accounts
from app.services.errors import Forbidden
from app.sessions import CSRF, csrf_is_bound
from app.settings import Settings

Req = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]

web_get = partial(get, sync_to_thread=True, include_in_schema=False)
web_post = partial(post, sync_to_thread=True, include_in_schema=False)


def signed_in(request: Request[Any, Any, Any]) -> tuple[Rep, Company] | None:
    """The person whose session this is and their company, while that session still counts
    (not deactivated, no new password or "sign out everywhere" since it began)."""
    data = request.session or {}
    rep_id = data.get("rep_id")
    with reader(request) as rs:
        rep = rs.get(Rep, rep_id) if rep_id else None
        company = rs.get(Company, rep.company_id) if rep is not None else None
    if rep is None or not rep.active or company is None:
        return None
    if not accounts.session_is_current(data, rep):  # ended: deactivated, new password, ...
        return None
    return rep, company


def provide_user(request: Request[Any, Any, Any], db: Session) -> Rep:
    """The signed-in, active person (and their company), else a redirect to sign-in."""
    found = signed_in(request)
    if found is None:
        raise NotAuthorizedException("Please sign in.")
    rep, company = found
    data = request.session or {}
    if not csrf_is_bound(request):
        if data.get(CSRF):
            raise PermissionDeniedException("CSRF token verification failed")
        raise NotAuthorizedException("Please sign in.")
    request.state.company = db.merge(company, load=False)  # no query: attach the rows read above
    return db.merge(rep, load=False)


def provide_company(user: Rep, request: Request[Any, Any, Any]) -> Company:
    """The signed-in person's company: every page is scoped to it."""
    return request.state.company  # type: ignore[no-any-return]


def require_manager(user: Rep, company: Company) -> Rep:
    """Refuse people who are not managers."""
    if user.role != "manager":
        raise Forbidden("Only managers can do this.")
    return user


SIGNED_IN = {
    "user": Provide(provide_user, sync_to_thread=True),
    "company": Provide(provide_company, sync_to_thread=False),
}
MANAGER = {"manager": Provide(require_manager, sync_to_thread=False)}


def is_htmx(request: Req) -> bool:
    """Whether htmx sent this request (then only the swapped fragment is answered). Works on
    any request, the exception handlers' included (the HTMX plugin's `request.htmx`)."""
    return bool(HTMXDetails(request))


@dataclass(frozen=True)
class Ctx:
    """What every page handler works with: the request, the session, who, and the one `now`."""

    request: Req
    db: Session
    company: Company
    user: Rep
    now: datetime
    settings: Settings

    @property
    def htmx(self) -> bool:
        """Whether htmx asked (then only the swapped fragment is answered)."""
        return is_htmx(self.request)

    def wants(self, target: str) -> bool:
        """Whether htmx asked for the fragment with this id."""
        return self.htmx and self.request.headers.get("hx-target") == target


def provide_ctx(
    request: Req, db: Session, company: Company, user: Rep, clock: Clock, settings: Settings
) -> Ctx:
    """The request, session, signed-in person and the one `now` of a page handler."""
    return Ctx(request, db, company, user, clock.now(), settings)


def provide_manager_ctx(ctx: Ctx, manager: Rep) -> Ctx:
    """The same context, for managers only (others get 403)."""
    return ctx


CTX = {**SIGNED_IN, "c": Provide(provide_ctx, sync_to_thread=False)}
MANAGER_CTX = {
    **CTX,
    **MANAGER,
    "ctx": CTX["c"],
    "c": Provide(provide_manager_ctx, sync_to_thread=False),
}


def team_section(c: Ctx, here: str) -> dict[str, Any]:
    """What every page of the Team tab's sections needs: who, the tab, the section."""
    return {"user": c.user, "company": c.company, "active_tab": "team", "here": here}


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token of this request (double-submit; rides in hx-headers and hidden inputs)."""
    return str(ScopeState.from_scope(request.scope).csrf_token or "")


def page(
    request: Request[Any, Any, Any], name: str, status_code: int = 200, **context: Any
) -> Template:
    """Render a template with the CSRF token and the request in its context."""
    context.setdefault("csrf_token", csrf_token(request))
    context.setdefault("is_htmx", is_htmx(request))
    # names this page to its own event stream: what it changed itself is not sent back to it
    context.setdefault("page_id", secrets.token_hex(8))
    return Template(template_name=name, context=context, status_code=status_code)


def tab_page(c: Ctx, name: str, tab: str, status_code: int = 200, **context: Any) -> Template:
    """A whole page under one of the tabs (`tab`: phone, team, schedule, ...), for the signed-in
    person and their company."""
    return page(
        c.request, name, status_code, user=c.user, company=c.company, active_tab=tab, **context
    )
