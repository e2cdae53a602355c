"""The Phone tab's teams card: place in line, taking part, a member's override, recent leads."""

from tests.builders import make_company, make_rep, make_team
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def _setup(client, engine):
    w = make_company(engine)
    dana, lee = make_rep(w, "Dana"), make_rep(w, "Lee")
    make_team(w, "sales", [dana, lee])
    for rep in (dana, lee):
        client.put(
            f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "available"}
        )
    sign_in(client, "dana@acme.test")
    return w, dana, lee


def test_phone_tab_shows_my_place_in_line(client, engine):
    _setup(client, engine)
    text = client.get("/").text
    assert "You are next in line for Sales leads" in text


def test_rep_pauses_taking_part_and_drops_out_of_line(client, engine):
    w, dana, lee = _setup(client, engine)
    r = post(
        client,
        "/me/teams/sales/taking-part",
        {"taking_part": "off"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "Not taking part" in r.text
    assert "Not in line for Sales leads (not taking part)" in r.text
    hook = client.post(
        "/api/v1/assignments", headers=w.assign(), json={"team": "sales", "kind": "lead"}
    )
    assert hook.json()["assignee"]["id"] == lee.id


def test_member_sets_team_to_lunch_from_the_phone_tab(client, engine):
    w, _, _ = _setup(client, engine)
    r = post(client, "/me/teams/sales/override", {"state": "lunch"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Lunch" in r.text
    state = client.get("/api/v1/teams/sales/state", headers=w.assign()).json()
    assert state["override"] == "lunch"
    post(client, "/me/teams/sales/override", {"state": "schedule"})
    assert client.get("/api/v1/teams/sales/state", headers=w.assign()).json()["override"] is None


def test_non_member_cannot_override_a_team(client, engine):
    w, _, _ = _setup(client, engine)
    make_rep(w, "Kim")
    client.cookies.clear()
    sign_in(client, "kim@acme.test")
    r = post(client, "/me/teams/sales/override", {"state": "vacation"})
    assert r.status_code == 404
    assert client.get("/api/v1/teams/sales/state", headers=w.assign()).json()["override"] is None


def test_my_recent_assignment_is_listed_with_the_teams_name(client, engine):
    w, dana, _ = _setup(client, engine)
    client.post(
        "/api/v1/assignments",
        headers=w.assign(),
        json={"team": "sales", "kind": "lead", "external_id": "crm-7"},
    )
    recent = client.get("/").text.split('id="recent"')[1].split("</ul>")[0]
    assert "crm-7" in recent and "Sales lead" in recent


def test_status_card_lists_every_line_i_stand_in_and_updates_after_a_turn(client, engine):
    import re

    w, dana, lee = _setup(client, engine)

    def places() -> list[tuple[str, str]]:
        card = client.get("/parts/status", headers={"HX-Request": "true"}).text
        rows = re.findall(r"<li><span>([^<]+)</span>\s*<span[^>]*>([^<]+)</span></li>", card)
        return [(what.strip(), where.strip()) for what, where in rows]

    assert places() == [("Sales leads", "next"), ("Sales calls", "next")]
    body = {"team": "sales", "kind": "lead"}
    hook = client.post("/api/v1/assignments", headers=w.assign(), json=body)
    assert hook.json()["assignee"]["id"] == dana.id  # Dana took the lead: Lee is next for leads
    assert places() == [("Sales leads", "2nd of 2"), ("Sales calls", "next")]
