"""The People page edits a person's ids in other systems."""

import pytest
from sqlmodel import Session

from app.models import Rep
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}


@pytest.fixture
def manager(client, engine):
    world = make_company(engine)
    assert sign_in(client, "boss@acme.test").status_code == 303
    return world


def save(client, rep, system, value, **kw):
    """Post one (system, id) row of a person's ids form."""
    form = {"system": system, "id": value}
    return post(client, f"/settings/people/{rep.id}/external-ids", form, **kw)


def ids_of(engine, rep_id):
    with Session(engine) as s:
        rep = s.get(Rep, rep_id)
        assert rep is not None
        return rep.external_ids


def test_the_manager_saves_ids_and_the_page_shows_them(client, engine, manager):
    lee = make_rep(manager, "Lee")
    r = post(
        client,
        f"/settings/people/{lee.id}/external-ids",
        {"system": ["hubspot", "pbx", ""], "id": ["123", "PJSIP/1001", ""]},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/settings/people#person-{lee.id}"
    assert ids_of(engine, lee.id) == {"hubspot": "123", "pbx": "PJSIP/1001"}
    page = client.get("/settings/people").text
    assert (
        "Lee&#39;s ids in other systems are saved." in page
        or "Lee's ids in other systems are saved." in page
    )
    mine = page.split(f'id="person-{lee.id}"', 1)[1].split("</li>", 1)[0]
    assert 'name="system" value="hubspot"' in mine and 'name="id" value="PJSIP/1001"' in mine


def test_a_taken_or_bad_id_is_said_beside_the_person_and_nothing_changes(client, engine, manager):
    lee, kim = make_rep(manager, "Lee"), make_rep(manager, "Kim")
    save(client, lee, "hubspot", "123")
    r = save(client, kim, "hubspot", "123", headers=HX)
    assert r.status_code == 409 and "already belongs to Lee" in r.text
    assert 'name="id" value="123"' in r.text.split(f'id="person-{kim.id}"', 1)[1]
    assert ids_of(engine, kim.id) is None
    r = save(client, kim, "Bad Name", "1", headers=HX)
    assert r.status_code == 422 and "lowercase letter" in r.text
    assert ids_of(engine, kim.id) is None


def test_clearing_the_text_removes_the_ids(client, engine, manager):
    lee = make_rep(manager, "Lee")
    save(client, lee, "pbx", "1")
    save(client, lee, "pbx", "")
    assert ids_of(engine, lee.id) is None
