"""Accessibility and installability in Debian's Chromium at 390×844.

axe-core (vendored at static/vendor, served by the app, so the page's CSP allows it) runs on every
page a rep or a manager can open, with all of its default rules: zero violations. Chromium's own
installability check (DevTools `Page.getInstallabilityErrors`) must find nothing to complain about.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARGS, CHROMIUM, PHONE, sign_in
from tests.live import Server, run_cli

AXE = "/static/vendor/axe-4.14.1.min.js"
REP = "sam@demo.ondeck.app"
MANAGER = "manager@demo.ondeck.app"
# (name, who is signed in, path; {rep} and {invite} are filled from the demo company)
PAGES = [
    ("sign-in", None, "/signin"),
    ("invite", None, "{invite}"),
    ("offline", None, "/offline"),
    ("phone tab", REP, "/"),
    ("phone tab, status menu open", REP, "/#menu"),
    ("schedule", REP, "/schedule"),
    ("profiles", REP, "/profiles"),
    ("manager's phone tab", MANAGER, "/"),
    ("manager's schedule", MANAGER, "/schedule"),
    ("team board", MANAGER, "/team"),
    ("charts", MANAGER, "/team/charts"),
    ("rep page", MANAGER, "/team/reps/{rep}"),
    ("company settings", MANAGER, "/settings/company"),
    ("rep's time off", MANAGER, "/settings/reps/{rep}/time-off"),
    ("people", MANAGER, "/settings/people"),
    ("integrations", MANAGER, "/settings/integrations"),
    ("teams", MANAGER, "/teams"),
    ("team settings", MANAGER, "/teams/sales"),
    ("assignment log", MANAGER, "/log"),
]


@pytest.fixture(scope="module")
def demo_ids(demo_server: Server) -> dict[str, str]:
    """A rep's id and a fresh invitation link of the demo company (through its API)."""
    out = run_cli(demo_server.env, "token", "create", "--org", "demo", "--name", "axe",
                  "--scope", "admin")  # fmt: skip
    headers = {"Authorization": f"Bearer {out.split()[-1]}"}
    with httpx.Client(base_url=demo_server.url, headers=headers, timeout=30) as api:
        reps = api.get("/api/v1/reps").json()
        rep = next(r for r in reps if r["email"] == REP)
        n = len(reps)
        invited = api.post("/api/v1/reps", json={"name": "Quinn", "email": f"quinn{n}@demo.test"})
    invite = invited.json()["invite_url"]
    return {"rep": rep["id"], "invite": "/invite/" + invite.rsplit("/invite/", 1)[1]}


@pytest.fixture(scope="module")
def contexts(browser: Any, demo_server: Server) -> Iterator[dict[str | None, Any]]:
    """One phone-sized browser context per visitor: signed out, a rep, a manager."""
    made: dict[str | None, Any] = {}
    for who in (None, REP, MANAGER):
        made[who] = browser.new_context(
            viewport=PHONE,
            base_url=demo_server.url,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        if who:
            page = made[who].new_page()
            sign_in(page, who)
            page.close()
    yield made
    for context in made.values():
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every default rule)."""
    page.add_script_tag(url=AXE)
    page.wait_for_function("typeof window.axe !== 'undefined'")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation with its impact, help and the first few offending elements."""
    lines = []
    for v in violations:
        nodes = "; ".join(
            f"{' '.join(n['target'])}: {n.get('failureSummary', '')[:200]}" for n in v["nodes"][:4]
        )
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n    {nodes}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_accessibility_violations(contexts, demo_ids, name, who, path):
    page = contexts[who].new_page()
    try:
        target = path.format(**demo_ids).removesuffix("#menu")
        response = page.goto(target, wait_until="networkidle")
        assert response is not None and response.status == 200, (name, response)
        if path.endswith("#menu"):
            page.get_by_text("Choose status, note or until").click()
        violations = axe_violations(page)
        assert not violations, f"{name} ({target}):\n{describe(violations)}"
    finally:
        page.close()


def test_chromium_finds_the_app_installable(browser, demo_server, tmp_path):
    # A browser profile on disk: Chromium never offers to install from an incognito context.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=ARGS,
        viewport=PHONE,
        base_url=demo_server.url,
    )
    try:
        page = context.new_page()
        sign_in(page, REP)
        page.wait_for_load_state("networkidle")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert manifest["url"].endswith("/static/manifest.webmanifest")
        assert not manifest.get("errors"), manifest["errors"]
        assert errors == [], errors
    finally:
        context.close()
