"""Core statements run on the driver's own cursor: the hook's hot reads and writes.

SQLAlchemy's execution layer (execution context, events, row objects, a fetchone per row) costs
more than the SQLite or PostgreSQL call itself for the hook's short statements. A `Raw` statement
is a Core statement compiled once per dialect, with SQLAlchemy's own type processors, run on the
DBAPI connection of the session's transaction: same SQL, same types, same transaction, none of
that overhead. No event fires for it, so it is only for rows nothing listens to (presence read,
the rotation's counter and turns); the hook's answer is still inserted through Core, where the
change feed, the webhook outbox and Web Push see it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    compiled: Any
    names: tuple[str, ...] | None  # positional parameter order (SQLite); None: by name
    binds: Mapping[str, Callable[[Any], Any]]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # the columns to convert, by index


class Raw:
    """A Core statement compiled once per dialect and run on the driver's cursor."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it in the connection's transaction; the rows it returns, converted as Core would."""
        c = self._compile(conn)
        values = c.compiled.construct_params(params)
        for name, convert in c.binds.items():
            values[name] = convert(values[name])
        args = values if c.names is None else [values[n] for n in c.names]
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(c.sql, args)
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
        if not c.results:
            return rows  # type: ignore[no-any-return]
        out = []
        for row in rows:
            values = list(row)
            for i, convert in c.results:
                values[i] = convert(values[i])
            out.append(tuple(values))
        return out

    def _compile(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled: Any = self.statement.compile(dialect=dialect)
            binds = {
                name: proc for name, proc in compiled._bind_processors.items() if proc is not None
            }
            results = tuple(
                (i, f)
                for i, col in enumerate(compiled._result_columns)
                if (f := col.type._cached_result_processor(dialect, None)) is not None
            )
            positional = dialect.paramstyle in ("qmark", "numeric", "format")
            found = _Compiled(
                str(compiled),
                compiled,
                tuple(compiled.positiontup) if positional else None,
                binds,
                results,
            )
            self._by_dialect[dialect.name] = found
        return found
