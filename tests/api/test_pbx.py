"""The PBX endpoint: Asterisk's CURL() and FreeSWITCH's mod_httapi get a dial target in their
own format (INTEGRATIONS.md "Telephony: Asterisk, FreeSWITCH and other PBXs")."""

import base64
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

import pytest
from sqlmodel import Session, select

from app.db import transaction
from app.models import Assignment, Rep
from app.services import presence as presence_service
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import DEFAULT_NOW, shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    w.ann = make_rep(w, "Ann", phone="+12125550001")
    w.bob = make_rep(w, "Bob", phone="+12125550002")
    w.cid = make_rep(w, "Cid", phone="+12125550003")
    r = client.patch(
        f"/api/v1/reps/{w.ann.id}", json={"external_ids": {"pbx": "PJSIP/1001"}}, headers=w.admin()
    )
    assert r.status_code == 200
    available(w, w.ann, w.bob, w.cid)
    make_team(w, "sales", [w.ann, w.bob, w.cid])
    return w


def basic(token):
    return {"Authorization": "Basic " + base64.b64encode(f"asterisk:{token}".encode()).decode()}


def test_text_is_the_first_target_pbx_id_before_phone(client, world):
    r = client.get("/integrations/pbx/next?team=sales&format=text", headers=world.assign())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text == "PJSIP/1001"


def test_ring_all_joins_every_target_with_ampersands(client, world):
    client.patch("/api/v1/teams/sales", json={"ring": "all"}, headers=world.admin())
    r = client.get(
        "/integrations/pbx/next?team=sales&format=text", headers=basic(world.assign_token)
    )
    assert r.text == "PJSIP/1001&+12125550002&+12125550003"


def test_kv_for_hashcompat_and_the_nth_target_skips_who_is_no_longer_eligible(
    client, world, engine
):
    r = client.get(f"/integrations/pbx/next?team=sales&format=kv&token={world.assign_token}")
    kv = {k: v[0] for k, v in parse_qs(r.text).items()}
    assert kv["target"] == "PJSIP/1001" and kv["reason"] == "assigned" and kv["count"] == "3"
    assert kv["next"] == "2"  # the n to ask for when Ann does not answer
    with transaction(engine) as s:
        presence_service.change(s, s.get(Rep, world.bob.id), status="offline", now=DEFAULT_NOW)
    r = client.get(
        f"/integrations/pbx/next?assignment={kv['assignment']}&n=2&format=kv",
        headers=world.assign(),
    )
    nth = {k: v[0] for k, v in parse_qs(r.text).items()}
    assert nth["target"] == "+12125550003" and nth["count"] == "3" and nth["next"] == "4"
    r = client.get(
        f"/integrations/pbx/next?assignment={kv['assignment']}&n=4&format=text",
        headers=world.assign(),
    )
    assert r.text == "voicemail"
    with Session(engine) as s:
        assert len(s.exec(select(Assignment)).all()) == 1  # no new turn


def test_json_is_the_hook_answer_and_external_id_is_idempotent(client, world, engine):
    url = "/integrations/pbx/next?team=sales&format=json&external_id=1700000000.1"
    first = client.post(url, headers=world.assign()).json()
    again = client.post(url, headers=world.assign()).json()
    assert first == again and first["assignee"]["name"] == "Ann"


def test_httapi_bridges_to_the_target(client, world):
    r = client.get("/integrations/pbx/next?team=sales&format=httapi", headers=world.assign())
    doc = ET.fromstring(r.text)
    assert doc.tag == "document" and doc.get("type") == "xml/freeswitch-httapi"
    (execute,) = doc.find("work").findall("execute")
    assert execute.get("application") == "bridge" and execute.get("data") == "PJSIP/1001"
    action = parse_qs(execute.get("action").partition("?")[2])
    assert action["n"] == ["2"] and action["format"] == ["httapi"]


def test_nobody_available_answers_the_destination(client, world, engine):
    with transaction(engine) as s:
        for rep in (world.ann, world.bob, world.cid):
            presence_service.change(s, s.get(Rep, rep.id), status="offline", now=DEFAULT_NOW)
    r = client.get("/integrations/pbx/next?team=sales&format=text", headers=world.assign())
    assert r.text == "voicemail"
    r = client.get("/integrations/pbx/next?team=sales&format=httapi", headers=world.assign())
    work = ET.fromstring(r.text).find("work")
    assert [tag.tag for tag in work] == ["break"]  # the dialplan after httapi takes the message


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer od_nope"}, {"Authorization": "Basic !!!"}],
)
def test_no_or_bad_credentials_are_401(client, world, engine, headers):
    r = client.get("/integrations/pbx/next?team=sales", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    with Session(engine) as s:
        assert s.exec(select(Assignment)).all() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("team=sales&format=csv", "format"),
        ("format=text", "team"),
        ("team=sales&kind=fax", "kind"),
        ("assignment=x&n=0", "n"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, world, query, field):
    r = client.get(f"/integrations/pbx/next?{query}", headers=world.assign())
    assert r.status_code == 422 and r.json()["field"] == field


def test_unknown_team_or_assignment_is_404(client, world):
    assert client.get("/integrations/pbx/next?team=nope", headers=world.assign()).status_code == 404
    r = client.get("/integrations/pbx/next?assignment=nope&n=1", headers=world.assign())
    assert r.status_code == 404


def test_the_endpoint_is_in_the_api_document_with_each_formats_media_type(client):
    doc = client.get("/schema/openapi.json").json()
    path = doc["paths"]["/integrations/pbx/next"]
    for method in ("get", "post"):
        op = path[method]
        assert "integrations" in op["tags"] and op["security"] == [{"bearer": []}]
        assert set(op["responses"]["200"]["content"]) == {
            "text/plain",
            "application/json",
            "text/xml",
        }
        names = {p["name"] for p in op["parameters"]}
        assert {"team", "kind", "format", "external_id", "assignment", "n", "token"} <= names
    assert not [p for p in doc["paths"] if p.startswith("/integrations/twilio/")]
