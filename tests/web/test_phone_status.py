"""The Phone tab's status toggle: a tap moves to the next status; a bad custom time is refused
beside its field and keeps the status."""

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def test_tapping_the_toggle_cycles_the_status(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    seen = []
    for _ in range(4):
        r = post(client, "/status", headers={"HX-Request": "true"})
        assert r.status_code == 200
        seen.append(r.text.split('class="toggle-label">')[1].split("<")[0])
    assert seen == ["Available", "Away", "Busy", "Offline"]


def test_bad_custom_until_shows_inline_error_and_keeps_status(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    r = post(client, "/status", {"status": "busy", "until": "custom", "custom_until": "soon"})
    assert r.status_code == 422
    assert "Pick a date and time" in r.text
    assert 'class="toggle-label">Offline' in client.get("/").text
