"""The status API: round trips, timed expiry, locks, bad input."""

from datetime import timedelta

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def test_new_rep_is_offline_and_status_round_trips_with_note(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    r = client.get(f"/api/v1/reps/{rep.id}/status", headers=w.assign())
    assert r.status_code == 200
    assert r.json()["status"] == "offline"
    r = client.put(
        f"/api/v1/reps/{rep.id}/status",
        headers=w.assign(),
        json={"status": "away", "note": "Coffee"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "away" and r.json()["note"] == "Coffee"
    assert (
        client.get(f"/api/v1/reps/{rep.id}/status", headers=w.assign()).json()["note"] == "Coffee"
    )


def test_timed_status_expires_into_then(client, engine, clock):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    until = (clock.now() + timedelta(hours=1)).isoformat()
    r = client.put(
        f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "busy", "until": until}
    )
    assert r.json()["then"] == "available"
    clock.fixed = clock.now() + timedelta(hours=1)
    body = client.get(f"/api/v1/reps/{rep.id}/status", headers=w.assign()).json()
    assert body["status"] == "available"
    assert body["until"] is None and body["then"] is None


def test_invalid_status_is_422_problem_and_changes_nothing(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.put(f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "away"})
    r = client.put(f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "asleep"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "status"
    assert (
        client.get(f"/api/v1/reps/{rep.id}/status", headers=w.assign()).json()["status"] == "away"
    )


def test_until_in_the_past_is_refused_naming_until(client, engine, clock):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    past = (clock.now() - timedelta(minutes=1)).isoformat()
    r = client.put(
        f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "busy", "until": past}
    )
    assert r.status_code == 422 and r.json()["field"] == "until"


def test_lock_makes_rep_busy_and_unlock_restores_choice_made_during_lock(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    url = f"/api/v1/reps/{rep.id}"
    client.put(f"{url}/status", headers=w.assign(), json={"status": "available"})
    r = client.put(f"{url}/lock", headers=w.assign(), json={"reason": "On a call"})
    assert r.json()["effective_status"] == "busy" and r.json()["locked"] is True
    r = client.put(f"{url}/status", headers=w.assign(), json={"status": "away"})
    assert r.json()["effective_status"] == "busy"
    r = client.delete(f"{url}/lock", headers=w.assign())
    assert r.status_code == 200
    assert r.json()["effective_status"] == "away" and r.json()["locked"] is False


def test_a_phone_system_finds_the_rep_by_caller_number_and_gets_404_for_a_stranger(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana", phone="+12125550101")
    found = client.get("/api/v1/reps", params={"phone": "+12125550101"}, headers=w.assign())
    assert found.status_code == 200 and [r["id"] for r in found.json()] == [dana.id]
    stranger = client.get("/api/v1/reps", params={"phone": "+12125550199"}, headers=w.assign())
    assert stranger.status_code == 404
    assert stranger.headers["content-type"].startswith("application/problem+json")
    assert "+12125550199" in stranger.json()["detail"]
    bad = client.get("/api/v1/reps", params={"phone": "555"}, headers=w.assign())
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
