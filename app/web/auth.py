"""Sign in, sign out, and accepting an invitation."""

from typing import Any

from litestar import Controller, Request
from litestar.response import Redirect, Template
from sqlmodel import Session

from app.clock import Clock
from app.services import accounts
from app.services.errors import Invalid, NotFound, Throttled, WrongSecret
from app.sessions import start_session
from app.web.common import CTX, Ctx, Form, page, signed_in, web_get, web_post


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


class AuthController(Controller):
    @web_get("/signin")
    def signin_form(
        self, request: Request[Any, Any, Any], next: str | None = None
    ) -> Template | Redirect:
        """The sign-in form; someone already signed in goes on where they were headed."""
        if request.session and signed_in(request) is not None:
            return Redirect(_safe_next(next) or "/", status_code=303)
        return page(request, "auth/signin.html", next=_safe_next(next), email="", error=None)

    @web_post("/signin")
    def signin(
        self, request: Request[Any, Any, Any], db: Session, clock: Clock, data: Form
    ) -> Template | Redirect:
        """Check the credentials, start a session under a new id, go to the Phone tab."""
        email, target = data.get("email", ""), _safe_next(data.get("next"))
        address = request.client.host if request.client else "unknown"
        try:
            rep = accounts.sign_in(db, email, data.get("password", ""), address, clock.now())
        except (WrongSecret, Throttled) as exc:
            status = 429 if isinstance(exc, Throttled) else 401
            answer = page(
                request,
                "auth/signin.html",
                status_code=status,
                next=target,
                email=email,
                error=exc.message,
            )
            if isinstance(exc, Throttled):
                answer.headers["Retry-After"] = str(exc.retry_after)
            return answer
        csrf = start_session(request, accounts.session_data(rep))
        return Redirect(target, status_code=303, cookies=[csrf])

    @web_post("/signout")
    def signout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session."""
        request.clear_session()
        return Redirect("/signin", status_code=303)

    @web_post("/signout/everywhere", dependencies=CTX)
    def signout_everywhere(self, c: Ctx) -> Redirect:
        """End every session of the signed-in person, in every browser, this one included."""
        accounts.end_sessions(c.db, c.user)
        c.request.clear_session()
        return Redirect("/signin", status_code=303)

    @web_get("/invite/{token:str}")
    def invite_form(
        self, request: Request[Any, Any, Any], db: Session, clock: Clock, token: str
    ) -> Template:
        """The page where an invited person sets their password."""
        try:
            _, rep = accounts.invite_for(db, token, clock.now())
        except NotFound as exc:
            return page(
                request, "error.html", 404, status=404, title="Link expired", detail=str(exc)
            )
        return page(request, "auth/invite.html", invitee=rep, errors={})

    @web_post("/invite/{token:str}")
    def accept(
        self, request: Request[Any, Any, Any], db: Session, clock: Clock, token: str, data: Form
    ) -> Template | Redirect:
        """Set the password, spend the invitation and sign in."""
        try:
            rep = accounts.accept_invite(
                db, token, data.get("password", ""), data.get("confirm", ""), clock.now()
            )
        except Invalid as exc:
            _, invitee = accounts.invite_for(db, token, clock.now())
            return page(
                request, "auth/invite.html", 422, invitee=invitee, errors={exc.field: exc.message}
            )
        csrf = start_session(request, accounts.session_data(rep))
        return Redirect("/", status_code=303, cookies=[csrf])
