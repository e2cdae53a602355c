"""Managers' settings pages: what a page shows once after a redirect, and the page shell."""

from collections.abc import Callable
from typing import Any

from litestar.response import Redirect, Template

from app.web.common import Ctx, tab_page


def keep_once(c: Ctx, key: str, **shown: Any) -> None:
    """Hold what the next page shows once (a new secret, a notice) in the session."""
    c.request.set_session({**(c.request.session or {}), key: shown})


def take_once(c: Ctx, key: str) -> dict[str, Any]:
    """What was held for this page, removed from the session as it is shown."""
    session = dict(c.request.session or {})
    shown = session.pop(key, None)
    if shown is not None:
        c.request.set_session(session)
    return shown or {}


def done(
    c: Ctx, key: str, url: str, answer: Callable[..., Template], **shown: Any
) -> Template | Redirect:
    """After a change: without htmx hold `shown` and redirect (303), else the fresh section."""
    if c.htmx:
        return answer(c, **shown)
    keep_once(c, key, **shown)
    return Redirect(url, status_code=303)


def settings_page(c: Ctx, name: str, status_code: int, **context: Any) -> Template:
    """A manager's settings page, filed under the Schedule tab like the company settings."""
    return tab_page(c, name, "schedule", status_code, **context)
