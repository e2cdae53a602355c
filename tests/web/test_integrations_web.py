"""The Integrations page's Twilio and HubSpot sections: a manager connects each (secrets
write-only, sealed at rest, "Set" shown instead), sees the exact URLs to paste, which then work
when the other system calls them, and disconnects; errors beside their fields."""

import base64
import hashlib
import hmac
import html
import json
import re
import time
import xml.etree.ElementTree as ET

from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from app import vault
from app.db import transaction
from app.models import Company, HubspotConfig, Rep, TwilioConfig
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

PAGE = "/settings/integrations"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "abcdef0123456789abcdef0123456789"
HUB_SECRET = "hubspot-client-secret-123"
HX = {"HX-Request": "true"}


def _world(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana", phone="+12125550001")
    with transaction(engine) as s:
        row = s.get(Rep, dana.id)
        row.external_ids = {"hubspot": "51234567"}
        s.add(row)
    make_team(w, "sales", [dana])
    make_team(w, "support", [dana])
    available(w, dana)
    sign_in(client, "boss@acme.test")
    return w


def _pasted(page: str, box: str) -> str:
    """The URL the page offers to paste in the read-only box with this id."""
    found = re.search(rf'<textarea id="{box}"[^>]*>([^<]*)</textarea>', page)
    assert found, f"no {box} on the page"
    return html.unescape(found.group(1))


def _field_error(page: str, field_id: str) -> str:
    """The inline error shown under a field (its control says aria-invalid)."""
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', page), field_id
    found = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert found, f"no error beside {field_id}"
    return html.unescape(found.group(1))


# --- Twilio -------------------------------------------------------------------------------------


def test_a_manager_connects_twilio_and_the_pasted_urls_answer_twilio(client, engine):
    _world(client, engine)
    assert "Not connected" in client.get(PAGE).text.split('id="twilio"')[1].split("</section>")[0]
    r = post(client, f"{PAGE}/twilio",
             {"account_sid": SID, "auth_token": TOKEN, "answer_seconds": "25"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}#twilio"
    page = client.get(PAGE).text
    assert "Twilio saved" in page
    assert TOKEN not in page  # write-only: never shown back
    assert "Set. Leave empty to keep it" in page
    sales = _pasted(page, "twilio-voice-sales")
    assert sales == "http://testserver/integrations/twilio/acme/voice?team=sales"
    assert _pasted(page, "twilio-voice-support").endswith("/voice?team=support")
    presence = _pasted(page, "twilio-presence")
    assert presence == "http://testserver/integrations/twilio/acme/presence"
    with Session(engine) as s:
        row = s.get(TwilioConfig, _company_id(engine))
        assert row.account_sid == SID and row.answer_seconds == 25
        assert TOKEN not in row.auth_token_enc
        assert vault.open_("t" * 64, row.auth_token_enc) == TOKEN  # sealed at rest
    # Twilio calls the URL as pasted, signed with the token: the team's reps ring
    sig = RequestValidator(TOKEN).compute_signature(sales, {"CallSid": "CA1"})
    voice = client.post(sales.removeprefix("http://testserver"), data={"CallSid": "CA1"},
                        headers={"X-Twilio-Signature": sig})  # fmt: skip
    assert voice.status_code == 200, voice.text
    dial = ET.fromstring(voice.text).find("Dial")
    assert dial is not None and dial.get("timeout") == "25"
    assert [n.text for n in dial.findall("Number")] == ["+12125550001"]


def test_saving_twilio_with_an_empty_token_keeps_the_stored_one(client, engine):
    _world(client, engine)
    post(client, f"{PAGE}/twilio", {"account_sid": SID, "auth_token": TOKEN, "answer_seconds": ""})
    r = post(
        client, f"{PAGE}/twilio", {"account_sid": SID, "auth_token": "", "answer_seconds": "40"}
    )
    assert r.status_code == 303
    with Session(engine) as s:
        row = s.get(TwilioConfig, _company_id(engine))
        assert row.answer_seconds == 40 and vault.open_("t" * 64, row.auth_token_enc) == TOKEN


def test_twilio_errors_are_shown_beside_their_fields_and_nothing_is_saved(client, engine):
    _world(client, engine)
    r = post(client, f"{PAGE}/twilio", {"account_sid": "AC12", "auth_token": TOKEN})
    assert r.status_code == 422
    assert "AC followed by 32" in _field_error(r.text, "twilio-account-sid")
    assert TOKEN not in r.text  # a refused secret is not sent back either
    r = post(client, f"{PAGE}/twilio", {"account_sid": SID, "auth_token": "short!"})
    assert "16 to 64" in _field_error(r.text, "twilio-auth-token")
    r = post(client, f"{PAGE}/twilio",
             {"account_sid": SID, "auth_token": TOKEN, "answer_seconds": "2"},
             headers=HX)  # fmt: skip
    assert r.status_code == 422 and r.text.lstrip().startswith('<section class="stack" id="twilio"')
    assert "5 to 120" in _field_error(r.text, "twilio-answer-seconds")
    assert "<html" not in r.text  # htmx gets the section only
    r = post(client, f"{PAGE}/twilio", {"account_sid": SID, "answer_seconds": "twenty"})
    assert _field_error(r.text, "twilio-answer-seconds")
    with Session(engine) as s:
        assert s.get(TwilioConfig, _company_id(engine)) is None


def test_disconnecting_twilio_refuses_its_calls(client, engine):
    _world(client, engine)
    post(client, f"{PAGE}/twilio", {"account_sid": SID, "auth_token": TOKEN})
    url = "http://testserver/integrations/twilio/acme/voice?team=sales"
    r = post(client, f"{PAGE}/twilio/disconnect", headers=HX)
    assert r.status_code == 200 and "Twilio disconnected" in r.text and "Not connected" in r.text
    assert "twilio-voice-sales" not in r.text  # no URLs to paste without an account
    sig = RequestValidator(TOKEN).compute_signature(url, {"CallSid": "CA2"})
    voice = client.post("/integrations/twilio/acme/voice?team=sales", data={"CallSid": "CA2"},
                        headers={"X-Twilio-Signature": sig})  # fmt: skip
    assert voice.status_code == 403


# --- HubSpot ------------------------------------------------------------------------------------


def _v3(client, url: str, body: bytes, secret: str = HUB_SECRET):
    """POST as HubSpot's "Send a webhook" does, signed v3 over the URL as pasted."""
    ts = str(int(time.time() * 1000))
    content = ("POST" + url).encode() + body + ts.encode()
    sig = base64.b64encode(hmac.new(secret.encode(), content, hashlib.sha256).digest()).decode()
    headers = {"Content-Type": "application/json", "X-HubSpot-Signature-v3": sig,
               "X-HubSpot-Request-Timestamp": ts}  # fmt: skip
    return client.post(url.removeprefix("http://testserver"), content=body, headers=headers)


def test_a_manager_connects_hubspot_and_a_workflow_gets_the_owner_id(client, engine):
    _world(client, engine)
    section = client.get(PAGE).text.split('id="hubspot"')[1].split("</section>")[0]
    assert "Not connected" in section and "hubspot-webhook" not in section
    r = post(client, f"{PAGE}/hubspot",
             {"client_secret": HUB_SECRET, "team": "sales", "kind": "lead"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}#hubspot"
    page = client.get(PAGE).text
    assert "HubSpot connected" in page and HUB_SECRET not in page
    assert "Set. Leave empty to keep it" in page
    webhook = _pasted(page, "hubspot-webhook")
    assert webhook == "http://testserver/integrations/hubspot/acme/webhook"
    assert _pasted(page, "hubspot-action") == "http://testserver/integrations/hubspot/acme/action"
    with Session(engine) as s:
        row = s.get(HubspotConfig, _company_id(engine))
        assert row.team == "sales" and HUB_SECRET not in row.secret_enc
        assert vault.open_("t" * 64, row.secret_enc) == HUB_SECRET
    answer = _v3(client, webhook, json.dumps({"objectId": 77}).encode())
    assert answer.status_code == 200, answer.text
    assert answer.json()["hubspot_owner_id"] == "51234567"


def test_hubspot_errors_are_shown_beside_their_fields(client, engine):
    _world(client, engine)
    r = post(client, f"{PAGE}/hubspot", {"client_secret": "short", "team": "sales"})
    assert r.status_code == 422 and "8 to 200" in _field_error(r.text, "hubspot-client-secret")
    assert 'value="short"' not in r.text
    r = post(client, f"{PAGE}/hubspot", {"client_secret": HUB_SECRET, "team": "nope"}, headers=HX)
    assert r.status_code == 422 and "<html" not in r.text
    assert _field_error(r.text, "hubspot-team")
    r = post(client, f"{PAGE}/hubspot", {"client_secret": HUB_SECRET, "team": "sales",
                                         "kind": "fax"})  # fmt: skip
    assert r.status_code == 422 and "lead" in r.text.split('id="hubspot-kind-error">')[1]
    with Session(engine) as s:
        assert s.get(HubspotConfig, _company_id(engine)) is None


def test_hubspot_keeps_its_secret_when_left_empty_and_disconnects(client, engine):
    _world(client, engine)
    post(client, f"{PAGE}/hubspot", {"client_secret": HUB_SECRET, "team": "sales"})
    r = post(client, f"{PAGE}/hubspot", {"client_secret": "", "team": "support", "kind": "call"})
    assert r.status_code == 303
    with Session(engine) as s:
        row = s.get(HubspotConfig, _company_id(engine))
        assert (row.team, row.kind) == ("support", "call")
        assert vault.open_("t" * 64, row.secret_enc) == HUB_SECRET
    r = post(client, f"{PAGE}/hubspot/disconnect")
    assert r.status_code == 303 and "HubSpot disconnected" in client.get(PAGE).text
    refused = _v3(client, "http://testserver/integrations/hubspot/acme/webhook", b'{"objectId": 1}')
    assert refused.status_code == 401


# --- who may ------------------------------------------------------------------------------------


def test_reps_may_not_connect_anything_and_a_form_without_csrf_is_refused(client, engine):
    w = _world(client, engine)
    make_rep(w, "Lee")
    r = client.post(f"{PAGE}/twilio", data={"account_sid": SID, "auth_token": TOKEN},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 403  # no CSRF token
    client.cookies.clear()
    sign_in(client, "lee@acme.test")
    forms = {
        f"{PAGE}/twilio": {"account_sid": SID, "auth_token": TOKEN},
        f"{PAGE}/hubspot": {"client_secret": HUB_SECRET, "team": "sales"},
        f"{PAGE}/twilio/disconnect": {},
        f"{PAGE}/hubspot/disconnect": {},
    }
    for path, form in forms.items():
        assert post(client, path, form).status_code == 403
    with Session(engine) as s:
        assert s.get(TwilioConfig, w.company.id) is None
        assert s.get(HubspotConfig, w.company.id) is None


def _company_id(engine) -> str:
    with Session(engine) as s:
        return s.exec(select(Company).where(Company.slug == "acme")).one().id
