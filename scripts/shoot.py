"""Screenshot pages of a running OnDeck at phone size: python scripts/shoot.py URL EMAIL PATH..."""

import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str, email: str, *paths: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
        page.on("console", lambda m: print("console:", m.type, m.text))
        page.goto(base + "/signin")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("ondeck-demo-2026")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            name = "/tmp/shot" + (path.replace("/", "_") or "_root") + ".png"
            page.screenshot(path=name, full_page=True)
            print(name)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
