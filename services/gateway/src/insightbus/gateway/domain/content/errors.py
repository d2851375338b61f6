"""Why an upload cannot be accepted: domain errors (415 and 422 at the HTTP edge)."""

from __future__ import annotations

from insightbus.common.errors import Invalid, Unsupported


class UnsupportedFormat(Unsupported):
    """The file type (by extension) is not one we parse."""


class MalformedContent(Invalid):
    """The file is of a known type but cannot be read; ``details`` points at where."""
