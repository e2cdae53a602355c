"""Reps' ids in other systems through /api/v1/reps (INTEGRATIONS.md "Reps: ids in other
systems")."""

import pytest

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


@pytest.fixture
def world(engine):
    return make_company(engine)


def patch(client, world, rep_id, body):
    return client.patch(f"/api/v1/reps/{rep_id}", json=body, headers=world.admin())


def test_a_rep_has_no_ids_until_given_some_and_reads_them_back(client, world):
    lee = make_rep(world, "Lee")
    assert client.get(f"/api/v1/reps/{lee.id}", headers=world.assign()).json()["external_ids"] == {}
    r = patch(client, world, lee.id, {"external_ids": {"hubspot": "123", "pbx": "PJSIP/1001"}})
    assert r.status_code == 200
    assert r.json()["external_ids"] == {"hubspot": "123", "pbx": "PJSIP/1001"}
    again = client.get(f"/api/v1/reps/{lee.id}", headers=world.assign()).json()
    assert again["external_ids"] == {"hubspot": "123", "pbx": "PJSIP/1001"}
    r = patch(client, world, lee.id, {"external_ids": {}})
    assert r.json()["external_ids"] == {}


def test_a_rep_is_found_by_an_id_in_another_system(client, world):
    lee = make_rep(world, "Lee")
    make_rep(world, "Kim")
    patch(client, world, lee.id, {"external_ids": {"salesforce": "005:AB:1"}})
    r = client.get(
        "/api/v1/reps", params={"external_id": "salesforce:005:AB:1"}, headers=world.assign()
    )
    assert r.status_code == 200 and [p["id"] for p in r.json()] == [lee.id]
    r = client.get("/api/v1/reps", params={"external_id": "hubspot:999"}, headers=world.assign())
    assert r.status_code == 404 and "hubspot" in r.json()["detail"]
    r = client.get("/api/v1/reps", params={"external_id": "nocolon"}, headers=world.assign())
    assert r.status_code == 422 and r.json()["field"] == "external_id"


def test_an_id_belongs_to_one_person_per_company_and_system(client, world, engine):
    lee, kim = make_rep(world, "Lee"), make_rep(world, "Kim")
    assert patch(client, world, lee.id, {"external_ids": {"hubspot": "123"}}).status_code == 200
    r = patch(client, world, kim.id, {"external_ids": {"hubspot": "123", "pbx": "2"}, "name": "K"})
    assert r.status_code == 409 and "Lee" in r.json()["detail"]
    kept = client.get(f"/api/v1/reps/{kim.id}", headers=world.admin()).json()
    assert kept["external_ids"] == {} and kept["name"] == "Kim"  # nothing changed
    # the same id in another system, or in another company, is fine
    assert patch(client, world, kim.id, {"external_ids": {"pbx": "123"}}).status_code == 200
    other = make_company(engine, "globex")
    olee = make_rep(other, "Lee")
    assert patch(client, other, olee.id, {"external_ids": {"hubspot": "123"}}).status_code == 200
    r = client.get("/api/v1/reps", params={"external_id": "hubspot:123"}, headers=other.admin())
    assert [p["id"] for p in r.json()] == [olee.id]


def test_a_deactivated_person_lets_go_of_their_ids_and_takes_them_back_if_free(
    client, world, engine
):
    from app.db import transaction
    from app.models import Rep
    from app.services import reps
    from app.services.errors import Refused

    lee, kim = make_rep(world, "Lee"), make_rep(world, "Kim")
    patch(client, world, lee.id, {"external_ids": {"hubspot": "123"}})
    assert client.delete(f"/api/v1/reps/{lee.id}", headers=world.admin()).status_code == 204
    r = client.get("/api/v1/reps", params={"external_id": "hubspot:123"}, headers=world.admin())
    assert r.status_code == 404
    assert patch(client, world, kim.id, {"external_ids": {"hubspot": "123"}}).status_code == 200
    with pytest.raises(Refused, match="hubspot"), transaction(engine) as s:
        row = s.get(Rep, lee.id)
        reps.reactivate(s, world.company, row)


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        ({"HubSpot": "1"}, 422),
        ({"hubspot": ""}, 422),
        ({"hubspot": "x" * 65}, 422),
        ({"hubspot": "a\u0007b"}, 422),
        ({"hubspot": 5}, 422),
        (["hubspot", "1"], 422),
    ],
)
def test_bad_ids_are_refused_naming_the_field(client, world, ids, status):
    lee = make_rep(world, "Lee")
    r = patch(client, world, lee.id, {"external_ids": ids})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"].startswith("external_ids")


def test_a_new_person_can_come_with_ids(client, world):
    body = {"name": "Ana", "email": "ana@acme.test", "external_ids": {"pbx": "PJSIP/1002"}}
    r = client.post("/api/v1/reps", json=body, headers=world.admin())
    assert r.status_code == 201 and r.json()["external_ids"] == {"pbx": "PJSIP/1002"}
    dup = {"name": "Bo", "email": "bo@acme.test", "external_ids": {"pbx": "PJSIP/1002"}}
    r = client.post("/api/v1/reps", json=dup, headers=world.admin())
    assert r.status_code == 409
    r = client.get("/api/v1/reps", headers=world.admin())
    assert "bo@acme.test" not in [p["email"] for p in r.json()]
