"""The managers' People and Integrations pages, through their forms (no JavaScript) and htmx."""

import html
import re

import pytest
from sqlmodel import Session, select

from app.models import ApiToken, Rep
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import csrf, post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}
NEW_PERSON = {
    "name": "Lee Park",
    "email": "lee@acme.test",
    "phone": "+12125550199",
    "role": "rep",
    "timezone": "America/Chicago",
}


def people_named(engine, email):
    with Session(engine) as s:
        return s.exec(select(Rep).where(Rep.email == email)).all()


def shown_value(page, id_):
    """The value of the read-only input with this id (a secret shown once)."""
    found = re.search(rf'<input type="\w+" id="{id_}"[^>]*value="([^"]+)"', page)
    assert found, f"no #{id_} on the page"
    return html.unescape(found.group(1))


def active_list(page):
    """The HTML of the Active list only."""
    return page.split('id="people-active"', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def manager(client, engine):
    """A company whose manager is signed in."""
    world = make_company(engine)
    assert sign_in(client, "boss@acme.test").status_code == 303
    return world


def test_manager_adds_a_rep_and_sees_the_invitation_link_that_lets_them_sign_in(
    client, engine, manager
):
    r = post(client, "/settings/people", NEW_PERSON)
    assert r.status_code == 303 and r.headers["location"] == "/settings/people#invite-link-box"
    page = client.get("/settings/people").text
    assert "Share this link with Lee Park; it works once, for 7 days." in page
    link = shown_value(page, "invite-link")
    assert link.startswith("http://testserver/invite/") and "readonly" in page
    assert "Lee Park" in active_list(page) and "Invited · no password yet" in page
    assert "Share this link" not in client.get("/settings/people").text  # shown once
    (lee,) = people_named(engine, "lee@acme.test")
    assert (lee.phone, lee.timezone, lee.role) == ("+12125550199", "America/Chicago", "rep")

    client.cookies.clear()
    path = link.removeprefix("http://testserver")
    form = {"password": "a long passphrase", "confirm": "a long passphrase"}
    assert post(client, path, form).status_code == 303
    client.cookies.clear()
    assert sign_in(client, "lee@acme.test", "a long passphrase").status_code == 303


def test_with_htmx_adding_a_person_answers_the_section_with_the_link(client, engine, manager):
    r = client.post(
        "/settings/people", data={**NEW_PERSON, "_csrf_token": csrf(client)}, headers=HX
    )
    assert r.status_code == 200 and "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="people"')
    assert shown_value(r.text, "invite-link").startswith("http://testserver/invite/")


def test_duplicate_email_shows_an_inline_error_and_adds_nobody(client, engine, manager):
    make_rep(manager, "Dana")
    r = post(client, "/settings/people", {**NEW_PERSON, "email": "dana@acme.test"})
    assert r.status_code == 422
    assert 'id="person-email-error"' in r.text and "already has an account" in r.text
    assert 'value="Lee Park"' in r.text  # the form keeps what was typed
    assert len(people_named(engine, "dana@acme.test")) == 1
    with Session(engine) as s:
        assert not s.exec(select(Rep).where(Rep.name == "Lee Park")).all()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address"),
        ("phone", "555-0199", "Use E.164 format"),
        ("timezone", "Mars/Olympus", ""),
    ],
)
def test_bad_input_is_refused_beside_its_field(client, engine, manager, field, value, message):
    r = post(client, "/settings/people", {**NEW_PERSON, field: value})
    assert r.status_code == 422
    assert f'id="person-{field}-error"' in r.text and message in r.text
    assert not people_named(engine, NEW_PERSON["email"])


def test_new_invitation_link_replaces_the_old_one(client, engine, manager):
    post(client, "/settings/people", NEW_PERSON)
    first = shown_value(client.get("/settings/people").text, "invite-link")
    (lee,) = people_named(engine, "lee@acme.test")
    r = client.post(
        f"/settings/people/{lee.id}/invite", data={"_csrf_token": csrf(client)}, headers=HX
    )
    assert r.status_code == 200 and "Share this link with Lee Park" in r.text
    second = shown_value(r.text, "invite-link")
    assert second != first
    client.cookies.clear()
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert client.get(second.removeprefix("http://testserver")).status_code == 200


def test_someone_with_a_password_gets_no_new_invitation(client, engine, manager):
    dana = make_rep(manager, "Dana")
    page = client.get("/settings/people").text
    assert f"/settings/people/{dana.id}/invite" not in page
    r = post(client, f"/settings/people/{dana.id}/invite")
    assert r.status_code == 409 and "Dana has already set a password" in r.text


def test_deactivating_a_rep_removes_them_from_the_active_list_and_sign_in(client, engine, manager):
    dana = make_rep(manager, "Dana")
    assert "Dana" in active_list(client.get("/settings/people").text)
    r = post(client, f"/settings/people/{dana.id}/deactivate")
    assert r.status_code == 303
    page = client.get("/settings/people").text
    assert "Dana is deactivated" in page
    assert "Dana" not in active_list(page)
    assert 'id="people-deactivated"' in page and "dana@acme.test" in page
    client.cookies.clear()
    assert sign_in(client, "dana@acme.test").status_code == 401


def test_a_deactivated_rep_can_be_reactivated_and_gets_a_new_invitation(client, engine, manager):
    dana = make_rep(manager, "Dana", phone="+12125550101")
    post(client, f"/settings/people/{dana.id}/deactivate")
    r = post(client, f"/settings/people/{dana.id}/reactivate")
    assert r.status_code == 303
    page = client.get("/settings/people").text
    assert "Dana" in active_list(page) and "/invite/" in page
    assert people_named(engine, "dana@acme.test")[0].active


def test_reactivating_someone_whose_number_was_given_away_is_refused(client, engine, manager):
    dana = make_rep(manager, "Dana", phone="+12125550101")
    post(client, f"/settings/people/{dana.id}/deactivate")
    make_rep(manager, "Lee", phone="+12125550101")
    r = post(client, f"/settings/people/{dana.id}/reactivate")
    assert r.status_code == 409 and "+12125550101 already belongs to Lee" in r.text
    assert not people_named(engine, "dana@acme.test")[0].active


def test_a_manager_cannot_deactivate_themself(client, engine, manager):
    page = client.get("/settings/people").text
    assert f"/settings/people/{manager.manager.id}/deactivate" not in page
    r = post(client, f"/settings/people/{manager.manager.id}/deactivate")
    assert r.status_code == 409 and "You can&#39;t deactivate yourself" in r.text
    assert people_named(engine, "boss@acme.test")[0].active


def test_a_token_made_on_the_page_works_until_it_is_revoked(client, engine, manager):
    r = post(client, "/settings/integrations", {"name": "HubSpot", "scope": "admin"})
    assert r.status_code == 303
    page = client.get("/settings/integrations").text
    assert "it will not be shown again" in page
    secret = shown_value(page, "token-secret")
    assert secret not in client.get("/settings/integrations").text  # shown once
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/teams", headers=bearer).status_code == 200

    with Session(engine) as s:
        token = s.exec(select(ApiToken).where(ApiToken.name == "HubSpot")).one()
    assert post(client, f"/settings/integrations/{token.id}/revoke").status_code == 303
    assert "Revoked" in client.get("/settings/integrations").text
    assert client.get("/api/v1/teams", headers=bearer).status_code == 401


def test_integrations_page_shows_how_a_crm_calls_the_hook(client, engine, manager):
    page = client.get("/settings/integrations").text
    assert "curl -s -X POST http://testserver/api/v1/assignments" in page
    assert "crm-admin" in page and "Live" in page


def test_a_token_without_a_name_is_refused_inline(client, engine, manager):
    r = post(client, "/settings/integrations", {"name": "", "scope": "assign"})
    assert r.status_code == 422 and 'id="token-name-error"' in r.text
    with Session(engine) as s:
        assert len(s.exec(select(ApiToken)).all()) == 2  # the builder's two


@pytest.mark.parametrize("path", ["/settings/people", "/settings/integrations"])
def test_a_rep_is_refused_both_pages(client, engine, path):
    world = make_company(engine)
    make_rep(world, "Dana")
    sign_in(client, "dana@acme.test")
    assert client.get(path).status_code == 403
    assert post(client, path, {"name": "Sneaky", "email": "x@acme.test"}).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(client, engine, manager):
    r = client.post("/settings/people", data=NEW_PERSON, follow_redirects=False)
    assert r.status_code == 403
    assert not people_named(engine, NEW_PERSON["email"])


def test_managers_reach_both_pages_from_the_schedule_tab(client, engine, manager):
    page = client.get("/schedule").text
    assert 'href="/settings/people"' in page and 'href="/settings/integrations"' in page
