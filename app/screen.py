"""Before any handler reads a request (and after the API's guard has authenticated it): OPTIONS
answered with the route's methods, JSON nested no deeper than inputs.MAX_NESTING (400), and no
control character in any text that comes in, in the path, the query, a form or a JSON body (422
naming the field)."""

from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import ClientException

from app.domain import inputs

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def screen(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The app's before-request hook: None lets the handler run."""
    if request.method == "OPTIONS":
        return _options(request)
    for name, value in request.path_params.items():
        if isinstance(value, str):
            inputs.text(value, name)
    for name, value in request.query_params.multi_items():
        inputs.text(name, "query")
        inputs.text(value, name or "query")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind.endswith("json"):
        await _json(request)
    elif kind in FORMS:
        for name, value in (await request.form()).multi_items():
            if isinstance(value, str):
                inputs.text(value, name)
    return None


async def _json(request: Request[Any, Any, Any]) -> None:
    body = await request.body()
    if inputs.nesting(body) > inputs.MAX_NESTING:
        raise ClientException(f"The JSON body nests deeper than {inputs.MAX_NESTING} levels.")
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # malformed: the handler's own decoding says so (400)
    inputs.texts(decoded)


def _options(request: Request[Any, Any, Any]) -> Response[Any]:
    """Every method the path answers (Litestar's own OPTIONS answer can miss some when a path's
    handlers are registered in several steps, e.g. GET /api/v1/company)."""
    methods = _methods(request.app).get(request.scope.get("path_template", ""), set())
    allow = ", ".join(sorted(methods | {"OPTIONS"}))
    return Response(None, status_code=204, headers={"Allow": allow}, media_type="text/plain")


def _methods(app: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] | None = getattr(app.state, "route_methods", None)
    if found is None:
        found = {}
        for route in app.routes:
            found.setdefault(route.path, set()).update(getattr(route, "methods", ()))
        app.state.route_methods = found
    return found
