"""Every snippet in docs/integrations/{asterisk,freeswitch,twilio}.md, sent as written: the test
reads the docs file, takes the URL, credentials and parameters the snippet uses, sends exactly
that request, and reads the answer the way the phone system does (Asterisk's
CURLOPT(hashcompat) into HASH(), FreeSWITCH mod_httapi's document, Twilio's TwiML)."""

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from app.models import Assignment
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations"
HOST = "https://ondeck.example.com"


def blocks(name: str, lang: str) -> list[str]:
    """The fenced code blocks of one language in a docs file, in order."""
    text = (DOCS / name).read_text()
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


def local(url: str) -> str:
    """A documented public URL (or one OnDeck wrote, with this server's ONDECK_BASE_URL) as the
    test client sends it: path and query."""
    assert url.startswith((HOST + "/", "http://testserver/")), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def basic(userpwd: str) -> dict[str, str]:
    """HTTP Basic as libcurl sends it for CURLOPT(userpwd) / httapi's gateway-credentials."""
    return {"Authorization": "Basic " + base64.b64encode(userpwd.encode()).decode()}


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    w.ann = make_rep(w, "Ann", phone="+12125550001")
    w.bob = make_rep(w, "Bob", phone="+12125550002")
    w.cid = make_rep(w, "Cid", phone="+12125550003")
    r = client.patch(
        f"/api/v1/reps/{w.ann.id}", json={"external_ids": {"pbx": "PJSIP/1001"}}, headers=w.admin()
    )
    assert r.status_code == 200, r.text
    available(w, w.ann, w.bob, w.cid)
    make_team(w, "sales", [w.ann, w.bob, w.cid])
    return w


# --- Asterisk ------------------------------------------------------------------------------------


class Dialplan:
    """The documented extensions.conf: its globals, CURLOPT settings and CURL() URLs."""

    def __init__(self, text: str, token: str) -> None:
        self.text = text
        self.vars = dict(re.findall(r"^(\w+)=(.*)$", text.split("[ondeck-sales]")[0], re.M))
        assert self.vars["ONDECK_URL"] == HOST
        self.vars["ONDECK_TOKEN"] = token  # the placeholder replaced, as a reader does
        self.vars["TEAM"] = re.search(r"Set\(TEAM=(\w+)\)", text).group(1)
        self.opts = dict(re.findall(r"Set\(CURLOPT\((\w+)\)=([^)]*)\)", text))
        self.curls = [self._curl_arg(m.end()) for m in re.finditer(r"\$\{CURL\(", text)]

    def _curl_arg(self, start: int) -> str:
        depth, i = 1, start
        while depth:
            depth += {"(": 1, ")": -1}.get(self.text[i], 0)
            i += 1
        return self.text[start : i - 1]

    def expand(self, template: str, hash_: dict[str, str], **chan: str) -> str:
        """Asterisk's ${HASH(ondeck,key)} and ${NAME} substitution."""
        text = re.sub(r"\$\{HASH\(ondeck,(\w+)\)\}", lambda m: hash_.get(m.group(1), ""), template)
        return re.sub(r"\$\{(\w+)\}", lambda m: {**self.vars, **chan}[m.group(1)], text)


def hashcompat(body: str) -> dict[str, str]:
    """func_curl.c with hashcompat=yes: trailing blanks trimmed, split on & then the first =,
    each side URI-decoded (%XX only: `+` stays `+`)."""
    found: dict[str, str] = {}
    for piece in body.rstrip().split("&"):
        name, _eq, value = piece.partition("=")
        found[unquote(name)] = unquote(value)
    return found


def curl(client, plan: Dialplan, template: str, hash_: dict[str, str], **chan: str):
    url = plan.expand(template, hash_, **chan)
    r = client.get(local(url), headers=basic(plan.expand(plan.opts["userpwd"], {})))
    assert r.status_code == 200, r.text
    return hashcompat(r.text)


def dial_string(plan: Dialplan, target: str) -> str:
    """The ExecIf line: a bare number goes out through the trunk."""
    rule = re.search(r'ExecIf\(\$\["\$\{TARGET:0:1\}" = "\+"\]\?Set\(TARGET=(.*)\)\)', plan.text)
    return rule.group(1).replace("${TARGET}", target) if target.startswith("+") else target


def test_the_asterisk_context_hunts_through_the_list_then_voicemail(client, world, engine):
    (text,) = blocks("asterisk.md", "asterisk")
    plan = Dialplan(text, world.assign_token)
    assert plan.opts["hashcompat"] == "yes" and plan.opts["userpwd"].startswith("asterisk:")
    assert int(plan.opts["httptimeout"]) <= 10  # not Asterisk's 180 s
    first, again = plan.curls
    # the first CURL(): the hook, once per call
    h = curl(client, plan, first, {}, UNIQUEID="1700000000.1")
    assert h["target"] == "PJSIP/1001" and h["next"] == "2"
    assert curl(client, plan, first, {}, UNIQUEID="1700000000.1") == h  # a retry: same answer
    dialled = [dial_string(plan, h["target"])]
    while h["next"]:  # Dial() did not connect: the loop asks for the next step
        h = curl(client, plan, again, h)
        if h["target"] != "voicemail":
            dialled.append(dial_string(plan, h["target"]))
    assert dialled == [
        "PJSIP/1001",
        "PJSIP/+12125550002@carrier",
        "PJSIP/+12125550003@carrier",
    ]
    assert h["target"] == "voicemail"  # the VoiceMail() branch
    assert 'GotoIf($["${TARGET}" = "" | "${TARGET}" = "voicemail"]?voicemail)' in text
    with Session(engine) as s:
        assert len(s.exec(select(Assignment)).all()) == 1  # one turn for the whole hunt


def test_the_asterisk_context_rings_a_ring_all_team_at_once_then_voicemail(client, world):
    client.patch("/api/v1/teams/sales", json={"ring": "all"}, headers=world.admin())
    (text,) = blocks("asterisk.md", "asterisk")
    plan = Dialplan(text, world.assign_token)
    first, again = plan.curls
    h = curl(client, plan, first, {}, UNIQUEID="1700000000.2")
    assert h["target"] == "PJSIP/1001&+12125550002&+12125550003"  # Dial() rings them together
    h = curl(client, plan, again, h)
    assert h["target"] == "voicemail" and h["next"] == ""


def test_the_asterisk_context_goes_to_voicemail_when_ondeck_refuses(client, world):
    (text,) = blocks("asterisk.md", "asterisk")
    plan = Dialplan(text, "od_not_a_token")
    url = plan.expand(plan.curls[0], {}, UNIQUEID="1700000000.3")
    r = client.get(local(url), headers=basic(plan.expand(plan.opts["userpwd"], {})))
    assert r.status_code == 401
    assert hashcompat(r.text).get("target", "") == ""  # TARGET is empty → the voicemail branch


# --- FreeSWITCH ----------------------------------------------------------------------------------


def httapi_setup(token: str) -> tuple[dict[str, str], set[str], str, ET.Element]:
    """The documented profile (params, allowed apps) and the dialplan extension."""
    profile_xml, dialplan_xml, _answer = blocks("freeswitch.md", "xml")
    profile = ET.fromstring(profile_xml).find("profiles/profile")
    assert profile.get("name") == "ondeck"
    params = {p.get("name"): p.get("value") for p in profile.find("params")}
    params["gateway-credentials"] = params["gateway-credentials"].replace(
        "od_replace_with_an_assign_token", token
    )
    allowed = {a.get("name") for a in profile.iter("application")}
    extension = ET.fromstring(dialplan_xml).find("extension")
    (httapi,) = [a for a in extension.iter("action") if a.get("application") == "httapi"]
    data = httapi.get("data")
    assert data.startswith("{") and data.endswith("}")
    chan = dict(kv.split("=", 1) for kv in data[1:-1].split(","))
    assert chan["httapi_profile"] == profile.get("name")
    return params, allowed, chan["url"], extension


def test_the_freeswitch_profile_and_dialplan_hunt_then_break_to_voicemail(client, world, engine):
    params, allowed, url, extension = httapi_setup(world.assign_token)
    assert params["auth-scheme"] == "basic" and params["method"] == "POST"
    sets = {a.get("data") for a in extension.iter("action") if a.get("application") == "set"}
    assert {"continue_on_fail=true", "hangup_after_bridge=true"} <= sets
    url = url.replace("${uuid}", "6f1c1f0e-2b1d-4b9e-9a3e-0c8a1d2e3f40")
    auth = basic(params["gateway-credentials"])
    form = {"session_id": "6f1c1f0e-2b1d-4b9e-9a3e-0c8a1d2e3f40", "url": url}
    bridged = []
    for _ in range(6):  # httapi posts, does the work, posts to the action URL
        r = client.post(local(url), data=form, headers=auth)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
        doc = ET.fromstring(r.text)
        assert doc.tag == "document" and doc.get("type") == "xml/freeswitch-httapi"
        work = list(doc.find("work"))
        if [w.tag for w in work] == ["break"]:
            break  # back to the dialplan: voicemail
        (execute,) = work
        assert execute.get("application") in allowed  # the profile permits what we execute
        bridged.append(execute.get("data"))
        url = execute.get("action")
    else:
        pytest.fail("httapi never reached the end of the hunt")
    assert bridged == ["PJSIP/1001", "+12125550002", "+12125550003"]
    after = [a.get("application") for a in extension.iter("action")]
    assert after[after.index("httapi") + 1 :] == ["answer", "voicemail"]
    with Session(engine) as s:
        assert len(s.exec(select(Assignment)).all()) == 1


def test_the_documented_httapi_answer_has_the_shape_ondeck_sends(client, world):
    params, _allowed, url, _ext = httapi_setup(world.assign_token)
    shown = ET.fromstring(blocks("freeswitch.md", "xml")[2])
    r = client.post(
        local(url.replace("${uuid}", "u-1")), headers=basic(params["gateway-credentials"])
    )
    sent = ET.fromstring(r.text)
    assert [e.tag for e in sent.iter()] == [e.tag for e in shown.iter()]
    shown_exec, sent_exec = shown.find("work/execute"), sent.find("work/execute")
    assert shown_exec.keys() == sent_exec.keys()
    assert parse_qs(urlsplit(shown_exec.get("action")).query).keys() == (
        parse_qs(urlsplit(sent_exec.get("action")).query).keys()
    )


# --- Twilio --------------------------------------------------------------------------------------

TOKEN = "f" * 32


def test_the_twilio_urls_in_the_docs_are_the_ones_ondeck_gives_and_answer_signed_calls(
    client, world
):
    text = (DOCS / "twilio.md").read_text()
    voice_url = re.search(r"`(https://\S+/voice\?team=sales)`", text).group(1)
    presence_url = re.search(r"`(https://\S+/presence)`", text).group(1)
    r = client.put(
        "/api/v1/integrations/twilio",
        json={"account_sid": "AC" + "a1" * 16, "auth_token": TOKEN},
        headers=world.admin(),
    )
    assert r.status_code == 200, r.text
    given = r.json()
    # the same URLs, with this server's ONDECK_BASE_URL (http://testserver) for the example host
    assert given["teams"]["sales"] == voice_url.replace(HOST, "http://testserver")
    assert given["presence_url"] == presence_url.replace(HOST, "http://testserver")

    def twilio(url: str, params: dict[str, str]) -> ET.Element:
        signed = url.replace(HOST, "http://testserver")
        sig = RequestValidator(TOKEN).compute_signature(signed, params)
        r = client.post(local(url), data=params, headers={"X-Twilio-Signature": sig})
        assert r.status_code == 200, r.text
        return ET.fromstring(r.text)

    (number,) = twilio(voice_url, {"CallSid": "CA1"}).find("Dial").findall("Number")
    assert number.text == "+12125550001"
    said = [s.text for s in twilio(presence_url, {"CallSid": "CA2", "From": "+19175550000"})]
    assert said == ["This phone number is not registered with OnDeck. Goodbye.", None]
    assert '*"This phone number is not registered with OnDeck. Goodbye."*' in text


def test_the_voicemail_greeting_in_the_twilio_docs_is_what_callers_hear(client, world, engine):
    from tests.builders import set_status

    text = (DOCS / "twilio.md").read_text()
    client.put(
        "/api/v1/integrations/twilio",
        json={"account_sid": "AC" + "a1" * 16, "auth_token": TOKEN},
        headers=world.admin(),
    )
    for rep in (world.ann, world.bob, world.cid):
        set_status(world, rep, "offline")
    url = "http://testserver/integrations/twilio/acme/voice?team=sales"
    params = {"CallSid": "CA3"}
    sig = RequestValidator(TOKEN).compute_signature(url, params)
    r = client.post(local(url.replace("http://testserver", HOST)), data=params,
                    headers={"X-Twilio-Signature": sig})  # fmt: skip
    root = ET.fromstring(r.text)
    greeting = " ".join(s.text for s in root.findall("Say"))
    documented = re.search(r'\*"(Sorry, nobody from sales[^"]*)"\*', text, re.S).group(1)
    assert greeting == " ".join(documented.split())
    assert root.find("Record") is not None


def test_the_hunt_diagram_names_only_real_steps(app):
    (diagram,) = blocks("twilio.md", "mermaid")
    assert diagram.startswith("sequenceDiagram")
    steps = set(re.findall(r"POST /([a-z-]+)", diagram))
    assert steps == {"voice", "dial-next", "call-status"}
    paths = {route.path for route in app.routes}
    for step in steps:
        assert f"/integrations/twilio/{{company_slug:str}}/{step}" in paths
