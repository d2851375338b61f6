"""Which parser a file gets (by extension), and its text (UTF-8, BOM allowed)."""

from __future__ import annotations

from typing import Final

from insightbus.common.events.sessions import ContentFormat
from insightbus.gateway.domain.content.errors import MalformedContent, UnsupportedFormat

FORMATS: Final[dict[str, ContentFormat]] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".vtt": "vtt",
    ".srt": "srt",
}


def format_of(filename: str) -> ContentFormat:
    name = filename.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        return FORMATS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            f"unsupported file type {suffix or '(no extension)'!r}; "
            f"upload one of {', '.join(sorted(FORMATS))}"
        ) from None


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise MalformedContent(
            "the file is not valid UTF-8", {"byte_offset": exc.start, "line": line}
        ) from None
    if "\x00" in text:
        raise MalformedContent("the file contains NUL characters; is it a binary file?")
    return text
