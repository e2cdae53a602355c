"""The team page's roster form: weights and daily caps, their effect in words, refusals in place."""

from sqlmodel import Session, select

from app.models import TeamMember
from tests.builders import make_company, make_rep, make_team
from tests.web.helpers import post, sign_in

HX = {"HX-Request": "true"}


def _setup(client, engine):
    w = make_company(engine)
    sam, lee, kim = make_rep(w, "Sam"), make_rep(w, "Lee"), make_rep(w, "Kim")
    make_team(w, "sales", [sam, lee, kim])
    assert sign_in(client, "boss@acme.test").status_code == 303
    return w, sam, lee, kim


def stored(engine) -> dict[str, tuple[int, int | None, int | None]]:
    with Session(engine) as s:
        return {
            tm.rep_id: (tm.weight, tm.cap_lead, tm.cap_call) for tm in s.exec(select(TeamMember))
        }


def test_the_team_page_shows_the_roster_with_equal_shares_by_default(client, engine):
    _, sam, _, _ = _setup(client, engine)
    text = client.get("/teams/sales").text
    assert 'id="roster"' in text and f'name="weight-{sam.id}" value="1"' in text
    assert "Everyone takes an equal share" in text and "No daily caps." in text


def test_saved_weights_and_caps_are_explained_in_words(client, engine):
    _, sam, lee, kim = _setup(client, engine)
    form = {f"weight-{sam.id}": "2", f"lead-{sam.id}": "5", f"call-{sam.id}": ""}
    form |= {f"weight-{lee.id}": "1", f"lead-{lee.id}": "", f"call-{lee.id}": "1"}
    r = post(client, "/teams/sales/roster", form)
    assert (r.status_code, r.headers["location"]) == (303, "/teams/sales#roster")
    assert stored(engine) == {sam.id: (2, 5, None), lee.id: (1, None, 1), kim.id: (1, None, None)}
    text = client.get("/teams/sales").text
    assert "Sam takes 2 of every 4 leads and calls; everyone else 1 of every 4." in text
    assert "Sam: at most 5 leads a day" in text and "Lee: at most 1 call a day" in text
    assert f'name="lead-{sam.id}" value="5"' in text


def test_htmx_gets_the_section_back_with_a_notice(client, engine):
    _, sam, _, _ = _setup(client, engine)
    r = post(client, "/teams/sales/roster", {f"weight-{sam.id}": "3"}, headers=HX)
    assert r.status_code == 200
    assert "Shares and caps saved." in r.text and "Sam takes 3 of every 5" in r.text
    assert 'id="now"' in r.text  # the team's state beside it, out of band


def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_saved(client, engine):
    _, sam, lee, _ = _setup(client, engine)
    before = stored(engine)
    form = {f"weight-{sam.id}": "4", f"weight-{lee.id}": "11"}
    r = post(client, "/teams/sales/roster", form, headers=HX)
    assert r.status_code == 422
    assert stored(engine) == before
    assert f'id="roster-weight-{lee.id}" name="weight-{lee.id}" value="11"' in r.text
    assert f'aria-describedby="roster-weight-{lee.id}-error"' in r.text
    assert f'id="roster-weight-{lee.id}-error">Weight: Enter a whole number from 1 to 10.' in r.text
    r = post(client, "/teams/sales/roster", {f"call-{sam.id}": "-1"})
    assert r.status_code == 422 and f'id="roster-call-{sam.id}-error"' in r.text
    assert stored(engine) == before


def test_only_managers_change_the_roster(client, engine):
    _, sam, _, _ = _setup(client, engine)
    client.cookies.clear()
    assert sign_in(client, "sam@acme.test").status_code == 303
    r = post(client, "/teams/sales/roster", {f"weight-{sam.id}": "9"})
    assert r.status_code == 403
    assert stored(engine)[sam.id] == (1, None, None)
