"""Sessions die with the account: deactivation, reactivation, a new password and "sign out
everywhere" end every session begun before; the CSRF token belongs to one session."""

from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from app.db import transaction
from app.models import Rep
from app.services import accounts, reps
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import csrf, post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


class Browser:
    """A second browser: the same test client with a cookie jar of its own (a second client
    would run the app's lifespan twice)."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self._client, self.cookies = client, httpx.Cookies()

    def _as_me(self, method: str, *args: Any, **kw: Any) -> Any:
        theirs, self._client.cookies = self._client.cookies, self.cookies
        try:
            return getattr(self._client, method)(*args, **kw)
        finally:
            self.cookies, self._client.cookies = self._client.cookies, theirs

    def get(self, *args: Any, **kw: Any) -> Any:
        return self._as_me("get", *args, **kw)

    def post(self, *args: Any, **kw: Any) -> Any:
        return self._as_me("post", *args, **kw)


@pytest.fixture
def other(client: TestClient[Litestar]) -> Browser:
    """A second browser (its own cookies)."""
    return Browser(client)


def signed_in(client: Any) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_a_cookie_kept_from_before_deactivation_does_not_open_the_phone_tab_after_reactivation(
    client, engine
):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    assert sign_in(client, "dana@acme.test").status_code == 303 and signed_in(client)
    with transaction(engine) as s:
        rep = s.get(Rep, dana.id)
        reps.deactivate(s, rep)
    assert not signed_in(client)
    with transaction(engine) as s:
        rep = s.get(Rep, dana.id)
        reps.reactivate(s, w.company, rep)
    assert not signed_in(client)  # used to open the Phone tab again


def test_a_new_password_ends_the_sessions_begun_before(client, other, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    assert sign_in(client, "dana@acme.test").status_code == 303 and signed_in(client)
    with transaction(engine) as s:
        accounts.set_password(s, s.get(Rep, dana.id), "a brand new password")
    assert not signed_in(client)
    assert sign_in(other, "dana@acme.test", "a brand new password").status_code == 303
    assert signed_in(other)


def test_accepting_an_invitation_ends_earlier_sessions_and_signs_in(client, other, app, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    assert sign_in(client, "dana@acme.test").status_code == 303 and signed_in(client)
    with transaction(engine) as s:
        rep = s.get(Rep, dana.id)
        rep.password_hash = None  # as after reactivation: a new invitation sets the password
        token = accounts.issue_invite(s, rep, w.company.created_at)
    form = {"password": "another good one", "confirm": "another good one"}
    assert post(other, f"/invite/{token}", form).status_code == 303
    assert signed_in(other) and not signed_in(client)


def test_sign_out_everywhere_ends_every_browser_s_session(client, other, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    for browser in (client, other):
        assert sign_in(browser, "dana@acme.test").status_code == 303 and signed_in(browser)
    page = client.get("/profiles")
    assert 'action="/signout/everywhere"' in page.text
    r = post(client, "/signout/everywhere")
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert not signed_in(client) and not signed_in(other)
    assert sign_in(other, "dana@acme.test").status_code == 303 and signed_in(other)


def test_sign_out_everywhere_needs_the_csrf_token_and_a_session(client, other, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    assert sign_in(client, "dana@acme.test").status_code == 303
    forged = client.post("/signout/everywhere", data={"_csrf_token": "x" + csrf(client)[1:]})
    assert forged.status_code == 403 and signed_in(client)
    assert post(other, "/signout/everywhere").status_code in (302, 303, 401)
    assert signed_in(client)


def test_sessions_of_other_people_survive_one_person_s_sign_out_everywhere(client, other, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    make_rep(w, "Eli")
    assert sign_in(client, "dana@acme.test").status_code == 303
    assert sign_in(other, "eli@acme.test").status_code == 303
    assert post(client, "/signout/everywhere").status_code == 303
    assert signed_in(other)


# --- the CSRF token belongs to the session ------------------------------------------------------


def test_sign_in_gives_a_new_csrf_token_bound_to_the_session(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    before = csrf(client)
    assert sign_in(client, "dana@acme.test").status_code == 303
    after = csrf(client)
    assert after != before  # a token known before sign-in (or planted) is not the session's
    assert post(client, "/status", {"status": "busy"}).status_code in (200, 303)


def test_a_valid_token_pair_from_another_visit_is_refused_for_a_signed_in_session(
    client, other, engine
):
    """Cookie tossing: an attacker plants their own (validly signed) CSRF cookie in the
    victim's browser and submits the matching token; plain double submit accepted that."""
    w = make_company(engine)
    make_rep(w, "Dana")
    assert sign_in(client, "dana@acme.test").status_code == 303
    planted = csrf(other)  # the attacker's own token, from their own visit
    assert planted != csrf(client)
    client.cookies.delete("csrftoken")
    client.cookies.set("csrftoken", planted)
    r = client.post("/status", data={"status": "busy", "_csrf_token": planted})
    assert r.status_code == 403
    headers = {"HX-Request": "true", "X-CSRFToken": planted}
    assert client.post("/status", data={"status": "busy"}, headers=headers).status_code == 403
