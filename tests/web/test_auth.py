"""Signing in and out, invitations, session fixation, throttling and CSRF."""

from litestar.testing import TestClient

from app.db import transaction
from app.services import accounts
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import csrf, post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def test_signed_out_visitor_is_sent_to_sign_in(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code in (302, 303, 307)
    assert r.headers["location"].startswith("/signin")


def test_rep_signs_in_and_lands_on_the_phone_tab(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    r = sign_in(client, "dana@acme.test")
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Tap for" in page.text and "Offline" in page.text


def test_wrong_password_shows_inline_error_and_no_session(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    r = sign_in(client, "dana@acme.test", "wrong password!")
    assert r.status_code == 401
    assert "do not match" in r.text
    assert client.get("/", follow_redirects=False).status_code != 200


def test_sign_in_gets_a_new_session_id_not_the_one_the_client_chose(client, engine, app):
    w = make_company(engine)
    make_rep(w, "Dana")
    planted = "a" * 64
    client.cookies.set("ondeck_session", planted)
    r = sign_in(client, "dana@acme.test")
    assert r.status_code == 303
    issued = [
        c.split("=", 1)[1].split(";")[0]
        for c in r.headers.get_list("set-cookie")
        if c.startswith("ondeck_session=")
    ]
    assert issued and issued[0] not in (planted, "null")
    with TestClient(app=app) as attacker:
        attacker.cookies.set("ondeck_session", planted)
        assert attacker.get("/", follow_redirects=False).status_code != 200


def test_form_post_without_csrf_token_is_refused(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    r = client.post("/status", data={"status": "busy"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post(
        "/status", data={"status": "busy", "_csrf_token": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    for _ in range(5):
        assert sign_in(client, "dana@acme.test", "nope nope nope").status_code == 401
    r = sign_in(client, "dana@acme.test")
    assert r.status_code == 429
    assert "Too many" in r.text


def test_invitation_sets_a_password_once(client, engine, clock):
    w = make_company(engine)
    with transaction(engine) as s:
        new = accounts.add_person(s, w.company, name="Kim", email="kim@acme.test", now=clock.now())
    url = f"/invite/{new.invite_token}"
    assert "Kim" in client.get(url).text
    r = post(client, url, {"password": "short", "confirm": "short"})
    assert r.status_code == 422
    r = post(client, url, {"password": "a long passphrase", "confirm": "a long passphrase"})
    assert r.status_code == 303
    assert client.get(url).status_code == 404
    client.cookies.clear()
    assert sign_in(client, "kim@acme.test", "a long passphrase").status_code == 303


def test_csrf_token_rides_in_hx_headers_on_body(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    assert f'"X-CSRFToken": "{csrf(client)}"' in client.get("/").text


def test_api_calls_and_anonymous_visits_store_no_session(client, engine, settings):
    w = make_company(engine)
    for _ in range(3):
        assert client.get("/api/v1/company", headers=w.admin()).status_code == 200
        assert client.get("/signin").status_code == 200
        assert client.get("/static/css/app.css").status_code == 200
    assert "ondeck_session" not in client.cookies
    stored = list(settings.session_dir.glob("*")) if settings.session_dir.exists() else []
    assert stored == []  # a file per anonymous hit would fill the disk
