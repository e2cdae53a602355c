"""Events out: endpoints, the outbox written with each change, Standard Webhooks signatures,
order, retries, 410 and private-address refusal, against a real receiver on 127.0.0.1."""

import json
import time
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.db import transaction
from app.main import create_app
from app.models import WebhookDelivery, WebhookEndpoint
from app.services import assigner
from tests.builders import available, make_company, make_rep, make_team, set_status
from tests.conftest import shared_fixtures
from tests.receiver import start_receiver

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

PRIVATE = (
    "http://127.0.0.1:9/x",
    "http://localhost/x",
    "http://10.1.2.3/x",
    "http://169.254.169.254/latest",
    "http://[::1]/x",
    "http://[::ffff:127.0.0.1]/x",
)
ALL = ["assignment.created", "rep.status_changed", "team.state_changed"]


@pytest.fixture
def receiver():
    rec = start_receiver()
    yield rec
    rec.close()


def subscribe(client, world, url, events=ALL, **kw):
    r = client.post(
        "/api/v1/webhooks", headers=world.admin(), json={"url": url, "events": events, **kw}
    )
    assert r.status_code == 201, r.text
    return r.json()


def hook(client, world, team="sales"):
    r = client.post(
        "/api/v1/assignments", headers=world.assign(), json={"team": team, "kind": "lead"}
    )
    assert r.status_code == 201, r.text
    return r.json()


def verified(secret, got):
    """The event, after the standardwebhooks package checked its signature."""
    return Webhook(secret).verify(got.body, got.headers)


def deliveries(engine):
    with Session(engine) as s:
        return s.exec(select(WebhookDelivery).order_by(WebhookDelivery.seq)).all()


def test_an_endpoint_answers_its_secret_once_and_keeps_it_encrypted(client, engine, receiver):
    w = make_company(engine)
    made = subscribe(client, w, receiver.url, description="Zap")
    assert made["secret"].startswith("whsec_") and len(made["secret"]) == 6 + 44
    listed = client.get("/api/v1/webhooks", headers=w.admin()).json()
    assert [e["id"] for e in listed] == [made["id"]] and "secret" not in listed[0]
    one = client.get(f"/api/v1/webhooks/{made['id']}", headers=w.admin()).json()
    assert "secret" not in one and one["description"] == "Zap"
    with Session(engine) as s:
        row = s.get(WebhookEndpoint, made["id"])
        assert made["secret"] not in row.secret_enc and made["secret"][6:] not in row.secret_enc


def test_an_assignment_is_posted_signed_as_standard_webhooks(client, engine, receiver):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    available(w, dana)
    made = subscribe(client, w, receiver.url, events=["assignment.created"])
    answer = hook(client, w)
    (got,) = receiver.wait_for(1)
    event = verified(made["secret"], got)
    assert event["type"] == "assignment.created"
    assert event["data"]["id"] == answer["id"] and event["data"]["assignee"]["name"] == "Dana"
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)  # another secret


def test_every_change_arrives_in_order(client, engine, receiver):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    made = subscribe(client, w, receiver.url)
    set_status(w, dana, "available")
    hook(client, w)
    r = client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    assert r.status_code == 200, r.text
    set_status(w, dana, "away")
    got = receiver.wait_for(4)
    events = [verified(made["secret"], g) for g in got]
    assert [e["type"] for e in events] == [
        "rep.status_changed",
        "assignment.created",
        "team.state_changed",
        "rep.status_changed",
    ]
    assert (events[0]["data"]["from"], events[0]["data"]["to"]) == ("offline", "available")
    assert events[0]["data"]["rep"]["name"] == "Dana"
    assert events[2]["data"]["override"] == "lunch" and events[2]["data"]["team"]["slug"] == "sales"
    assert len({g.headers["webhook-id"] for g in got}) == 4


def test_a_rolled_back_change_sends_nothing(client, engine, receiver):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    available(w, dana)
    subscribe(client, w, receiver.url, events=["assignment.created"])
    before = len(deliveries(engine))
    with pytest.raises(RuntimeError), transaction(engine) as s:
        assigner.assign(s, w.company, team="sales", kind="lead", now=w.company.created_at)
        assert len(s.exec(select(WebhookDelivery)).all()) == before + 1  # written with it
        raise RuntimeError("the request failed after the hook")
    assert len(deliveries(engine)) == before


def test_no_endpoint_no_outbox_rows(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    available(w, dana)
    hook(client, w)
    assert deliveries(engine) == []


def test_a_failing_receiver_is_retried_with_the_same_webhook_id(client, engine, clock, receiver):
    w = make_company(engine)
    made = subscribe(client, w, receiver.url, events=["webhook.test"])
    receiver.answers = [500]
    r = client.post(f"/api/v1/webhooks/{made['id']}/test", headers=w.admin())
    assert r.status_code == 202
    first = receiver.wait_for(1)[0]
    # the loop records the attempt once the receiver has answered: wait for that record
    tried = _wait_for(client, w, made["id"], lambda d: d["attempts"] == 1)
    assert tried["state"] == "pending" and tried["last_code"] == 500
    assert tried["next_at"] == "2026-03-09T15:00:05Z"  # 5 s after the first attempt
    clock.fixed += timedelta(seconds=6)
    second = receiver.wait_for(2)[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert verified(made["secret"], second)["type"] == "webhook.test"
    _wait_state(client, w, made["id"], "delivered")


def test_a_later_event_waits_for_the_one_being_retried(client, engine, clock, receiver):
    w = make_company(engine)
    made = subscribe(client, w, receiver.url, events=["webhook.test"])
    receiver.answers = [503]
    client.post(f"/api/v1/webhooks/{made['id']}/test", headers=w.admin())
    receiver.wait_for(1)
    client.post(f"/api/v1/webhooks/{made['id']}/test", headers=w.admin())
    with pytest.raises(AssertionError):
        receiver.wait_for(2, timeout=1.5)  # the second is held behind the first
    clock.fixed += timedelta(seconds=6)
    got = receiver.wait_for(3)
    assert got[1].headers["webhook-id"] == got[0].headers["webhook-id"]
    assert got[2].headers["webhook-id"] != got[0].headers["webhook-id"]


def test_410_disables_the_endpoint(client, engine, receiver):
    w = make_company(engine)
    made = subscribe(client, w, receiver.url, events=["webhook.test"])
    receiver.answers = [410]
    client.post(f"/api/v1/webhooks/{made['id']}/test", headers=w.admin())
    receiver.wait_for(1)
    _wait_state(client, w, made["id"], "failed")
    one = client.get(f"/api/v1/webhooks/{made['id']}", headers=w.admin()).json()
    assert one["enabled"] is False and "410" in one["disabled_reason"]


def test_resend_posts_the_same_event_again(client, engine, receiver):
    w = make_company(engine)
    made = subscribe(client, w, receiver.url, events=["webhook.test"])
    client.post(f"/api/v1/webhooks/{made['id']}/test", headers=w.admin())
    first = receiver.wait_for(1)[0]
    delivery = _wait_state(client, w, made["id"], "delivered")
    url = f"/api/v1/webhooks/{made['id']}/deliveries/{delivery['id']}/resend"
    r = client.post(url, headers=w.admin())
    assert r.status_code == 202, r.text
    again = receiver.wait_for(2)[1]
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert json.loads(again.body) == json.loads(first.body)


def test_disabled_and_deleted_endpoints_get_nothing(client, engine, receiver):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    made = subscribe(client, w, receiver.url, events=["rep.status_changed"])
    r = client.patch(f"/api/v1/webhooks/{made['id']}", headers=w.admin(), json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    set_status(w, dana, "available")
    r = client.delete(f"/api/v1/webhooks/{made['id']}", headers=w.admin())
    assert r.status_code == 204
    set_status(w, dana, "away")
    assert deliveries(engine) == []
    assert client.get(f"/api/v1/webhooks/{made['id']}", headers=w.admin()).status_code == 404


def test_another_companys_endpoint_is_not_found(client, engine, receiver):
    w = make_company(engine)
    other = make_company(engine, slug="other")
    made = subscribe(client, other, receiver.url)
    for method in ("GET", "PATCH", "DELETE"):
        r = client.request(method, f"/api/v1/webhooks/{made['id']}", headers=w.admin(), json={})
        assert r.status_code == 404, (method, r.text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["webhook.test"]}, "url"),
        ({"url": "not a url", "events": ["webhook.test"]}, "url"),
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["lead.won"]}, "events"),
        ({"url": "https://example.com/x", "events": ["webhook.test"], "secret": "x"}, "secret"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, engine, body, field):
    w = make_company(engine)
    r = client.post("/api/v1/webhooks", headers=w.admin(), json=body)
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert field in f"{problem.get('field')} {problem['detail']}"


def test_an_assign_token_may_not_manage_webhooks(client, engine):
    w = make_company(engine)
    r = client.post(
        "/api/v1/webhooks",
        headers=w.assign(),
        json={"url": "https://a.test", "events": ["webhook.test"]},
    )
    assert r.status_code == 403


def test_private_addresses_are_refused_unless_allowed(settings, clock, engine):
    strict = create_app(
        settings.__class__(**{**settings.__dict__, "webhook_allow_private": False}), clock=clock
    )
    strict.state.engine.dispose()
    strict.state.engine = engine
    w = make_company(engine)
    with TestClient(app=strict) as c:
        for url in PRIVATE:
            r = c.post(
                "/api/v1/webhooks", headers=w.admin(), json={"url": url, "events": ["webhook.test"]}
            )
            assert r.status_code == 422 and r.json()["field"] == "url", (url, r.text)
        r = c.post(
            "/api/v1/webhooks",
            headers=w.admin(),
            json={"url": "https://8.8.8.8/x", "events": ["webhook.test"]},
        )
        assert r.status_code == 201, r.text


def test_the_outbox_row_is_written_in_the_changes_transaction(engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    with transaction(engine) as s:
        s.add(WebhookEndpoint(company_id=w.company.id, url="http://127.0.0.1:9/x",
                              events=["rep.status_changed"], secret_enc="x",
                              created_at=w.company.created_at))  # fmt: skip
    set_status(w, dana, "available")
    (row,) = deliveries(engine)
    assert row.type == "rep.status_changed" and row.state == "pending"
    assert json.loads(row.body)["data"]["to"] == "available"


def _wait_for(client, world, endpoint_id, done, timeout=10.0):
    """The endpoint's newest delivery once `done(delivery)` holds (the loop works on its own)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=world.admin())
        first = listed.json()[0]
        if done(first):
            return first
        time.sleep(0.05)
    raise AssertionError(f"the delivery never got there: {first}")


def _wait_state(client, world, endpoint_id, state, timeout=10.0):
    return _wait_for(client, world, endpoint_id, lambda d: d["state"] == state, timeout)


def test_an_answered_call_is_an_assignment_answered_event(client, engine):
    from app.models import Assignment

    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    available(w, dana)
    with transaction(engine) as s:
        s.add(WebhookEndpoint(company_id=w.company.id, url="http://127.0.0.1:9/x",
                              events=["assignment.answered"], secret_enc="x",
                              created_at=w.company.created_at))  # fmt: skip
    answer = hook(client, w)
    assert deliveries(engine) == []  # not subscribed to assignment.created
    who = {"id": dana.id, "name": "Dana", "attempt": 1, "at": "2026-03-09T15:00:10Z"}
    for _ in range(2):  # the same answer twice: one event
        with transaction(engine) as s:
            row = s.exec(select(Assignment).where(Assignment.id == answer["id"])).one()
            row.answer = {**row.answer, "answered_by": who}
            s.add(row)
    (row,) = deliveries(engine)
    data = json.loads(row.body)["data"]
    assert row.type == "assignment.answered" and data["assignment_id"] == answer["id"]
    assert data["answered_by"]["name"] == "Dana"


def test_an_endpoint_waiting_on_a_retry_never_holds_up_another(client, engine, clock, monkeypatch):
    # Two receivers: one failing (its head waits 5 s for the retry), one well. Each new
    # answer reaches the well one at once, while the loop, woken by a commit that wrote only
    # for the waiting endpoint, does not even look (it knows that head waits).
    w = make_company(engine)
    reps = [make_rep(w, "Ann")]
    available(w, *reps)
    make_team(w, "sales", reps)
    sick, well = start_receiver(), start_receiver()
    try:
        sick.answers = [500] * 10
        subscribe(client, w, sick.url, events=["assignment.created"])
        hook(client, w)
        sick.wait_for(1)
        deliverer = client.app.state.deliverer
        _until(lambda: deliverer.blocked, "the loop to learn that the sick endpoint waits")
        looks = _count_looks(deliverer, monkeypatch)
        for _ in range(3):
            hook(client, w)
        time.sleep(0.3)
        assert looks() == 0  # three commits for the waiting endpoint: no read at all
        subscribe(client, w, well.url, events=["assignment.created"])
        for i in range(3):
            answer = hook(client, w)
            got = well.wait_for(i + 1, timeout=5)
            assert json.loads(got[i].body)["data"]["id"] == answer["id"]
        assert len(sick.got) == 1  # still waiting for its retry
    finally:
        client.app.state.deliverer.poll_at = 0.0
        sick.close()
        well.close()


def _until(check, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.02)


def _count_looks(deliverer, monkeypatch):
    """Count the loop's looks at the webhook outbox from now on (undone after the test)."""
    from app.services import outbox as sender

    seen = []
    original = sender.heads

    def counting(session):
        seen.append(1)
        return original(session)

    monkeypatch.setattr(sender, "heads", counting)
    deliverer.poll_at = time.monotonic() + 60  # no poll during the count
    return lambda: len(seen)
