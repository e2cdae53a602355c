"""Generated requests against the app's own OpenAPI document: no server errors, no broken schema.

Schemathesis reads /schema/openapi.json from the app in process, generates schema-valid and
schema-breaking requests for every operation, sends them with the admin token of a seeded company,
and runs every built-in check on every answer. The run is bounded by examples per operation and a
time budget (ONDECK_SCHEMATHESIS_EXAMPLES, ONDECK_SCHEMATHESIS_BUDGET), and only runs in the
SQLite pass of CI (the HTTP contract does not depend on the
database; PostgreSQL behaviour is covered by the rest of the suite).

Two kinds of check failure are tolerated, each counted and printed, and nothing else:
- a schema-valid request answered with the documented 422 problem+json that names the field: the
  server checks rules JSON Schema cannot say (an IANA zone that exists, ordered intervals, E.164,
  a team slug not taken) or that the generated document does not say yet (see GAPS);
- a schema-breaking request accepted only because of an unknown query parameter (ignored, as HTTP
  APIs do) or a body over 64 KB refused with 413 before its content is read.
"""

import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

from app.clock import Clock
from app.main import create_app
from app.settings import Settings
from tests.builders import available, make_company, make_holiday, make_rep, make_team
from tests.conftest import DEFAULT_NOW, fresh_schema

pytestmark = pytest.mark.skipif(
    os.environ.get("ONDECK_TEST_DATABASE") == "postgres",
    reason="schemathesis runs in the SQLite pass (the HTTP contract is the same on PostgreSQL)",
)

# 500 per operation and mode: up to 1,000 per operation (operations with few distinct inputs
# give fewer). Measured: 27,003 cases in 365 s on the 2-core machine (issue 9).
EXAMPLES = int(os.environ.get("ONDECK_SCHEMATHESIS_EXAMPLES", "500"))
BUDGET_SECONDS = int(os.environ.get("ONDECK_SCHEMATHESIS_BUDGET", "900"))  # then generation stops
MIN_CASES = 40 * EXAMPLES  # about 34 operations, some with few distinct inputs
PROBLEM = "application/problem+json"

# Where the served document is looser than the server (reported to the lead; tolerated meanwhile):
GAPS = {
    "unknown field": "bodies forbid unknown fields; the schema lacks additionalProperties: false",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """An app on its own SQLite file with a company, two reps, a team, a holiday, a token."""
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    config = Settings(
        database_url=f"sqlite:///{tmp / 'st.db'}",
        session_dir=tmp / "sessions",
        secret_key="s" * 64,
        base_url="http://testserver",
    )
    engine = fresh_schema(config.database_url)
    world = make_company(engine)
    dana, lee = make_rep(world, "Dana"), make_rep(world, "Lee")
    available(world, dana, lee)
    make_team(world, "sales", [dana, lee])
    make_holiday(world, date(2026, 12, 25))
    app = create_app(config, clock=Clock(fixed=DEFAULT_NOW))
    app.state.engine.dispose()
    app.state.engine = engine
    yield app, world.admin()
    engine.dispose()


def test_generated_requests_get_no_server_error_and_match_the_schema(seeded):
    app, headers = seeded
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    load_all_checks()
    run = Run(headers)
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if run.elapsed() < BUDGET_SECONDS:
                run.operation(result.ok(), mode)
    print(
        f"\nschemathesis: {run.cases} cases, {len(CHECKS.get_all_names())} checks, "
        f"{run.elapsed():.1f} s; failures: {len(run.failures)}; tolerated: {len(run.tolerated)}"
    )
    for line in sorted(set(run.tolerated)):
        print("  tolerated:", line)
    assert not run.failures, "\n".join(sorted(set(run.failures))[:40])
    assert run.cases >= MIN_CASES, f"only {run.cases} cases in {run.elapsed():.0f} s"


class Run:
    """Counts cases and sorts every check failure into tolerated (named) or failing."""

    def __init__(self, headers: dict[str, str]):
        self.headers = headers
        self.cases = 0
        self.failures: list[str] = []
        self.tolerated: list[str] = []
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def operation(self, operation: Any, mode: GenerationMode) -> None:
        """Up to EXAMPLES generated cases of one operation in one mode."""
        strategy = operation.as_strategy(generation_mode=mode, headers=dict(self.headers))

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            self.cases += 1
            self.one(case)

        with contextlib.suppress(Unsatisfiable):  # nothing here can be made schema-breaking
            check()

    def one(self, case: Any) -> None:
        """Send one case and run every check on its answer."""
        response = case.call(headers=dict(self.headers))
        try:
            case.validate_response(response, headers=dict(self.headers))
        except FailureGroup as group:
            for failure in group.exceptions:
                self.sort(failure, response)
        except Failure as failure:
            self.sort(failure, response)

    def sort(self, failure: Failure, response: Any) -> None:
        line = f"{failure.code} {failure.operation} [{response.status_code}]"
        reason = tolerated(failure, response)
        if reason:
            self.tolerated.append(f"{line} {reason}")
        else:
            message = failure.message.replace("\n", " ")[:300]
            self.failures.append(f"{line} {failure.title}: {message} :: {response.text[:200]}")


def tolerated(failure: Failure, response: Any) -> str | None:
    """The named reason a failure is tolerated, or None when it must fail the test."""
    if failure.code == "ST202":  # a schema-valid request was refused
        problem = _problem(response)
        if response.status_code == 422 and problem.get("field"):
            if str(problem.get("detail", "")).startswith("Object contains unknown field"):
                return f"422 {GAPS['unknown field']}"
            return f"422 field={problem['field']}"
    if failure.code == "ST201":  # a schema-breaking request was accepted
        message = failure.message
        if "query: violates `additionalProperties`" in message and message.count("violates") <= 2:
            return "unknown query parameter ignored"
        if response.status_code == 413:
            return "a body over 64 KB refused with 413 before it is read"
    return None


def _problem(response: Any) -> dict[str, Any]:
    """The problem+json body of an error answer (empty for anything else)."""
    found = response.headers.get("content-type") or [""]  # schemathesis keeps a list per header
    if not str(found[0] if isinstance(found, list) else found).startswith(PROBLEM):
        return {}
    try:
        body = json.loads(response.text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
