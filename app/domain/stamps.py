"""Instants as answers and events write them: UTC with a "Z" (so a stored answer reads back
byte for byte), and back."""

from datetime import UTC, datetime


def stamp(t: datetime) -> str:
    """An instant as the API writes it (UTC, "Z")."""
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read(text: str) -> datetime:
    """An instant written by `stamp` (or any ISO 8601 instant with an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
