"""A team's roster over the API: each member's weight and daily caps (issue 12)."""

import pytest
from sqlmodel import Session, select

from app.models import TeamMember
from tests.builders import make_company, make_rep, make_team


@pytest.fixture
def scene(engine):
    w = make_company(engine)
    sam, lee, kim = make_rep(w, "Sam"), make_rep(w, "Lee"), make_rep(w, "Kim")
    make_team(w, "sales", [sam, lee])
    return w, sam, lee, kim


def stored(engine) -> dict[str, tuple[int, int | None, int | None]]:
    with Session(engine) as s:
        rows = s.exec(select(TeamMember))
        return {tm.rep_id: (tm.weight, tm.cap_lead, tm.cap_call) for tm in rows}


def names(got: str, field: str) -> bool:
    """The problem names the field (a missing or unknown key: the key, or at least its object)."""
    return got == field or field.startswith(f"{got}.") and got.startswith("roster[")


def patch(client, w, roster, **body):
    return client.patch("/api/v1/teams/sales", headers=w.admin(), json={"roster": roster, **body})


def test_a_team_answers_its_roster_with_the_defaults(client, scene):
    w, sam, lee, _ = scene
    body = client.get("/api/v1/teams/sales", headers=w.admin()).json()
    assert body["members"] == [sam.id, lee.id]
    assert body["roster"] == [
        {
            "rep": {"id": sam.id, "name": "Sam"},
            "position": 0,
            "taking_part": True,
            "weight": 1,
            "daily_cap": {"lead": None, "call": None},
        },
        {
            "rep": {"id": lee.id, "name": "Lee"},
            "position": 1,
            "taking_part": True,
            "weight": 1,
            "daily_cap": {"lead": None, "call": None},
        },
    ]


def test_patch_sets_weights_and_caps_and_partial_entries_change_only_what_they_give(
    client, scene, engine
):
    w, sam, lee, _ = scene
    r = patch(client, w, [{"rep": sam.id, "weight": 2, "daily_cap": {"lead": 5, "call": 0}}])
    assert r.status_code == 200, r.text
    assert r.json()["roster"][0]["weight"] == 2
    assert r.json()["roster"][0]["daily_cap"] == {"lead": 5, "call": 0}
    assert stored(engine) == {sam.id: (2, 5, 0), lee.id: (1, None, None)}
    r = patch(client, w, [{"rep": sam.id, "daily_cap": {"call": None}}, {"rep": lee.id}])
    assert r.status_code == 200, r.text
    assert stored(engine) == {sam.id: (2, 5, None), lee.id: (1, None, None)}
    r = patch(client, w, [{"rep": sam.id, "weight": 10, "daily_cap": {"lead": None}}])
    assert stored(engine)[sam.id] == (10, None, None)
    assert client.get("/api/v1/teams/sales", headers=w.admin()).json() == r.json()


def test_a_new_team_takes_its_roster_and_members_with_it(client, scene, engine):
    w, sam, lee, kim = scene
    r = client.post(
        "/api/v1/teams",
        headers=w.admin(),
        json={
            "slug": "support",
            "name": "Support",
            "members": [kim.id, sam.id],
            "roster": [{"rep": kim.id, "weight": 3, "daily_cap": {"lead": 4}}],
        },
    )
    assert r.status_code == 201, r.text
    assert [(e["rep"]["name"], e["weight"], e["daily_cap"]) for e in r.json()["roster"]] == [
        ("Kim", 3, {"lead": 4, "call": None}),
        ("Sam", 1, {"lead": None, "call": None}),
    ]


def test_members_and_roster_in_one_patch_use_the_new_members(client, scene, engine):
    w, sam, lee, kim = scene
    r = patch(client, w, [{"rep": kim.id, "weight": 4}], members=[sam.id, kim.id])
    assert r.status_code == 200, r.text
    assert [e["weight"] for e in r.json()["roster"]] == [1, 4]
    r = patch(client, w, [{"rep": lee.id, "weight": 4}], members=[sam.id, kim.id])
    assert (r.status_code, r.json()["field"]) == (422, "roster[0].rep")


BAD = [
    ({"weight": 0}, "roster[1].weight"),
    ({"weight": 11}, "roster[1].weight"),
    ({"weight": 2.5}, "roster[1].weight"),
    ({"weight": True}, "roster[1].weight"),
    ({"weight": None}, "roster[1].weight"),
    ({"daily_cap": {"lead": -1}}, "roster[1].daily_cap.lead"),
    ({"daily_cap": {"call": 1001}}, "roster[1].daily_cap.call"),
    ({"daily_cap": {"chat": 5}}, "roster[1].daily_cap.chat"),
    ({"daily_cap": 5}, "roster[1].daily_cap"),
    ({"colour": "red"}, "roster[1].colour"),
]


@pytest.mark.parametrize(("entry", "field"), BAD)
def test_a_bad_value_names_its_field_and_changes_nothing(client, scene, engine, entry, field):
    w, sam, lee, _ = scene
    before = stored(engine)
    roster = [{"rep": sam.id, "weight": 5}, {"rep": lee.id, **entry}]
    r = patch(client, w, roster, name="Renamed")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert names(r.json()["field"], field)
    assert stored(engine) == before
    assert client.get("/api/v1/teams/sales", headers=w.admin()).json()["name"] == "Sales"


def test_an_unknown_a_non_member_or_a_repeated_rep_is_refused_by_its_place(client, scene, engine):
    w, sam, lee, kim = scene
    other = make_rep(make_company(engine, "globex"), "Stranger")
    before = stored(engine)
    for roster, field in [
        ([{"rep": sam.id, "weight": 2}, {"rep": "nobody"}], "roster[1].rep"),
        ([{"rep": kim.id, "weight": 2}], "roster[0].rep"),
        ([{"rep": other.id, "weight": 2}], "roster[0].rep"),
        ([{"rep": sam.id, "weight": 2}, {"rep": lee.id}, {"rep": sam.id}], "roster[2].rep"),
        ([{"weight": 2}], "roster[0].rep"),
    ]:
        r = patch(client, w, roster)
        assert r.status_code == 422 and names(r.json()["field"], field), (roster, r.text)
        assert stored(engine) == before


def test_only_an_admin_token_reads_or_changes_the_roster(client, scene, engine):
    w, sam, _, _ = scene
    roster = [{"rep": sam.id, "weight": 2}]
    r = client.patch("/api/v1/teams/sales", headers=w.assign(), json={"roster": roster})
    assert r.status_code == 403
    assert client.get("/api/v1/teams/sales", headers=w.assign()).status_code == 403
    assert stored(engine)[sam.id] == (1, None, None)


def test_another_companys_team_is_not_found(client, scene, engine):
    w, sam, _, _ = scene
    other = make_company(engine, "globex")
    r = client.patch("/api/v1/teams/sales", headers=other.admin(), json={"roster": []})
    assert r.status_code == 404
    r = patch(client, other, [{"rep": sam.id, "weight": 2}])
    assert r.status_code == 404
    assert stored(engine)[sam.id] == (1, None, None)
