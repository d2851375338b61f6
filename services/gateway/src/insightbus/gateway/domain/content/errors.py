"""Why an upload cannot be accepted; the HTTP layer maps these to 415 and 422."""

from __future__ import annotations

from typing import Any


class UnsupportedFormat(Exception):
    """The file type (by extension) is not one we parse."""


class MalformedContent(Exception):
    """The file is of a known type but cannot be read; ``details`` points at where."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
