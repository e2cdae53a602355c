"""HubSpot: its connection, and workflow requests replayed exactly as HubSpot sends them
(signatures computed here independently: v3 for "Send a webhook", v2 for custom actions)."""

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.db import transaction
from app.models import Assignment, HubspotConfig, Rep
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

SECRET = "3f1c2b9e-hubspot-client-secret"
BASE = "http://testserver"
AGENT = "HubSpot Connect 2.0 (http://dev.hubspot.com/)"


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    with transaction(engine) as s:
        row = s.get(Rep, dana.id)
        row.external_ids = {"hubspot": "51234567"}
        s.add(row)
    make_team(w, "sales", [dana])
    available(w, dana)
    r = client.put(
        "/api/v1/integrations/hubspot",
        headers=w.admin(),
        json={"client_secret": SECRET, "team": "sales", "kind": "lead"},
    )
    assert r.status_code == 200, r.text
    return w


def v3(client, path, body: bytes, secret=SECRET, age_ms=0, tamper=None):
    ts = str(int(time.time() * 1000) - age_ms)
    content = ("POST" + BASE + path).encode() + body + ts.encode()
    sig = base64.b64encode(hmac.new(secret.encode(), content, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": AGENT,
        "X-HubSpot-Signature-v3": sig,
        "X-HubSpot-Request-Timestamp": ts,
    }
    return client.post(path, content=tamper or body, headers=headers)


def v2(client, path, body: bytes, secret=SECRET):
    sig = hashlib.sha256((secret + "POST" + BASE + path).encode() + body).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": AGENT,
        "X-HubSpot-Signature": sig,
        "X-HubSpot-Signature-Version": "v2",
    }
    return client.post(path, content=body, headers=headers)


RECORD = json.dumps(
    {
        "objectId": 901,
        "properties": {"email": {"value": "lead@example.com"}, "hs_object_id": {"value": "901"}},
    }
).encode()
WEBHOOK = "/integrations/hubspot/acme/webhook"
ACTION = "/integrations/hubspot/acme/action"


def count_assignments(engine):
    with Session(engine) as s:
        return len(s.exec(select(Assignment)).all())


def test_send_a_webhook_answers_the_owner_id_to_copy(client, engine, world):
    r = v3(client, WEBHOOK, RECORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hubspot_owner_id"] == "51234567"
    assert body["owner_email"] == "dana@acme.test" and body["owner_name"] == "Dana"
    assert body["reason"] == "assigned"
    with Session(engine) as s:
        row = s.exec(select(Assignment)).one()
    assert row.external_id == "hubspot:901" and row.id == body["assignment_id"]


def test_a_hubspot_retry_within_three_days_replays(client, engine, world, clock):
    first = v3(client, WEBHOOK, RECORD).json()
    clock.fixed += timedelta(days=2, hours=23)
    again = v3(client, WEBHOOK, RECORD).json()
    assert again == first and count_assignments(engine) == 1
    clock.fixed += timedelta(hours=2)  # past three days: a new turn
    later = v3(client, WEBHOOK, RECORD).json()
    assert later["assignment_id"] != first["assignment_id"] and count_assignments(engine) == 2


def test_another_team_or_kind_is_a_new_turn(client, engine, world):
    make_team(world, "support", [])
    v3(client, WEBHOOK, RECORD)
    r = v3(client, WEBHOOK + "?team=support&kind=lead", RECORD)
    assert r.status_code == 200, r.text
    assert r.json()["reason"] == "nobody_available" and r.json()["hubspot_owner_id"] is None
    assert count_assignments(engine) == 2


@pytest.mark.parametrize(
    "record",
    [
        {"id": "902"},
        {"properties": {"hs_object_id": "902"}},
        {"properties": {"hs_object_id": {"value": "902"}}},
    ],
)
def test_the_record_id_is_read_where_hubspot_puts_it(client, engine, world, record):
    r = v3(client, WEBHOOK, json.dumps(record).encode())
    assert r.status_code == 200, r.text
    with Session(engine) as s:
        assert s.exec(select(Assignment)).one().external_id == "hubspot:902"


@pytest.mark.parametrize(
    "how",
    [
        {"secret": "wrong-secret-123"},
        {"age_ms": 6 * 60 * 1000},  # older than 5 minutes
        {"tamper": RECORD.replace(b"901", b"902")},  # body altered after signing
    ],
)
def test_a_bad_v3_signature_is_401_and_assigns_nobody(client, engine, world, how):
    r = v3(client, WEBHOOK, RECORD, **how)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert count_assignments(engine) == 0


def test_missing_signature_headers_are_401(client, engine, world):
    r = client.post(WEBHOOK, content=RECORD, headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    assert client.post("/integrations/hubspot/nobody/webhook", content=RECORD).status_code == 401


def test_a_record_without_an_id_is_422_naming_it(client, engine, world):
    r = v3(client, WEBHOOK, b'{"properties": {}}')
    assert r.status_code == 422 and r.json()["field"] == "objectId"
    r = v3(client, WEBHOOK, b"not json")
    assert r.status_code == 422 and r.json()["field"] == "body"


def action_body(callback="ap-1", obj=733, **inputs):
    return json.dumps(
        {
            "callbackId": callback,
            "origin": {"portalId": 4433221, "actionDefinitionId": 1, "actionDefinitionVersion": 1},
            "context": {"source": "WORKFLOWS", "workflowId": 98},
            "object": {"objectId": obj, "objectType": "CONTACT"},
            "inputFields": inputs,
        }
    ).encode()


def test_a_custom_action_answers_output_fields_and_replays_its_callback(client, engine, world):
    r = v2(client, ACTION, action_body())
    assert r.status_code == 200, r.text
    assert r.json() == {
        "outputFields": {
            "hubspot_owner_id": "51234567",
            "owner_email": "dana@acme.test",
            "reason": "assigned",
        }
    }
    assert v2(client, ACTION, action_body()).json() == r.json()
    assert count_assignments(engine) == 1
    assert v2(client, ACTION, action_body(callback="ap-2")).status_code == 200
    assert count_assignments(engine) == 2


def test_a_custom_action_with_a_wrong_v2_signature_is_401(client, engine, world):
    assert v2(client, ACTION, action_body(), secret="not-the-secret").status_code == 401
    assert count_assignments(engine) == 0


def test_the_client_secret_is_write_only_and_encrypted(client, engine, world):
    r = client.get("/api/v1/integrations/hubspot", headers=world.admin())
    assert r.status_code == 200 and SECRET not in r.text
    assert r.json()["webhook_url"] == "http://testserver/integrations/hubspot/acme/webhook"
    with Session(engine) as s:
        assert SECRET not in s.get(HubspotConfig, world.company.id).secret_enc


def test_configuration_refuses_bad_input_naming_the_field(client, engine, world):
    for body, field in (
        ({"client_secret": SECRET, "team": "nope"}, "team"),
        ({"client_secret": "short"}, "client_secret"),
        ({"kind": "deal"}, "kind"),
    ):
        r = client.put("/api/v1/integrations/hubspot", headers=world.admin(), json=body)
        assert r.status_code in (404, 422), r.text
        assert field in f"{r.json().get('field')} {r.json()['detail']}"


def test_disconnected_hubspot_is_refused(client, engine, world):
    assert client.delete("/api/v1/integrations/hubspot", headers=world.admin()).status_code == 204
    assert v3(client, WEBHOOK, RECORD).status_code == 401


def test_the_hook_answer_carries_flat_assignee_fields(client, engine, world):
    r = client.post(
        "/api/v1/assignments", headers=world.assign(), json={"team": "sales", "kind": "lead"}
    )
    body = r.json()
    assert body["assignee_name"] == "Dana" and body["assignee_email"] == "dana@acme.test"
    assert body["assignee_id"] == body["assignee"]["id"] and body["assignee_phone"] is None
    assert body["assignee_external_ids"] == {"hubspot": "51234567"}
    make_team(world, "empty", [])
    none = client.post(
        "/api/v1/assignments", headers=world.assign(), json={"team": "empty", "kind": "lead"}
    ).json()
    assert none["assignee_id"] is None and none["assignee_external_ids"] == {}
