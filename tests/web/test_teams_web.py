"""Managers' team pages and the decision log, through their forms (htmx and without JavaScript)."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from app.models import Assignment, Team, TeamMember
from tests.builders import available, make_company, make_rep, make_team, set_status
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def text_of(html: str) -> str:
    """The visible words of some HTML, tags dropped and spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class _Element(HTMLParser):
    """Collects the HTML of the element with one id, nested tags and all."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self, ident: str) -> None:
        super().__init__(convert_charrefs=False)
        self.ident, self.depth, self.parts = ident, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.ident:
            self.parts.append(self.get_starttag_text())
            self.depth += tag not in self.VOID

    def handle_endtag(self, tag):
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def part(html: str, ident: str) -> str:
    """The HTML of the element with this id (a section of the page)."""
    parser = _Element(ident)
    parser.feed(html)
    assert parser.parts, f"no #{ident}"
    return "".join(parser.parts)


def section(html: str, ident: str) -> str:
    """The words of the element with this id."""
    return text_of(part(html, ident))


def team_row(engine, slug: str = "sales") -> Team:
    with Session(engine) as s:
        return s.exec(select(Team).where(Team.slug == slug)).one()


def member_ids(engine, team: Team) -> list[str]:
    with Session(engine) as s:
        q = select(TeamMember).where(TeamMember.team_id == team.id).order_by(TeamMember.position)
        return [m.rep_id for m in s.exec(q)]


def assignments(engine) -> int:
    with Session(engine) as s:
        return len(s.exec(select(Assignment)).all())


def hook(client, w, kind: str = "lead", team: str = "sales", external_id: str | None = None):
    body = {"team": team, "kind": kind, "external_id": external_id}
    r = client.post("/api/v1/assignments", headers=w.assign(), json=body)
    assert r.status_code == 201, r.text
    return r.json()


def hours_form(**days):
    """Hours editor fields: days={"mon": [("09:00", "12:00")], ...}; unnamed days are closed."""
    data: dict[str, list[str]] = {}
    for day, intervals in days.items():
        data[f"{day}_open"] = ["on"]
        data[f"{day}_start"] = [s for s, _ in intervals]
        data[f"{day}_end"] = [e for _, e in intervals]
    return data


def routing_form(**changes: str) -> dict[str, str]:
    form = {"lunch_to": "members", "away_to": "voicemail", "vacation_to": "voicemail"}
    return {**form, "ring": "sequence", **changes}


@pytest.fixture
def world(client, engine):
    """Acme (New York, Mon–Fri 09:00–17:00; now Monday 11:00) with team Sales of Dana, Lee, Kim;
    Sam is not a member. The manager is signed in."""
    w = make_company(engine)
    w.dana, w.lee, w.kim = (make_rep(w, n) for n in ("Dana Cruz", "Lee Park", "Kim Novak"))
    w.sam = make_rep(w, "Sam Ortiz")
    w.team = make_team(w, "sales", [w.dana, w.lee, w.kim])
    sign_in(client, "boss@acme.test")
    return w


# --- access --------------------------------------------------------------------------------------

PAGES = ["/teams", "/teams/sales", "/teams/sales/delete", "/log", "/log/{entry}"]
FORMS = [
    ("/teams", {"slug": "x", "name": "X"}),
    ("/teams/sales/override", {"state": "lunch"}),
    ("/teams/sales/members", {"rep": "{sam}"}),
    ("/teams/sales/members/{dana}/move", {"direction": "down"}),
    ("/teams/sales/members/{dana}/remove", {}),
    ("/teams/sales/members/{dana}/taking-part", {"taking_part": "0"}),
    ("/teams/sales/routing", routing_form(lunch_to="voicemail")),
    ("/teams/sales/schedule", {"mode": "custom"}),
    ("/teams/sales/hours/in_office", {"action": "save", **hours_form(mon=[("10:00", "12:00")])}),
    ("/teams/sales/pin", {"pin": "1234"}),
    ("/teams/sales/calendar-key", {}),
    ("/teams/sales/delete", {}),
]


def fill(path: str, w, entry: str = "") -> str:
    return path.format(dana=w.dana.id, sam=w.sam.id, entry=entry)


@pytest.mark.parametrize("path", PAGES)
def test_reps_cannot_see_team_pages_or_the_log(client, world, path):
    entry = hook(client, world)["id"]
    client.cookies.clear()
    sign_in(client, "dana.cruz@acme.test")
    assert client.get(fill(path, world, entry)).status_code == 403


@pytest.mark.parametrize("path,form", FORMS)
def test_reps_cannot_change_teams(client, world, engine, path, form):
    client.cookies.clear()
    sign_in(client, "dana.cruz@acme.test")
    before = team_row(engine)
    data = {k: fill(v, world) if isinstance(v, str) else v for k, v in form.items()}
    assert post(client, fill(path, world), data).status_code == 403
    after = team_row(engine)
    assert after.model_dump() == before.model_dump()
    assert member_ids(engine, after) == [world.dana.id, world.lee.id, world.kim.id]


@pytest.mark.parametrize("path,form", [(p, f) for p, f in FORMS if p.startswith("/teams/")])
def test_another_companys_team_is_not_found(client, world, engine, path, form):
    other = make_company(engine, slug="globex")
    stranger = make_rep(other, "Stranger")
    make_team(other, "support", [stranger])
    assert client.get("/teams/support").status_code == 404
    data = {k: fill(v, world) if isinstance(v, str) else v for k, v in form.items()}
    assert post(client, fill(path, world).replace("sales", "support"), data).status_code == 404
    assert team_row(engine, "support").override_state is None


def test_another_companys_rep_is_neither_added_nor_found(client, world, engine):
    stranger = make_rep(make_company(engine, slug="globex"), "Stranger")
    r = post(client, "/teams/sales/members", {"rep": stranger.id})
    assert r.status_code == 422 and 'id="add-member-error"' in r.text
    url = f"/teams/sales/members/{stranger.id}"
    assert post(client, url + "/taking-part", {"taking_part": "0"}).status_code == 404
    assert post(client, url + "/remove").status_code == 404
    assert post(client, url + "/move", {"direction": "up"}).status_code == 404
    assert len(member_ids(engine, world.team)) == 3


def test_another_companys_decision_is_not_found(client, world, engine):
    other = make_company(engine, slug="globex")
    make_team(other, "support", [make_rep(other, "Stranger")])
    r = client.post("/api/v1/assignments", headers=other.assign(), json={"team": "support"} | {
        "kind": "lead"})  # fmt: skip
    assert r.status_code == 201
    assert client.get(f"/log/{r.json()['id']}").status_code == 404
    assert "Stranger" not in client.get("/log").text


# --- the list of teams ---------------------------------------------------------------------------


def test_teams_list_shows_state_member_count_and_next_change(client, world, engine):
    make_team(world, "support", [world.sam])
    post(client, "/teams/support/override", {"state": "vacation"})
    page = text_of(client.get("/teams").text)
    assert "Sales 3 members Next: Away at 17:00 In office" in page
    assert "Support 1 member Override until cleared Vacation · override" in page


def test_manager_adds_a_team_and_lands_on_its_page(client, world, engine):
    r = post(client, "/teams", {"slug": "Inside-Sales", "name": "Inside sales"})
    assert r.status_code == 303 and r.headers["location"] == "/teams/inside-sales"
    team = team_row(engine, "inside-sales")
    assert team.name == "Inside sales" and team.schedule is None
    assert client.get("/teams/inside-sales").status_code == 200


@pytest.mark.parametrize(
    "form,field",
    [
        ({"slug": "no spaces", "name": "Ok"}, "team-slug"),
        ({"slug": "sales", "name": "Again"}, "team-slug"),
        ({"slug": "fine", "name": "  "}, "team-name"),
    ],
)
def test_a_bad_new_team_is_refused_inline_and_nothing_is_stored(client, world, engine, form, field):
    r = post(client, "/teams", form)
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.text and f'id="{field}" name' in r.text
    assert 'aria-invalid="true"' in r.text and f'value="{form["slug"]}"' in r.text
    with Session(engine) as s:
        assert len(s.exec(select(Team)).all()) == 1


# --- members -------------------------------------------------------------------------------------


def test_manager_adds_moves_and_removes_members(client, world, engine):
    w = world
    assert post(client, "/teams/sales/members", {"rep": w.sam.id}).status_code == 303
    assert member_ids(engine, w.team) == [w.dana.id, w.lee.id, w.kim.id, w.sam.id]
    r = post(client, f"/teams/sales/members/{w.sam.id}/move", {"direction": "up"})
    assert r.status_code == 303 and r.headers["location"] == "/teams/sales#members"
    post(client, f"/teams/sales/members/{w.dana.id}/move", {"direction": "up"})  # first: stays
    post(client, f"/teams/sales/members/{w.dana.id}/move", {"direction": "down"})
    assert member_ids(engine, w.team) == [w.lee.id, w.dana.id, w.sam.id, w.kim.id]
    assert post(client, f"/teams/sales/members/{w.dana.id}/remove").status_code == 303
    assert member_ids(engine, w.team) == [w.lee.id, w.sam.id, w.kim.id]
    members = section(client.get("/teams/sales").text, "members")
    assert members.index("1. Lee Park") < members.index("2. Sam Ortiz") < members.index("3. Kim")


def test_adding_without_a_person_or_twice_is_refused_inline(client, world, engine):
    r = post(client, "/teams/sales/members", {"rep": ""})
    assert r.status_code == 422 and "Pick a person to add." in section(r.text, "members")
    r = post(client, "/teams/sales/members", {"rep": world.dana.id}, headers=HX)
    assert r.status_code == 422 and "Dana Cruz is listed twice." in r.text
    assert member_ids(engine, world.team) == [world.dana.id, world.lee.id, world.kim.id]


def test_a_move_without_a_direction_is_refused_inline(client, world, engine):
    r = post(client, f"/teams/sales/members/{world.lee.id}/move", {"direction": "sideways"})
    assert r.status_code == 422 and "Move a member up or down." in section(r.text, "members")
    assert member_ids(engine, world.team) == [world.dana.id, world.lee.id, world.kim.id]


def test_a_member_stops_and_resumes_taking_part(client, world, engine):
    url = f"/teams/sales/members/{world.lee.id}/taking-part"
    r = post(client, url, {"taking_part": "0"}, headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    assert re.search(r"Lee Park.*?Not taking part", text_of(r.text))
    assert 'aria-label="Resume Lee Park: take part again"' in r.text
    with Session(engine) as s:
        assert s.get(TeamMember, (world.team.id, world.lee.id)).taking_part is False
    post(client, url, {"taking_part": "1"})
    with Session(engine) as s:
        assert s.get(TeamMember, (world.team.id, world.lee.id)).taking_part is True


def test_members_show_their_status_and_whether_they_are_in_line(client, world):
    available(world, world.dana)
    set_status(world, world.lee, "busy")
    members = section(client.get("/teams/sales").text, "members")
    assert "1. Dana Cruz Available In line" in members
    assert "2. Lee Park Busy Skipped now: busy" in members
    assert "3. Kim Novak Offline Skipped now: offline" in members


# --- routing -------------------------------------------------------------------------------------


def test_manager_sets_destinations_and_ring_mode(client, world, engine):
    make_team(world, "support", [world.sam])
    form = routing_form(
        lunch_to="voicemail",
        away_to="number",
        away_number="+1 (555) 123-4567",
        vacation_to="team:support",
        ring="all",
    )
    r = post(client, "/teams/sales/routing", form)
    assert r.status_code == 303 and r.headers["location"] == "/teams/sales#routing"
    team = team_row(engine)
    assert team.dest_lunch == {"type": "voicemail"}
    assert team.dest_away == {"type": "number", "number": "+15551234567"}
    assert team.dest_vacation == {"type": "team", "team": "support"} and team.ring == "all"
    page = client.get("/teams/sales").text
    assert 'value="team:support" selected' in page and 'value="+15551234567"' in page


def test_a_bad_number_is_refused_beside_its_field_and_nothing_is_stored(client, world, engine):
    form = routing_form(lunch_to="voicemail", away_to="number", away_number="555-1234")
    r = post(client, "/teams/sales/routing", form, headers=HX)
    assert r.status_code == 422
    assert re.search(r'id="route-away-number-error">Must be an E.164 number', r.text, re.I)
    assert 'value="555-1234"' in r.text  # what was typed stays
    team = team_row(engine)
    assert team.dest_away == {"type": "voicemail"} and team.dest_lunch == {"type": "members"}


def test_a_loop_of_teams_is_refused_inline_and_nothing_is_stored(client, world, engine):
    make_team(
        world, "support", [world.sam], destinations={"away": {"type": "team", "team": "sales"}}
    )
    r = post(client, "/teams/sales/routing", routing_form(lunch_to="team:support", ring="all"))
    assert r.status_code == 409
    assert re.search(r'id="route-lunch-error">Team destinations would loop: sales', r.text)
    team = team_row(engine)
    assert team.dest_lunch == {"type": "members"} and team.ring == "sequence"


def test_picking_a_number_shows_its_input_before_saving(client, world, engine):
    page = client.get("/teams/sales").text
    assert "<noscript>" in page and page.count('type="tel"') == 3  # without JS: every input
    form = routing_form(lunch_to="number", draft="1")
    r = post(client, "/teams/sales/routing", form, headers=HX)
    assert r.status_code == 200
    shown = r.text.split("<noscript>")[0]
    assert 'id="route-lunch-number"' in shown
    assert team_row(engine).dest_lunch == {"type": "members"}


# --- hours ---------------------------------------------------------------------------------------


def test_team_follows_company_hours_until_given_its_own(client, world, engine):
    page = client.get("/teams/sales").text
    assert "Sales follows company hours" in section(page, "schedule")
    assert 'name="mon_start"' not in page
    assert post(client, "/teams/sales/schedule", {"mode": "custom"}).status_code == 303
    schedule = team_row(engine).schedule
    assert schedule["in_office"]["mon"] == [["09:00", "17:00"]]
    assert all(schedule["lunch"][d] == [] for d in WEEKDAYS)
    page = client.get("/teams/sales").text
    assert re.search(r'<h2 class="section-title" id="in-office-title">In office hours</h2>', page)
    assert re.search(r'<h2 class="section-title" id="lunch-title">Lunch hours</h2>', page)
    assert "Company hours</h2>" not in page
    post(client, "/teams/sales/schedule", {"mode": "company"})
    assert team_row(engine).schedule is None


def test_manager_saves_in_office_and_lunch_hours(client, world, engine):
    post(client, "/teams/sales/schedule", {"mode": "custom"})
    office = hours_form(**{d: [("08:00", "12:00"), ("13:00", "18:00")] for d in WEEKDAYS})
    r = post(client, "/teams/sales/hours/in_office", {"action": "save", **office})
    assert r.status_code == 303 and r.headers["location"] == "/teams/sales#in-office"
    lunch = hours_form(mon=[("12:00", "13:00")])
    r = post(client, "/teams/sales/hours/lunch", {"action": "save", **lunch}, headers=HX)
    assert r.status_code == 200 and "Hours saved." in section(r.text, "lunch")
    assert re.search(r'<section id="now"[^>]* hx-swap-oob="true"', r.text)
    schedule = team_row(engine).schedule
    assert schedule["in_office"]["fri"] == [["08:00", "12:00"], ["13:00", "18:00"]]
    assert schedule["lunch"]["mon"] == [["12:00", "13:00"]] and schedule["lunch"]["tue"] == []


def test_bad_team_hours_are_refused_inline_and_nothing_is_stored(client, world, engine):
    post(client, "/teams/sales/schedule", {"mode": "custom"})
    bad = {"action": "save", **hours_form(wed=[("17:00", "09:00")])}
    r = post(client, "/teams/sales/hours/in_office", bad)
    assert r.status_code == 422
    assert 'id="in-office-wed-error"' in r.text and "Wednesday: Start must be before end" in r.text
    assert team_row(engine).schedule["in_office"]["wed"] == [["09:00", "17:00"]]
    assert post(client, "/teams/sales/hours/dinner", bad).status_code == 404


def test_hours_editor_actions_change_the_draft_only(client, world, engine):
    post(client, "/teams/sales/schedule", {"mode": "custom"})
    base = hours_form(mon=[("08:00", "12:00")])
    r = post(client, "/teams/sales/hours/lunch", {**base, "action": "add:mon"})
    assert r.status_code == 200 and part(r.text, "lunch").count('name="mon_start"') == 2
    assert all(v == [] for v in team_row(engine).schedule["lunch"].values())


# --- PIN -----------------------------------------------------------------------------------------


def test_manager_sets_and_removes_the_pin_which_is_never_shown(client, world, engine):
    r = post(client, "/teams/sales/pin", {"pin": "20261"}, headers=HX)
    assert r.status_code == 200 and "PIN set." in r.text and "20261" not in r.text
    assert team_row(engine).pin_hash is not None
    page = client.get("/teams/sales").text
    assert "A PIN is set." in page and "20261" not in page
    post(client, "/teams/sales/pin", {"pin": "", "clear": "1"})
    assert team_row(engine).pin_hash is None


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", ""])
def test_a_bad_pin_is_refused_inline_and_nothing_is_stored(client, world, engine, pin):
    post(client, "/teams/sales/pin", {"pin": "4321"})
    before = team_row(engine).pin_hash
    r = post(client, "/teams/sales/pin", {"pin": pin})
    assert r.status_code == 422 and 'id="team-pin-error">Use 4 to 8 digits.' in r.text
    assert team_row(engine).pin_hash == before


# --- state, override and preview -----------------------------------------------------------------


def test_override_shows_the_state_and_when_it_ends_then_back_to_schedule(client, world, engine):
    now = section(client.get("/teams/sales").text, "now")
    assert "Sales is in office On schedule. Next: Away at 17:00." in now
    r = post(client, "/teams/sales/override", {"state": "lunch"})
    assert r.status_code == 303 and r.headers["location"] == "/teams/sales#now"
    now = section(client.get("/teams/sales").text, "now")
    said = "Sales is at lunch Override until 17:00, set by Morgan; the schedule says in office."
    assert said in now
    assert "Back to schedule" in now
    r = post(client, "/teams/sales/override", {"state": "vacation"}, headers=HX)
    assert r.status_code == 200 and r.text.lstrip().startswith('<section id="now"')
    assert "Sales is on vacation Override until cleared" in text_of(r.text)
    post(client, "/teams/sales/override", {"state": "schedule"})
    team = team_row(engine)
    assert team.override_state is None and team.override_until is None


def test_an_unknown_override_is_refused_inline(client, world, engine):
    r = post(client, "/teams/sales/override", {"state": "siesta"})
    assert r.status_code == 422 and "Use in_office, lunch, away or vacation." in r.text
    assert team_row(engine).override_state is None


def test_preview_shows_the_next_lead_and_the_hunt_list_and_assigns_nothing(client, world):
    available(world, world.dana, world.kim)
    set_status(world, world.lee, "busy")
    page = client.get("/teams/sales").text
    preview = section(page, "preview")
    assert "Next lead: Dana Cruz" in preview
    assert "Next call: Dana Cruz Rings one by one: Dana Cruz → Kim Novak" in preview
    assert "Dana Cruz: available, least recently assigned. Skipped: Lee Park (busy)" in preview
    assert assignments(world.engine) == 0


def test_preview_at_lunch_shows_the_lunch_destination(client, world):
    available(world, world.dana)
    post(
        client, "/teams/sales/routing", routing_form(lunch_to="number", lunch_number="+15550001111")
    )
    r = post(client, "/teams/sales/override", {"state": "lunch"}, headers=HX)
    preview = section(r.text, "preview")
    assert "Next lead: +15550001111 Team at lunch" in preview
    assert "Team at lunch. Sent to +15550001111." in preview
    assert assignments(world.engine) == 0


def test_htmx_changes_answer_their_section_and_the_state_beside_it(client, world):
    r = post(client, "/teams/sales/routing", routing_form(lunch_to="voicemail"), headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    assert r.text.lstrip().startswith('<section id="routing"') and "Routing saved." in r.text
    assert 'hx-swap-oob="true"' in r.text and "Sends work to voicemail" in r.text
    refreshed = client.get("/teams/sales", headers={**HX, "HX-Target": "now"}).text
    assert refreshed.lstrip().startswith('<section id="now"') and "hx-swap-oob" not in refreshed


# --- delete --------------------------------------------------------------------------------------


def test_manager_deletes_a_team_after_confirming_and_its_log_stays(client, world, engine):
    hook(client, world)
    assert "Delete Sales?" in client.get("/teams/sales/delete").text
    r = post(client, "/teams/sales/delete")
    assert r.status_code == 303 and r.headers["location"] == "/teams"
    assert client.get("/teams/sales").status_code == 404
    assert assignments(engine) == 1 and "sales" in client.get("/log").text


def test_a_team_others_send_work_to_is_not_deleted(client, world, engine):
    make_team(
        world, "support", [world.sam], destinations={"away": {"type": "team", "team": "sales"}}
    )
    r = post(client, "/teams/sales/delete")
    assert r.status_code == 409 and "Team &#39;support&#39; sends work to &#39;sales&#39;" in r.text
    assert team_row(engine).slug == "sales"


# --- the decision log ----------------------------------------------------------------------------


def test_log_lists_decisions_newest_first_with_their_trace_in_words(client, world, clock):
    available(world, world.dana, world.kim)
    set_status(world, world.lee, "busy")
    hook(client, world, external_id="crm-1")
    clock.fixed += timedelta(minutes=5)
    hook(client, world, "call", external_id="call-2")
    post(client, "/teams/sales/override", {"state": "away"})
    clock.fixed += timedelta(minutes=5)
    hook(client, world, external_id="crm-3")
    page = section(client.get("/log").text, "log-entries")
    assert page.index("crm-3") < page.index("call-2") < page.index("crm-1")
    assert page.startswith("Today Voicemail Team away 11:10 · Sales · Lead · crm-3")
    assert "crm-3 Team away. Sent to voicemail." in page
    assert (
        "Dana Cruz Assigned 11:05 · Sales · Call · call-2 Dana Cruz: available, least recently"
        " assigned. Skipped: Lee Park (busy)" in page
    )


def test_log_filters_by_team_kind_rep_and_company_day(client, world, clock):
    available(world, world.dana, world.sam)
    make_team(world, "support", [world.sam])
    hook(client, world, external_id="a-lead")
    hook(client, world, "call", external_id="a-call")
    hook(client, world, team="support", external_id="b-lead")
    clock.fixed = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 23:30 on Monday in New York
    post(client, "/teams/sales/override", {"state": "in_office"})
    hook(client, world, external_id="late")
    shown = lambda **q: re.findall(r"(?:a|b)-(?:lead|call)|late", client.get("/log", params=q).text)  # noqa: E731
    assert shown(team="support") == ["b-lead"]
    assert shown(kind="call") == ["a-call"]
    assert shown(rep=world.sam.id) == ["b-lead"]
    assert shown(day="2026-03-09") == ["late", "b-lead", "a-call", "a-lead"]
    assert shown(day="2026-03-10") == []
    r = client.get("/log", params={"day": "9 March"})
    assert r.status_code == 422 and 'id="log-day-error">Enter a date like 2026-03-09.' in r.text


def test_log_pages_with_offset_newest_first(client, world):
    available(world, world.dana)
    for i in range(30):
        hook(client, world, external_id=f"lead-{i:02d}")
    first = client.get("/log").text
    assert "lead-29" in first and "lead-05" in first and "lead-04" not in first
    assert 'href="/log?offset=25"' in first and "Newer" not in first
    older = client.get("/log", params={"offset": 25}, headers={**HX, "HX-Target": "log-entries"})
    assert older.text.lstrip().startswith('<section id="log-entries"')
    assert re.findall(r"lead-\d\d", older.text) == ["lead-04", "lead-03", "lead-02", "lead-01",
                                                   "lead-00"]  # fmt: skip
    assert 'href="/log"' in older.text and "Older" not in older.text


def test_log_entry_shows_the_full_trace(client, world):
    available(world, world.dana)
    set_status(world, world.kim, "away")
    answer = hook(client, world, "call", external_id="call-9")
    page = client.get(f"/log/{answer['id']}").text
    words = text_of(page)
    assert "Dana Cruz Call for Sales · Mon 9 Mar 2026, 11:00" in words
    assert "Hunt list Dana Cruz Kim Novak" in words and "External id call-9" in words
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], re.S)
    assert [text_of(row) for row in rows] == [
        "Dana Cruz Yes, tier 1 available",
        "Lee Park No offline",
        "Kim Novak Yes, tier 2 away",
    ]
    assert client.get("/log/nope").status_code == 404


# --- calendar feed -------------------------------------------------------------------------------


def feed_link(html: str) -> str:
    """The private feed address the calendar section shows, as a path for the test client."""
    found = re.search(r'id="calendar-url" type="url" value="([^"]+)"', html)
    assert found, "no calendar link"
    return unescape(found[1]).replace("http://testserver", "")


def test_team_page_shows_the_calendar_link_and_new_link_changes_it(client, world, engine):
    page = client.get("/teams/sales").text
    old = feed_link(page)
    assert old.startswith("/api/v1/teams/sales/calendar.ics?key=")
    webcal = 'href="webcal://testserver/api/v1/teams/sales/calendar.ics?key='
    assert webcal in part(page, "calendar")
    assert "Dana Cruz working" in client.get(old).text
    r = post(client, "/teams/sales/calendar-key", headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    assert "The old link no longer works" in r.text
    new = feed_link(r.text)
    assert new != old and team_row(engine).calendar_key_version == 2
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert feed_link(client.get("/teams/sales").text) == new


def test_new_team_calendar_link_works_without_javascript(client, world, engine):
    old = feed_link(client.get("/teams/sales").text)
    r = post(client, "/teams/sales/calendar-key")
    assert r.status_code == 303 and r.headers["location"] == "/teams/sales#calendar"
    assert feed_link(client.get("/teams/sales").text) != old
    assert client.get(old).status_code == 404


def test_team_calendar_section_posts_to_the_teams_own_address(client, world):
    calendar = part(client.get("/teams/sales").text, "calendar")
    assert 'action="/teams/sales/calendar-key"' in calendar
    assert 'hx-post="/teams/sales/calendar-key"' in calendar
    assert "The team's private link" in text_of(calendar) and 'name="_csrf_token"' in calendar


def test_a_rep_cannot_make_a_new_team_calendar_link(client, world, engine):
    client.cookies.clear()
    sign_in(client, "dana.cruz@acme.test")
    assert post(client, "/teams/sales/calendar-key", headers=HX).status_code == 403
    assert team_row(engine).calendar_key_version == 1
