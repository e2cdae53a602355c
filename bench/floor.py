"""The floors: minimal Litestar endpoints doing only the I/O a correct hook (or status PUT) must.

The hook's: check a token's SHA-256 digest, decode JSON, and in one SQLite write transaction read
50 members, move the least recently assigned one's turn, store a 50-entry trace, commit, answer.
The status PUT's: check the token, then update the rep's row and insert a status event in one
write transaction. Run by bench/hook.py and bench/status_put.py as `uvicorn bench.floor:app`,
FLOOR_DB pointing at a database made by `prepare`.
"""

import hashlib
import json
import os
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from litestar import Litestar, Request, post, put
from litestar.exceptions import NotAuthorizedException, NotFoundException

DB = os.environ.get("FLOOR_DB", "/tmp/floor.db")
TOKEN_DIGEST = hashlib.sha256(b"floor-token").hexdigest()
REP = "floor-rep"  # the one rep whose status the status PUT's floor sets
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
        CREATE TABLE rep (id TEXT PRIMARY KEY, status TEXT, note TEXT, changed_at TEXT);
        CREATE TABLE status_event (seq INTEGER PRIMARY KEY, rep_id TEXT, status TEXT, at TEXT);
    """)
    c.execute("INSERT INTO token VALUES (?)", (TOKEN_DIGEST,))
    c.executemany(
        "INSERT INTO member VALUES (?, ?, ?, NULL)",
        [(uuid.uuid4().hex, f"Rep {i}", i) for i in range(members)],
    )
    c.execute("INSERT INTO rotation VALUES (1, 0)")
    c.execute("INSERT INTO rep VALUES (?, 'offline', NULL, NULL)", (REP,))
    c.close()


@post("/hook", sync_to_thread=True)
def hook(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Pick the least recently assigned member and store the answer."""
    c = conn()
    _check(c, request)
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


@put("/reps/{rep_id:str}/status", sync_to_thread=True)
def status(request: Request[Any, Any, Any], rep_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The status PUT's floor: check the token, then one UPDATE and one INSERT, committed."""
    c = conn()
    _check(c, request)
    at = datetime.now(UTC).isoformat()
    c.execute("BEGIN IMMEDIATE")
    try:
        found = c.execute(
            "UPDATE rep SET status = ?, note = ?, changed_at = ? WHERE id = ? RETURNING id",
            (data.get("status"), data.get("note"), at, rep_id),
        ).fetchone()
        if found is None:
            raise NotFoundException()
        c.execute(
            "INSERT INTO status_event (rep_id, status, at) VALUES (?, ?, ?)",
            (rep_id, data.get("status"), at),
        )
        c.execute("COMMIT")
    except BaseException:
        c.execute("ROLLBACK")
        raise
    return {"id": rep_id, "status": data.get("status"), "note": data.get("note"), "at": at}


def _check(c: sqlite3.Connection, request: Request[Any, Any, Any]) -> None:
    """401 unless the bearer token's digest is known."""
    secret = request.headers.get("authorization", "").removeprefix("Bearer ")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if c.execute("SELECT 1 FROM token WHERE digest = ?", (digest,)).fetchone() is None:
        raise NotAuthorizedException()


app = Litestar([hook, status])
