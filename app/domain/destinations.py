"""Where a team's work goes in a state (its members, another team, voicemail or a number), and
loops through team destinations. Re-exported by app/domain/routing.py."""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


class RoutingError(ValueError):
    """A broken routing rule, naming the field a person has to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


DESTINATION_TYPES = ("members", "team", "voicemail", "number")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def _type_of(value: object, field: str) -> str:
    if not isinstance(value, str) or value not in DESTINATION_TYPES:
        raise RoutingError(f"{field}.type", f"must be one of {', '.join(DESTINATION_TYPES)}")
    return value


# What the team and number keys must hold, for the one type each belongs to.
_DETAILS: dict[str, tuple[Callable[[str], object], str]] = {
    "team": (bool, "must name a team by its slug"),
    "number": (_E164.fullmatch, "must be an E.164 number such as +15551234567"),
}


def _detail(type_: str, key: str, value: object, field: str) -> str | None:
    if type_ != key:
        # A stray team or number would be silently ignored, which hides a mistake from the manager.
        if value is not None:
            raise RoutingError(f"{field}.{key}", f'only applies to type "{key}"')
        return None
    check, message = _DETAILS[key]
    if not isinstance(value, str) or not check(value):
        raise RoutingError(f"{field}.{key}", message)
    return value


@dataclass(frozen=True)
class Destination:
    """Where a team's work goes in a state: its members, another team, voicemail or a number."""

    type: str
    team: str | None = None
    number: str | None = None

    def __post_init__(self) -> None:
        _detail(_type_of(self.type, "destination"), "team", self.team, "destination")
        _detail(self.type, "number", self.number, "destination")

    @classmethod
    def from_json(cls, obj: object, field: str) -> "Destination":
        """Read a destination from JSON, raising RoutingError that names e.g. field + ".number"."""
        if not isinstance(obj, Mapping):
            raise RoutingError(field, 'must be an object such as {"type": "voicemail"}')
        for key in obj:
            if key not in ("type", "team", "number"):
                raise RoutingError(f"{field}.{key}", "is not a destination field")
        type_ = _type_of(obj.get("type"), field)
        team = _detail(type_, "team", obj.get("team"), field)
        return cls(type_, team, _detail(type_, "number", obj.get("number"), field))

    def to_json(self) -> dict[str, str]:
        """Write the destination as JSON, with only the keys its type uses."""
        out = {"type": self.type}
        if self.team is not None:
            out["team"] = self.team
        if self.number is not None:
            out["number"] = self.number
        return out


MEMBERS = Destination("members")
VOICEMAIL = Destination("voicemail")


def find_team_loop(start: str, edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return a loop of team destinations reachable from start, as ["a", "b", "a"], or None."""
    path: list[str] = []
    done: set[str] = set()

    def visit(slug: str) -> list[str] | None:
        if slug in path:
            return path[path.index(slug) :] + [slug]
        if slug in done:
            return None
        path.append(slug)
        for nxt in edges.get(slug, ()):
            if (loop := visit(nxt)) is not None:
                return loop
        done.add(path.pop())
        return None

    return visit(start)
