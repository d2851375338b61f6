"""Uploaded files -> normalized content blocks: bytes in, blocks or a clear error out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from insightbus.common.events.sessions import ContentBlock, ContentFormat
from insightbus.gateway.domain.content.errors import MalformedContent, UnsupportedFormat
from insightbus.gateway.domain.content.formats import FORMATS, decode, format_of
from insightbus.gateway.domain.content.subtitles import parse_srt, parse_vtt
from insightbus.gateway.domain.content.text import markdown_paragraphs, paragraphs
from insightbus.gateway.domain.content.timestamps import parse_clock
from insightbus.gateway.domain.content.transcript import parse_json_transcript

PARSERS: Final[dict[ContentFormat, Callable[[str], list[ContentBlock]]]] = {
    "txt": paragraphs,
    "md": markdown_paragraphs,
    "json": parse_json_transcript,
    "vtt": parse_vtt,
    "srt": parse_srt,
}


def parse_content(filename: str, raw: bytes) -> tuple[ContentFormat, list[ContentBlock]]:
    """The format (from the extension) and the blocks of an uploaded file."""
    fmt = format_of(filename)
    text = decode(raw)
    if not text.strip():
        raise MalformedContent("the file is empty")
    blocks = PARSERS[fmt](text)
    if not blocks:
        raise MalformedContent("the file has no text to analyse")
    return fmt, blocks


__all__ = [
    "FORMATS",
    "PARSERS",
    "MalformedContent",
    "UnsupportedFormat",
    "decode",
    "format_of",
    "parse_clock",
    "parse_content",
]
