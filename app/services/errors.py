"""Errors services raise; app/main.py maps each to one HTTP answer."""

from app.domain.inputs import Invalid as Invalid  # bad input for a named field (422)


class NotFound(Exception):
    """The object does not exist in the caller's company (404)."""


class Forbidden(Exception):
    """The caller may not do this (403)."""


class Throttled(Exception):
    """Too many attempts; try again after `retry_after` seconds (429)."""

    keep_changes = True  # the failure count that caused it must be stored

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)


class Refused(Exception):
    """The request conflicts with the current state (409)."""


class WrongSecret(Exception):
    """A password, PIN or invite did not match (401/403); the failure is still recorded."""

    keep_changes = True

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status
