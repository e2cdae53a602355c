"""A JSON document encoded once: a JSON column stores its text and the response sends its bytes.

The hook's answer (with a trace line per member) was encoded twice per answer: by msgspec for
the response and by json.dumps for the `assignment.answer` column. An `Encoded` answer carries
msgspec's bytes; the engine's JSON serializer (`dumps`, given to create_engine) stores exactly
those, and the handler sends them as they are.
"""

import json
from typing import Any

import msgspec


class Encoded(dict[str, Any]):
    """A finished JSON object with its encoding attached; not to be changed afterwards."""

    __slots__ = ("raw",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.raw = msgspec.json.encode(data)


def dumps(obj: Any) -> str:
    """The engines' JSON serializer: an Encoded object as encoded, anything else as json does."""
    if isinstance(obj, Encoded):
        return obj.raw.decode()
    return json.dumps(obj)
