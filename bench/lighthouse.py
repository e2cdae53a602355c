"""Lighthouse 12 scores of the Phone tab and the team board (mobile, simulated throttling).

Serves the demo company on a fresh SQLite database, signs in as a rep and as the manager, and runs
Lighthouse (installed by npm in bench/lighthouse/) in Debian's Chromium with the session cookie.
Prints performance, accessibility, best practices and SEO per page, and every audit that cost a
point. Targets: performance ≥ 95, accessibility 100, best practices ≥ 95.

Setup: (cd bench/lighthouse && npm ci)     Run: python -m bench.lighthouse
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.common import cli, server

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PASSWORD = "ondeck-demo-2026"
PAGES = [
    ("Phone tab", "dana@demo.ondeck.app", "/"),
    ("Team board", "manager@demo.ondeck.app", "/team"),
]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync"


def session_cookie(url: str, email: str) -> str:
    """Sign in through the form; answer the Cookie header a signed-in browser sends."""
    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as c:
        c.get("/signin")
        form = {"email": email, "password": PASSWORD, "_csrf_token": c.cookies["csrftoken"]}
        r = c.post("/signin", data=form)
        assert r.status_code == 303, r.text
        return "; ".join(f"{k}={v}" for k, v in c.cookies.items())


def lighthouse(url: str, cookie: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile defaults); answer its JSON report."""
    env = {**os.environ, "CHROME_PATH": CHROME}
    args = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    subprocess.run(args, env=env, check=True, timeout=300, cwd=HERE)
    return dict(json.loads(out.read_text()))


def lost_points(report: dict[str, Any]) -> list[str]:
    """Audits below full marks in the scored categories, with what Lighthouse says."""
    lines = []
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) and score is not None and score < 1:
                title = re.sub(r"\s+", " ", audit["title"])
                value = audit.get("displayValue", "")
                lines.append(f"    {key}: {audit['id']} ({score:.2f}) {title} {value}".rstrip())
    return lines


def main() -> int:
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed: (cd {HERE} && npm ci)", file=sys.stderr)
        return 2
    ok = True
    with server() as (url, env), tempfile.TemporaryDirectory() as tmp:
        cli(env, "demo")
        for name, email, path in PAGES:
            report = lighthouse(url + path, session_cookie(url, email), Path(tmp) / "lh.json")
            final = report.get("finalDisplayedUrl", report.get("finalUrl", ""))
            assert final.endswith(path), f"{name} ended at {final} (not signed in?)"
            scores = {k: round(c["score"] * 100) for k, c in report["categories"].items()}
            met = all(scores[k] >= v for k, v in TARGETS.items())
            ok &= met
            shown = ", ".join(f"{k} {v}" for k, v in scores.items())
            print(f"{name} ({path}), Lighthouse {report['lighthouseVersion']}: {shown}"
                  f" -> {'meets' if met else 'BELOW'} the targets")  # fmt: skip
            for line in lost_points(report):
                print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
