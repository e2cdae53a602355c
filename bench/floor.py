"""The floor: a minimal Litestar endpoint doing only the I/O any correct hook must do.

Check a token's SHA-256 digest, decode JSON, and in one SQLite write transaction read 50 members,
move the least recently assigned one's turn, store a 50-entry trace, commit, answer.
Run by bench/hook.py as `uvicorn bench.floor:app` with FLOOR_DB pointing at a prepared database.
"""

import hashlib
import json
import os
import sqlite3
import threading
import uuid
from typing import Any

from litestar import Litestar, Request, post
from litestar.exceptions import NotAuthorizedException

DB = os.environ.get("FLOOR_DB", "/tmp/floor.db")
TOKEN_DIGEST = hashlib.sha256(b"floor-token").hexdigest()
_local = threading.local()


def conn() -> sqlite3.Connection:
    """One connection per worker thread, WAL and a busy timeout like the app."""
    c = getattr(_local, "c", None)
    if c is None:
        c = sqlite3.connect(DB, timeout=30, isolation_level=None, check_same_thread=False)
        c.execute("PRAGMA journal_mode=WAL")
        # NORMAL by default (the figures so far); FLOOR_SYNC=FULL makes each answer durable
        # before it is sent, as the app's are (one fsync per commit)
        full = os.environ.get("FLOOR_SYNC") == "FULL"
        c.execute(f"PRAGMA synchronous={'FULL' if full else 'NORMAL'}")
        _local.c = c
    return c


def prepare(path: str, members: int = 50) -> None:
    """Create the floor's tables: tokens, members with turns, answers."""
    c = sqlite3.connect(path, isolation_level=None)
    c.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE token (digest TEXT PRIMARY KEY);
        CREATE TABLE member (id TEXT PRIMARY KEY, name TEXT, position INT, last_seq INT);
        CREATE TABLE rotation (id INT PRIMARY KEY, seq INT);
        CREATE TABLE answer (seq INTEGER PRIMARY KEY, id TEXT, body TEXT);
    """)
    c.execute("INSERT INTO token VALUES (?)", (TOKEN_DIGEST,))
    c.executemany(
        "INSERT INTO member VALUES (?, ?, ?, NULL)",
        [(uuid.uuid4().hex, f"Rep {i}", i) for i in range(members)],
    )
    c.execute("INSERT INTO rotation VALUES (1, 0)")
    c.close()


@post("/hook", sync_to_thread=True)
def hook(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Pick the least recently assigned member and store the answer."""
    secret = request.headers.get("authorization", "").removeprefix("Bearer ")
    c = conn()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if c.execute("SELECT 1 FROM token WHERE digest = ?", (digest,)).fetchone() is None:
        raise NotAuthorizedException()
    c.execute("BEGIN IMMEDIATE")
    try:
        rows = c.execute("SELECT id, name, position, last_seq FROM member").fetchall()
        seq = c.execute("UPDATE rotation SET seq = seq + 1 WHERE id = 1 RETURNING seq").fetchone()[
            0
        ]
        pick = min(rows, key=lambda r: (r[3] is not None, r[3] or 0, r[2]))
        c.execute("UPDATE member SET last_seq = ? WHERE id = ?", (seq, pick[0]))
        trace = [
            {"rep": {"id": r[0], "name": r[1]}, "eligible": True, "tier": 1, "reason": "available"}
            for r in rows
        ]
        body = {
            "id": uuid.uuid4().hex,
            "team": data.get("team"),
            "kind": data.get("kind"),
            "assignee": {"id": pick[0], "name": pick[1]},
            "trace": trace,
        }
        c.execute("INSERT INTO answer (id, body) VALUES (?, ?)", (body["id"], json.dumps(body)))
        c.execute("COMMIT")
    except BaseException:
        c.execute("ROLLBACK")
        raise
    return body


app = Litestar([hook])
