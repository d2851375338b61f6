"""Uploaded files -> normalized content blocks. Pure: bytes in, blocks or a clear error out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from insightbus.common.events.sessions import ContentBlock, ContentFormat

FORMATS: dict[str, ContentFormat] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".vtt": "vtt",
    ".srt": "srt",
}


class UnsupportedFormat(Exception):
    pass


class MalformedContent(Exception):
    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def format_of(filename: str) -> ContentFormat:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        return FORMATS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(sorted(FORMATS))}"
        ) from None


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedContent("the file is not valid UTF-8", {"byte_offset": exc.start}) from None
    if "\x00" in text:
        raise MalformedContent("the file contains NUL characters; is it a binary file?")
    return text


# --- plain text and markdown ---------------------------------------------------------

_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL), ""),  # code blocks carry no feeling
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.MULTILINE), ""),  # headings
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),  # list markers
    (re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis, code
    (re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE), ""),  # rules
]


def strip_markdown(text: str) -> str:
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return text


def paragraphs(text: str) -> list[ContentBlock]:
    return [ContentBlock(text=" ".join(p.split())) for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- timestamps ----------------------------------------------------------------------

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def parse_clock(value: str) -> float:
    """``HH:MM:SS.mmm``, ``HH:MM:SS,mmm`` (SRT) or ``MM:SS`` -> seconds."""
    m = _CLOCK.match(value.strip())
    if not m:
        raise ValueError(f"not a timestamp: {value!r}")
    hours, minutes, seconds, millis = m.groups()
    if int(minutes) >= 60 or int(seconds) >= 60:
        raise ValueError(f"not a timestamp: {value!r}")
    return (
        int(hours or 0) * 3600
        + int(minutes) * 60
        + int(seconds)
        + int((millis or "0").ljust(3, "0")) / 1000
    )


# --- JSON transcripts ----------------------------------------------------------------


def _json_timestamp(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedContent(f"{where}: timestamp must be seconds, 'HH:MM:SS' or null")
    if isinstance(value, str):
        try:
            return parse_clock(value)
        except ValueError:
            raise MalformedContent(
                f"{where}: timestamp {value!r} is not 'HH:MM:SS(.mmm)'"
            ) from None
    if value < 0:
        raise MalformedContent(f"{where}: timestamp must not be negative")
    return float(value)


def parse_json_transcript(text: str) -> list[ContentBlock]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedContent(
            "the file is not valid JSON",
            {"line": exc.lineno, "column": exc.colno, "error": exc.msg},
        ) from None
    if isinstance(data, dict) and isinstance(data.get("segments"), list):
        data = data["segments"]  # a common wrapper shape: {"segments": [...]}
    if not isinstance(data, list):
        raise MalformedContent("a JSON transcript must be a list of {speaker, text, timestamp}")
    blocks: list[ContentBlock] = []
    errors: list[dict[str, Any]] = []
    for i, entry in enumerate(data):
        where = f"entry {i}"
        if not isinstance(entry, dict):
            errors.append({"entry": i, "error": "must be an object"})
            continue
        text_value = entry.get("text")
        if not isinstance(text_value, str) or not text_value.strip():
            errors.append({"entry": i, "error": "'text' must be a non-empty string"})
            continue
        speaker = entry.get("speaker")
        if speaker is not None and not isinstance(speaker, str):
            errors.append({"entry": i, "error": "'speaker' must be a string"})
            continue
        try:
            start = _json_timestamp(entry.get("timestamp", entry.get("start")), where)
            end = _json_timestamp(entry.get("end"), where) if "end" in entry else None
        except MalformedContent as exc:
            errors.append({"entry": i, "error": exc.message})
            continue
        blocks.append(
            ContentBlock(
                text=" ".join(text_value.split()),
                speaker=(speaker or "").strip() or None,
                start=start,
                end=end if end is not None and start is not None and end >= start else None,
            )
        )
    if errors:
        raise MalformedContent("the transcript has invalid entries", errors[:50])
    return blocks


# --- subtitles (WebVTT, SRT) -----------------------------------------------------------

_CUE_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_VTT_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAGS = re.compile(r"<[^>]+>")
_SPEAKER_PREFIX = re.compile(r"^([A-Z][\w .'-]{0,40}):\s+(.+)$", re.DOTALL)


def _cue(timing: re.Match[str], lines: list[str], number: int) -> ContentBlock | None:
    try:
        start, end = parse_clock(timing.group(1)), parse_clock(timing.group(2))
    except ValueError as exc:
        raise MalformedContent(f"cue {number}: {exc}", {"cue": number}) from None
    raw = " ".join(line.strip() for line in lines if line.strip())
    speaker = None
    voice = _VTT_VOICE.match(raw)
    if voice:
        speaker = voice.group(1).strip()
    text = " ".join(_TAGS.sub("", raw).split())
    prefixed = _SPEAKER_PREFIX.match(text)
    if speaker is None and prefixed:
        speaker, text = prefixed.group(1).strip(), prefixed.group(2)
    if not text:
        return None
    return ContentBlock(text=text, speaker=speaker, start=start, end=max(start, end))


def _parse_cues(text: str, *, vtt: bool) -> list[ContentBlock]:
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if vtt and not body.lstrip().startswith("WEBVTT"):
        raise MalformedContent("a WebVTT file must start with 'WEBVTT'")
    blocks: list[ContentBlock] = []
    for number, chunk in enumerate(re.split(r"\n\s*\n", body), start=1):
        lines = chunk.strip("\n").split("\n")
        index = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if index is None:
            continue  # header, NOTE, STYLE or a stray line
        timing = _CUE_TIMING.match(lines[index])
        if timing is None:
            raise MalformedContent(
                f"cue {number}: bad timing line {lines[index]!r}", {"cue": number}
            )
        block = _cue(timing, lines[index + 1 :], number)
        if block is not None:
            blocks.append(block)
    if not blocks:
        raise MalformedContent("no cues with text found")
    return blocks


PARSERS: dict[ContentFormat, Callable[[str], list[ContentBlock]]] = {
    "txt": paragraphs,
    "md": lambda text: paragraphs(strip_markdown(text)),
    "json": parse_json_transcript,
    "vtt": lambda text: _parse_cues(text, vtt=True),
    "srt": lambda text: _parse_cues(text, vtt=False),
}


def parse_content(filename: str, raw: bytes) -> tuple[ContentFormat, list[ContentBlock]]:
    fmt = format_of(filename)
    text = decode(raw)
    if not text.strip():
        raise MalformedContent("the file is empty")
    blocks = PARSERS[fmt](text)
    if not blocks:
        raise MalformedContent("the file has no text to analyse")
    return fmt, blocks
