"""A team's extension (the number callers key in on the presence line) is set and shown on the
team page's routing form, with the reason beside the field when it is refused."""

import re
from html import unescape

import pytest
from sqlmodel import Session, select

from app.models import Team
from tests.builders import make_company, make_team
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}
ROUTING = {f"{s}_to": "voicemail" for s in ("lunch", "away", "vacation")} | {"ring": "sequence"}


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    make_team(w, "support", [])
    assert sign_in(client, w.manager.email).status_code == 303
    return w


def extension_of(engine, slug: str) -> str | None:
    with Session(engine) as s:
        return s.exec(select(Team.extension).where(Team.slug == slug)).one()


def test_a_manager_sets_the_extension_and_sees_it(client, world, engine):
    r = post(client, "/teams/sales/routing", {**ROUTING, "extension": "42"})
    assert r.status_code == 303
    assert extension_of(engine, "sales") == "42"
    page = client.get("/teams/sales").text
    assert re.search(r'<input[^>]*name="extension"[^>]*value="42"', page)


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [("4a", 422, "Use 2 to 6 digits."), ("1234567", 422, "Use 2 to 6 digits.")],
)
def test_bad_extensions_are_refused_beside_the_field(client, world, engine, value, status, words):
    r = post(client, "/teams/sales/routing", {**ROUTING, "extension": value}, headers=HX)
    assert r.status_code == status
    assert re.search(r'id="route-extension-error"[^>]*>\s*' + re.escape(words), r.text), r.text
    assert re.search(rf'<input[^>]*name="extension"[^>]*value="{value}"', r.text)
    assert extension_of(engine, "sales") is None


def test_an_extension_another_team_has_is_refused_naming_it(client, world, engine):
    assert post(client, "/teams/support/routing", {**ROUTING, "extension": "42"}).status_code == 303
    r = post(client, "/teams/sales/routing", {**ROUTING, "extension": "42"}, headers=HX)
    assert r.status_code == 409
    assert "42 is already the extension of team Support." in text_of(r.text)
    assert 'id="route-extension-error"' in r.text
    assert extension_of(engine, "sales") is None


def test_an_empty_extension_removes_it(client, world, engine):
    post(client, "/teams/sales/routing", {**ROUTING, "extension": "42"})
    assert post(client, "/teams/sales/routing", {**ROUTING, "extension": ""}).status_code == 303
    assert extension_of(engine, "sales") is None
