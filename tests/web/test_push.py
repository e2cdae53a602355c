"""Web Push: a rep's devices on the Phone tab (subscribe, checks, unsubscribe, test), and the push
outbox sent by the delivery loop to a real receiver on 127.0.0.1 playing the push service: the
VAPID token is verified with the app's public key and the body decrypted with the browser's
private key (http_ece, aes128gcm), as a browser would."""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import func, select
from sqlmodel import Session

from app.db import transaction
from app.domain import push as p
from app.models import Assignment, PushMessage, PushSubscription
from app.push_sender import public_key
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures
from tests.receiver import start_receiver
from tests.web.helpers import csrf, post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module
HX = {"HX-Request": "true"}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: uuid.uuid4().bytes)

    def keys(self) -> dict[str, str]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64(point), "auth": b64(self.auth)}

    def open(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def receiver():
    rec = start_receiver()
    yield rec
    rec.close()


@pytest.fixture
def world(engine):
    w = make_company(engine)
    w.dana = make_rep(w, "Dana")
    w.lee = make_rep(w, "Lee")
    make_team(w, "sales", [w.dana, w.lee])
    available(w, w.dana)
    return w


def add_device(engine, world, rep, url: str) -> Browser:
    """A device of `rep` whose push service is `url` (stored as the browser would post it; the
    form insists on https, the local receiver is http)."""
    browser = Browser()
    with transaction(engine) as s:
        s.add(PushSubscription(company_id=world.company.id, rep_id=rep.id,
                               endpoint=f"{url}/{uuid.uuid4().hex}", created_at=world_now(),
                               **browser.keys()))  # fmt: skip
    return browser


def world_now():
    from tests.conftest import DEFAULT_NOW

    return DEFAULT_NOW


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def subscribe(client, body, **kw):
    headers = {"X-CSRFToken": csrf(client), **HX}
    return client.post("/me/push", json=body, headers=headers, **kw)


def good(endpoint="https://push.example.com/send/abc"):
    return {"endpoint": endpoint, "keys": Browser().keys()}


def vapid_claims(got, settings) -> dict:
    """The VAPID token's claims, after checking its ES256 signature with the key the app serves
    browsers (k must be that key)."""
    scheme, _, params = got.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(kv.split("=", 1) for kv in params.split(","))
    assert parts["k"] == public_key(settings.vapid_private_key)
    head, claims, sig = parts["t"].split(".")
    raw = unb64(sig)
    signature = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(parts["k"]))
    verifier.verify(signature, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    assert json.loads(unb64(head)) == {"typ": "JWT", "alg": "ES256"}
    return json.loads(unb64(claims))


def hook(client, world, external_id="X-1", kind="lead"):
    r = client.post(
        "/api/v1/assignments",
        headers=world.assign(),
        json={"team": "sales", "kind": kind, "external_id": external_id},
    )
    assert r.status_code == 201, r.text
    return r.json()


# --- this device on and off ----------------------------------------------------------------------


BAD = [
    ({"endpoint": "http://push.example.com/x"}, "endpoint"),
    ({"endpoint": "https://push.example.com/" + "x" * 2000}, "endpoint"),
    ({"endpoint": "https://push.example.com/a\nb"}, "endpoint"),
    ({"endpoint": "https://push.example.com/a\x00b"}, "endpoint"),
    ({"endpoint": "push.example.com/x"}, "endpoint"),
    ({"endpoint": 7}, "endpoint"),
    ({"keys": {"p256dh": b64(b"\x04" + b"\x01" * 63)}}, "keys.p256dh"),  # 64 bytes
    ({"keys": {"p256dh": b64(b"\x04" + b"\x00" * 64)}}, "keys.p256dh"),  # not on the curve
    ({"keys": {"p256dh": "BAD key!"}}, "keys.p256dh"),
    ({"keys": {"p256dh": "\x07" + "A" * 86}}, "keys.p256dh"),
    ({"keys": {"auth": b64(b"\x01" * 15)}}, "keys.auth"),
    ({"keys": {"auth": None}}, "keys.auth"),
    ({"keys": None}, "keys.p256dh"),
]


@pytest.mark.parametrize(("change", "field_name"), BAD)
def test_a_bad_subscription_is_refused_naming_its_field_and_nothing_is_stored(
    client, engine, world, change, field_name
):
    assert sign_in(client, "dana@acme.test").status_code == 303
    body = good()
    if "keys" in change and isinstance(change["keys"], dict):
        body["keys"] = {**body["keys"], **change["keys"]}
    else:
        body.update(change)
    r = subscribe(client, body)
    assert r.status_code == 422, r.text
    sent = [body.get("endpoint"), *(body.get("keys") or {}).values()]
    if any(isinstance(v, str) and not v.isprintable() for v in sent):  # the app's input screen
        assert "control character" in r.text
    else:
        assert f'data-field="{field_name}"' in r.text and f"{field_name}:" in r.text
    assert count(engine, PushSubscription) == 0


def test_a_device_is_turned_on_once_and_off_again(client, engine, world):
    assert sign_in(client, "dana@acme.test").status_code == 303
    body = good()
    r = subscribe(client, body)
    assert r.status_code == 200, r.text
    assert 'data-push="on"' in r.text and "Notifications on for this phone" in r.text
    assert subscribe(client, good(body["endpoint"])).status_code == 200  # new keys, same device
    with Session(engine) as s:
        (row,) = s.execute(select(PushSubscription)).scalars().all()
        assert (row.rep_id, row.company_id) == (world.dana.id, world.company.id)
    headers = {"X-CSRFToken": csrf(client), **HX}
    r = client.post("/me/push/off", json={"endpoint": body["endpoint"]}, headers=headers)
    assert r.status_code == 200 and 'data-push="off"' in r.text
    assert count(engine, PushSubscription) == 0


def test_another_companys_rep_cannot_turn_off_my_device(client, engine, world):
    mine = add_device(engine, world, world.dana, "https://push.example.com")
    with Session(engine) as s:
        endpoint = s.execute(select(PushSubscription.endpoint)).scalar_one()
    other = make_company(engine, "globex")
    make_rep(other, "Kim")
    assert sign_in(client, "kim@globex.test").status_code == 303
    headers = {"X-CSRFToken": csrf(client), **HX}
    r = client.post("/me/push/off", json={"endpoint": endpoint}, headers=headers)
    assert r.status_code == 200
    assert count(engine, PushSubscription) == 1 and mine


def test_the_key_is_the_vapid_public_key_and_needs_a_session(client, world, settings):
    r = client.get("/me/push/key", follow_redirects=False)
    assert r.status_code in (302, 303, 307)
    assert sign_in(client, "dana@acme.test").status_code == 303
    key = client.get("/me/push/key").json()["key"]
    assert key == public_key(settings.vapid_private_key) and len(unb64(key)) == 65


def test_the_phone_tab_shows_the_card_and_loads_its_script(client, world):
    assert sign_in(client, "dana@acme.test").status_code == 303
    page = client.get("/").text
    assert 'id="notify"' in page and 'data-push="unknown"' in page
    assert "Notify me on this phone" in page and '<script src="/static/js/push.js"' in page


def test_a_subscription_without_csrf_is_refused(client, engine, world):
    assert sign_in(client, "dana@acme.test").status_code == 303
    r = client.post("/me/push", json=good(), headers=HX)
    assert r.status_code == 403
    assert count(engine, PushSubscription) == 0


# --- sending -------------------------------------------------------------------------------------


def test_a_hook_answer_reaches_every_device_of_the_assignee_and_nobody_else(
    client, engine, world, receiver, settings
):
    phone, laptop = (add_device(engine, world, world.dana, receiver.url) for _ in range(2))
    add_device(engine, world, world.lee, receiver.url)  # a teammate, not picked
    other = make_company(engine, "globex")
    kim = make_rep(other, "Kim")
    make_team(other, "sales", [kim])
    add_device(engine, other, kim, receiver.url)  # another company's rep
    answer = hook(client, world)
    assert answer["assignee"]["name"] == "Dana"
    got = receiver.wait_for(2)
    opened = []
    for one in got:
        claims = vapid_claims(one, settings)
        assert claims["aud"] == receiver.url.rsplit("/", 1)[0]
        assert claims["sub"] == settings.vapid_subject
        assert one.headers["content-encoding"] == "aes128gcm"
        assert 0 < int(one.headers["ttl"]) <= 3600
        browser = phone if one.path.split("/")[-1] in endpoint_of(engine, phone) else laptop
        opened.append(browser.open(one.body))
    assert {o["title"] for o in opened} == {"New lead for you: sales X-1"}
    assert {o["url"] for o in opened} == {"/"} and {o["tag"] for o in opened} == {
        "assignment-" + answer["id"]
    }
    with pytest.raises(Exception):  # noqa: B017 - another browser's key cannot read it
        Browser().open(got[0].body)
    receiver.wait_for(2, timeout=0.5)
    assert len(receiver.got) == 2
    assert wait_for_message(engine, lambda m: m.state == "sent")
    with Session(engine) as s:
        states = s.execute(select(PushMessage.state)).scalars().all()
    assert states == ["sent", "sent"]


def endpoint_of(engine, browser: Browser) -> str:
    with Session(engine) as s:
        q = select(PushSubscription.endpoint).where(
            PushSubscription.p256dh == browser.keys()["p256dh"]
        )
        return s.execute(q).scalar_one()


def test_an_answer_without_an_assignee_pushes_nothing(client, engine, world, receiver):
    add_device(engine, world, world.dana, receiver.url)
    r = client.put("/api/v1/reps/" + world.dana.id + "/status", headers=world.admin(),
                   json={"status": "offline"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert hook(client, world)["assignee"] is None
    assert count(engine, PushMessage) == 0


@pytest.mark.parametrize("code", [404, 410])
def test_a_gone_device_is_removed_with_its_messages(client, engine, world, receiver, code):
    add_device(engine, world, world.dana, receiver.url)
    receiver.answers[:] = [code]
    hook(client, world)
    receiver.wait_for(1)
    for _ in range(200):
        if count(engine, PushSubscription) == 0:
            break
        time.sleep(0.05)
    assert count(engine, PushSubscription) == 0 and count(engine, PushMessage) == 0


def test_a_failing_push_service_is_tried_again_later_then_given_up(
    client, engine, world, receiver, clock
):
    add_device(engine, world, world.dana, receiver.url)
    receiver.answers[:] = [500, 503]
    hook(client, world)
    receiver.wait_for(1)
    row = wait_for_message(engine, lambda m: m.attempts == 1)
    assert row.state == "pending" and row.next_at == clock.now() + timedelta(seconds=10)
    clock.fixed = clock.now() + timedelta(seconds=11)
    client.app.state.deliverer.look_now()
    receiver.wait_for(2)
    row = wait_for_message(engine, lambda m: m.attempts == 2)
    clock.fixed = clock.now() + timedelta(seconds=21)
    client.app.state.deliverer.look_now()
    receiver.wait_for(3)
    assert wait_for_message(engine, lambda m: m.state == "sent").attempts == 3


def wait_for_message(engine, ok):
    for _ in range(500):
        with Session(engine) as s:
            row = s.execute(select(PushMessage)).scalars().first()
        if row is not None and ok(row):
            return row
        time.sleep(0.02)
    raise AssertionError(f"no such message: {row}")


def test_the_test_button_pushes_to_each_of_my_devices(client, engine, world, receiver):
    browser = add_device(engine, world, world.dana, receiver.url)
    assert sign_in(client, "dana@acme.test").status_code == 303
    r = post(client, "/me/push/test", headers=HX)
    assert r.status_code == 200 and "on its way to 1 device" in r.text
    (got,) = receiver.wait_for(1)
    assert browser.open(got.body)["body"] == "Notifications work on this device."


def test_an_offer_passed_through_the_orm_is_pushed_to_the_rep_offered(
    client, engine, world, receiver
):
    browser = add_device(engine, world, world.lee, receiver.url)
    first = hook(client, world)  # to Dana, who has no device
    at = world_now()
    entry = {"rep": {"id": world.lee.id, "name": "Lee"}, "state": "pending"}
    entry |= {"offered_at": "2026-03-09T15:00:00Z", "expires_at": "2026-03-09T15:00:30Z"}
    with transaction(engine) as s:
        row = s.execute(select(Assignment).where(Assignment.id == first["id"])).scalar_one()
        row.answer = {**row.answer, "offer": {**entry, "rep": entry["rep"]}, "offers": [entry]}
        row.assignee_id, row.offer_state = world.lee.id, "pending"
        row.offer_expires_at = at + timedelta(seconds=30)
        s.add(row)
    (got,) = receiver.wait_for(1)
    shown = browser.open(got.body)
    assert shown["title"] == "Lead offered to you — accept within 30 s"
    assert int(got.headers["ttl"]) == 30


# --- the rules -----------------------------------------------------------------------------------


def test_the_words_and_the_schedule():
    assert p.announcement("call", "support", None, None) == ("Incoming call", "support")
    offered = "Lead offered to you — accept within 45 s"
    assert p.announcement("lead", "sales", "L-9", 45) == (offered, "sales L-9")
    assert [p.verdict(c) for c in (201, 404, 410, 429, 500, None)] == [
        "sent", "gone", "gone", "retry", "retry", "retry"
    ]  # fmt: skip
    now = world_now()
    assert [p.next_try(n, now) for n in (1, 2, 3, 4)] == [
        now + timedelta(seconds=10), now + timedelta(seconds=20), now + timedelta(seconds=40), None
    ]  # fmt: skip


def test_the_vapid_key_is_kept_in_a_private_file_outside_production(tmp_path):
    from app.settings import Settings, UnsafeSettings

    env = {"ONDECK_SECRET_FILE": str(tmp_path / "secret")}
    first, again = Settings.from_env(env), Settings.from_env(env)
    kept = tmp_path / "secret-vapid"
    assert first.vapid_private_key == again.vapid_private_key == kept.read_text()
    assert kept.stat().st_mode & 0o777 == 0o600 and len(public_key(kept.read_text())) == 87
    prod = {"ONDECK_ENV": "production", "ONDECK_SECRET_KEY": "s" * 64}
    assert Settings.from_env(prod).vapid_private_key is None  # push is off until it is set
    given = Settings.from_env({**prod, "ONDECK_VAPID_PRIVATE_KEY": first.vapid_private_key})
    assert given.vapid_private_key == first.vapid_private_key
    with pytest.raises(UnsafeSettings):
        Settings.from_env({**prod, "ONDECK_VAPID_PRIVATE_KEY": "short"})
    with pytest.raises(UnsafeSettings):
        Settings.from_env({**env, "ONDECK_VAPID_SUBJECT": "ops@example.com"})


# --- the outbox's guarantees ---------------------------------------------------------------------


def test_a_rolled_back_answer_pushes_nothing_and_a_commit_wakes_the_loop(engine, world):
    from app import outbox
    from app.services import assigner

    add_device(engine, world, world.dana, "https://push.example.com")
    woken: list[frozenset[str]] = []
    outbox.attach(engine, lambda steps, _endpoints: woken.append(steps))
    try:
        with pytest.raises(RuntimeError), transaction(engine) as s:
            assigner.assign(s, world.company, team="sales", kind="lead", now=world_now())
            assert count_in(s, PushMessage) == 1  # written with the answer, in its transaction
            raise RuntimeError("the request failed after the answer")
        assert count(engine, PushMessage) == 0 and woken == []
        with transaction(engine) as s:
            assigner.assign(s, world.company, team="sales", kind="lead", now=world_now())
        assert count(engine, PushMessage) == 1 and woken == [{"push"}]  # only the push step
    finally:
        outbox.detach(engine)


def count_in(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_answer_stored_as_an_offer_says_how_long_it_waits(engine, world):
    from sqlalchemy import insert

    add_device(engine, world, world.dana, "https://push.example.com")
    at = world_now()
    offer = {"rep": {"id": world.dana.id, "name": "Dana"}, "state": "pending"}
    entry = {**offer, "offered_at": "2026-03-09T15:00:00Z", "expires_at": "2026-03-09T15:00:45Z"}
    answer = {"offer": {**offer, "expires_at": entry["expires_at"]}, "offers": [entry],
              "routed_via": ["sales"], "kind": "lead"}  # fmt: skip
    row = {"id": "a1", "company_id": world.company.id, "team_slug": "sales", "kind": "lead",
           "external_id": "L-7", "assignee_id": world.dana.id, "reason": "assigned",
           "answer": answer, "created_at": at, "offer_state": "pending",
           "offer_expires_at": at + timedelta(seconds=45)}  # fmt: skip
    with transaction(engine) as s:
        s.connection().execute(insert(Assignment), [row])
    with Session(engine) as s:
        (payload,) = s.execute(select(PushMessage.payload)).scalars().all()
    shown = json.loads(payload)
    assert shown["title"] == "Lead offered to you — accept within 45 s"
    assert shown["body"] == "sales L-7" and shown["expires_at"] == "2026-03-09T15:00:45Z"


def test_a_claimed_message_is_not_claimed_again_while_its_lease_lasts(engine, world):
    from app.services import push as push_service

    add_device(engine, world, world.dana, "https://push.example.com")
    with transaction(engine) as s:
        push_service.send_test(s, s.merge(world.dana), world_now())
    with transaction(engine) as s:
        assert len(push_service.claim(s, world_now())) == 1
    with transaction(engine) as s:
        assert push_service.claim(s, world_now() + timedelta(seconds=59)) == []
    with transaction(engine) as s:  # the worker died: the lease lapses, another sends it
        assert len(push_service.claim(s, world_now() + timedelta(seconds=61))) == 1


def test_a_rep_keeps_the_ten_newest_devices_and_a_shared_phone_moves_to_who_posts_it(
    client, engine, world
):
    assert sign_in(client, "dana@acme.test").status_code == 303
    bodies = [good(f"https://push.example.com/d{i}") for i in range(11)]
    for body in bodies:
        assert subscribe(client, body).status_code == 200
    with Session(engine) as s:
        kept = set(s.execute(select(PushSubscription.endpoint)).scalars())
    assert len(kept) == 10
    client.cookies.clear()
    assert sign_in(client, "lee@acme.test").status_code == 303
    assert subscribe(client, good(bodies[-1]["endpoint"])).status_code == 200
    with Session(engine) as s:
        q = select(PushSubscription.rep_id).where(
            PushSubscription.endpoint == bodies[-1]["endpoint"]
        )
        assert s.execute(q).scalar_one() == world.lee.id


def test_a_notification_no_longer_worth_sending_is_dropped_unsent(
    client, engine, world, receiver, clock
):
    from app.services import push as push_service

    add_device(engine, world, world.dana, receiver.url)
    with transaction(engine) as s:  # a test notification is worth an hour
        push_service.send_test(s, s.merge(world.dana), clock.now() - timedelta(hours=2))
    client.app.state.deliverer.look_now()
    assert wait_for_message(engine, lambda m: m.state == "failed").attempts == 1
    assert receiver.got == []
