"""WebVTT and SRT -> one block per cue, with its times and, when given, its speaker.

The speaker comes from a VTT voice span (``<v Ada>``) or a leading ``Name:``. A timing
line that cannot be read makes the whole file malformed (with its cue and line number):
silently dropping cues would analyse a different conversation than the one uploaded.
Cues with no text left after removing markup are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from insightbus.common.events.sessions import ContentBlock
from insightbus.gateway.domain.content.errors import MalformedContent
from insightbus.gateway.domain.content.timestamps import parse_clock

_VTT_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_VTT_NON_CUE_BLOCKS = ("NOTE", "STYLE", "REGION")
# A line that starts like a clock is meant as a timing line, even when it is malformed.
_TIMING_ATTEMPT = re.compile(r"^\s*\d+:\d")
_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # SRT files exported from ASS: {\an8}
# Up to four capitalised words before a colon: "Dr. Ada Lovelace: ...", "Émile: ...";
# not "Note to self: ..." nor "http://..." (no space after the colon).
_SPEAKER_PREFIX = re.compile(r"^-?\s*([^\W\d_][\w.'-]*(?: [^\W\d_][\w.'-]*){0,3}):\s+(\S.*)$")


@dataclass(frozen=True)
class _Chunk:
    line: int  # 1-based number of its first line in the file
    lines: list[str]


def parse_vtt(text: str) -> list[ContentBlock]:
    return _parse(text, vtt=True)


def parse_srt(text: str) -> list[ContentBlock]:
    return _parse(text, vtt=False)


def _parse(text: str, *, vtt: bool) -> list[ContentBlock]:
    kind = "WebVTT" if vtt else "SRT"
    chunks = list(_chunks(text))
    if vtt:
        if not chunks or chunks[0].line != 1 or not _VTT_SIGNATURE.match(chunks[0].lines[0]):
            raise MalformedContent("a WebVTT file must start with a 'WEBVTT' line", {"line": 1})
        header, chunks = chunks[0], chunks[1:]
        if any("-->" in line for line in header.lines):
            # No blank line after the header: invalid, but common enough to read anyway.
            chunks.insert(0, _Chunk(header.line + 1, header.lines[1:]))

    blocks: list[ContentBlock] = []
    cue = 0
    for chunk in chunks:
        if vtt and chunk.lines[0].startswith(_VTT_NON_CUE_BLOCKS):
            continue
        # A cue is [identifier] timing text...; the identifier is optional in VTT and the
        # counter in SRT.
        timing_at = next(
            (
                i
                for i, line in enumerate(chunk.lines[:2])
                if "-->" in line or _TIMING_ATTEMPT.match(line)
            ),
            None,
        )
        if timing_at is None:
            continue  # stray text between cues carries no time; it is not a cue
        cue += 1
        line_number = chunk.line + timing_at
        start, end = _timing(chunk.lines[timing_at], cue, line_number)
        block = _cue_block(chunk.lines[timing_at + 1 :], start, end)
        if block is not None:
            blocks.append(block)
    if not blocks:
        raise MalformedContent(
            f"no cues with text found in this {kind} file: a cue is a timing line "
            "('00:00:01.000 --> 00:00:04.000') followed by its text",
            {"cues": cue},
        )
    return blocks


def _chunks(text: str) -> Iterator[_Chunk]:
    """Runs of non-blank lines, with the number of each run's first line."""
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            yield _Chunk(first, current)
            current = []
    if current:
        yield _Chunk(first, current)


def _timing(line: str, cue: int, line_number: int) -> tuple[float, float]:
    where = {"cue": cue, "line": line_number}
    match = _TIMING.match(line)
    if match is None:
        raise MalformedContent(
            f"cue {cue} (line {line_number}): cannot read the timing line {line.strip()!r}",
            where,
        )
    try:
        start, end = parse_clock(match.group(1)), parse_clock(match.group(2))
    except ValueError as exc:
        raise MalformedContent(f"cue {cue} (line {line_number}): {exc}", where) from None
    if end < start:
        raise MalformedContent(f"cue {cue} (line {line_number}): it ends before it starts", where)
    return start, end


def _cue_block(lines: list[str], start: float, end: float) -> ContentBlock | None:
    raw = " ".join(line.strip() for line in lines)
    voice = _VOICE.search(raw)
    speaker = html.unescape(voice.group(1)).strip() if voice else None
    text = " ".join(html.unescape(_TAG.sub("", _ASS_OVERRIDE.sub("", raw))).split())
    if speaker is None:
        prefixed = _SPEAKER_PREFIX.match(text)
        if prefixed and all(word[0].isupper() for word in prefixed.group(1).split()):
            speaker, text = prefixed.group(1), prefixed.group(2)
    if not text:
        return None
    return ContentBlock(text=text, speaker=speaker or None, start=start, end=end)
