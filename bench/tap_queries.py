"""SQL statements one status tap runs (POST /status as htmx sends it), in process on SQLite.

Run: python -m bench.tap_queries
"""

import tempfile
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import event

from app.clock import Clock
from app.db import make_engine
from app.main import create_app
from app.settings import Settings


def main() -> None:
    from sqlmodel import SQLModel

    from app.services import demo

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/tap.db"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        from app.db import transaction

        with transaction(engine) as s:
            demo.seed(s, Clock().now())
        app = create_app(
            Settings(database_url=url, session_dir=Path(tmp) / "s", secret_key="q" * 64)
        )
        statements: list[str] = []
        with TestClient(app=app) as c:
            c.get("/signin")
            c.post("/signin", data={"email": "lee@demo.ondeck.app", "password": "ondeck-demo-2026",
                                    "_csrf_token": c.cookies["csrftoken"]})  # fmt: skip
            event.listen(app.state.engine, "before_cursor_execute",
                         lambda *a: statements.append(a[2]))  # fmt: skip
            r = c.post("/status", data={"status": "away", "_csrf_token": c.cookies["csrftoken"]},
                       headers={"HX-Request": "true"})  # fmt: skip
            assert r.status_code == 200, r.text
    reads = sum(1 for q in statements if q.lstrip().upper().startswith("SELECT"))
    print(f"one status tap: {len(statements)} SQL statements ({reads} SELECT)")


if __name__ == "__main__":
    main()
