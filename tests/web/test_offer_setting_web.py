"""A team's offer time (offers: leads offered for that long to each rep in turn) is set on the
team page's routing form, with the reason beside the field when it is refused."""

import re

import pytest
from sqlmodel import Session, select

from app.models import Team
from tests.builders import make_company, make_team
from tests.web.helpers import post, sign_in

HX = {"HX-Request": "true"}
ROUTING = {f"{s}_to": "voicemail" for s in ("lunch", "away", "vacation")} | {"ring": "sequence"}


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    assert sign_in(client, w.manager.email).status_code == 303
    return w


def offer_seconds(engine) -> int | None:
    with Session(engine) as s:
        return s.exec(select(Team.offer_seconds).where(Team.slug == "sales")).one()


def test_a_manager_turns_offers_on_and_off(client, world, engine):
    assert (
        post(client, "/teams/sales/routing", {**ROUTING, "offer_seconds": "45"}).status_code == 303
    )
    assert offer_seconds(engine) == 45
    page = client.get("/teams/sales").text
    assert re.search(r'<input[^>]*name="offer_seconds"[^>]*value="45"', page)
    assert post(client, "/teams/sales/routing", {**ROUTING, "offer_seconds": ""}).status_code == 303
    assert offer_seconds(engine) is None


@pytest.mark.parametrize("value", ["5", "601", "soon", "-30"])
def test_a_bad_offer_time_is_refused_beside_the_field(client, world, engine, value):
    r = post(client, "/teams/sales/routing", {**ROUTING, "offer_seconds": value}, headers=HX)
    assert r.status_code == 422
    assert re.search(r'id="route-offer-seconds-error"[^>]*>\s*Use ', r.text), r.text
    assert re.search(rf'<input[^>]*name="offer_seconds"[^>]*value="{value}"', r.text)
    assert offer_seconds(engine) is None


def test_the_api_reads_and_sets_the_offer_time(client, world):
    r = client.patch("/api/v1/teams/sales", headers=world.admin(), json={"offer_seconds": 600})
    assert r.status_code == 200 and r.json()["offer_seconds"] == 600
    r = client.patch("/api/v1/teams/sales", headers=world.admin(), json={"offer_seconds": 601})
    assert r.status_code == 422 and r.json()["field"] == "offer_seconds"
    assert client.get("/api/v1/teams/sales", headers=world.admin()).json()["offer_seconds"] == 600
