"""The one clock: services take `now` as an argument, handlers get it from here."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class Clock:
    """Tells the time; tests set `fixed` to freeze it."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return self.fixed if self.fixed is not None else datetime.now(UTC)
