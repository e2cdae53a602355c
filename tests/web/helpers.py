"""Browser-like helpers for TestClient: CSRF token and sign-in through the form."""

from typing import Any

from tests.builders import PASSWORD


def csrf(client: Any) -> str:
    """The CSRF token (double-submit cookie), fetching the sign-in page if needed."""
    if "csrftoken" not in client.cookies:
        client.get("/signin")
    return str(client.cookies["csrftoken"])


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Post the sign-in form; answers the response (303 on success)."""
    return client.post(
        "/signin",
        data={"email": email, "password": password, "_csrf_token": csrf(client)},
        follow_redirects=False,
    )


def post(client: Any, path: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
    """A form post with the CSRF token."""
    return client.post(
        path, data={**(data or {}), "_csrf_token": csrf(client)}, follow_redirects=False, **kw
    )
