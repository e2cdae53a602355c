"""Odd input on the HTML pages (issue 9): an error page or inline message, never a 500."""

import pytest

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


@pytest.fixture
def manager(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    assert sign_in(client, "boss@acme.test").status_code == 303
    return w, rep


@pytest.mark.parametrize(
    "path",
    ["/log?offset=%C2%B2", "/log?offset=99999999999999999999999", "/log?day=9999-12-31",
     "/log?day=0001-01-01", "/settings/company?year=%C2%B2", "/settings/company?year=0"],
)  # fmt: skip
def test_odd_numbers_and_dates_in_pages_are_refused(client, manager, path):
    assert client.get(path).status_code == 422


def test_an_unknown_htmx_target_gets_the_whole_company_page(client, manager):
    r = client.get("/settings/company", headers={"HX-Request": "true", "HX-Target": "nope"})
    assert r.status_code == 200
    assert "<html" in r.text


@pytest.mark.parametrize(
    "data",
    [{"mon_open": "on", "mon_start": "09:00", "mon_end": "²:00", "action": "add:mon"},
     {"mon_open": "on", "mon_start": "09:00", "mon_end": "17:00", "action": "remove:mon:²"}],
)  # fmt: skip
def test_the_hours_editor_survives_odd_digits(client, manager, data):
    assert post(client, "/settings/company/hours", data).status_code < 500


def test_a_control_character_in_a_form_is_refused_naming_the_field(client, manager):
    r = post(client, "/settings/company/holidays", {"date": "2026-07-03", "name": "a\x00b"})
    assert r.status_code == 422
    assert "name" in r.text


def test_a_long_email_at_sign_in_is_refused_not_a_server_error(client, engine):
    make_company(engine)
    r = sign_in(client, "a" * 290 + "@example.test")
    assert r.status_code < 500


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_rep_page_day_outside_the_calendar_years_is_refused(client, manager, day):
    _w, rep = manager
    assert client.get(f"/team/reps/{rep.id}?day={day}").status_code == 422
