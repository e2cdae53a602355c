"""The manager's screens at 390×844 and 1280×800: chart labels are legible on a phone (>= 12px)
and each chart says its point above the drawing; the status menu shows the custom time only for
"Until…". With ONDECK_SCREENS=<dir> the test saves the screenshots of docs/screens.md."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, sign_in

LAPTOP = {"width": 1280, "height": 800}
SCREENS = os.environ.get("ONDECK_SCREENS")
SMALLEST_TEXT = """() => Math.min(...Array.from(document.querySelectorAll('svg.chart text'))
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a))"""


def shot(page, name: str, size: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    if SCREENS:
        page.screenshot(path=str(Path(SCREENS) / f"{name}-{size['width']}.png"))


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_manager_screens_are_legible(browser, demo_server, size):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=size, base_url=demo_server.url)
    page = context.new_page()
    try:
        sign_in(page, "manager@demo.ondeck.app")
        page.goto("/team")
        shot(page, "board", size)
        page.goto("/teams/sales")
        shot(page, "team", size)
        page.goto("/log")
        page.locator("#log-entries a.list-item").first.click()
        page.wait_for_load_state()
        shot(page, "log-trace", size)
        page.goto("/team/charts")
        assert page.locator(".chart-point").count() >= 1
        if size == PHONE:
            assert page.evaluate(SMALLEST_TEXT) >= 12
        page.locator("svg.chart").first.scroll_into_view_if_needed()
        shot(page, "charts", size)
        page.goto("/")
        page.locator("#status-menu summary").click()
        custom = page.locator(".until-custom")
        assert not custom.is_visible()
        page.locator("label.choice", has_text="Until…").click()
        assert custom.is_visible()
        page.locator("#status-menu").scroll_into_view_if_needed()
        shot(page, "status-menu", size)
    finally:
        context.close()
