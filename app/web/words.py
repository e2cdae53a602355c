"""Wording helpers every template uses, registered once as Jinja filters in create_app."""

from typing import Any

from app.views.headline import ordinal
from app.views.phone import LABELS, local
from app.views.team import destination_label, words


def status_label(status: Any) -> str:
    """A status as people read it: "available" → "Available"."""
    return LABELS.get(getattr(status, "value", status), str(status))


# local_time(t, tz, now): '17:00' today, 'Thu 09:00' this week, else 'Mon 3 Mar 09:00';
# reason_words: "time_off" → "time off"; destination_label: "Voicemail", "Team support", a number;
# ordinal: 2 → "2nd"
FILTERS = {
    "status_label": status_label,
    "local_time": local,
    "reason_words": words,
    "destination_label": destination_label,
    "ordinal": ordinal,
}


def register(engine: Any) -> None:
    """Add the filters to Litestar's Jinja engine."""
    engine.engine.filters.update(FILTERS)
