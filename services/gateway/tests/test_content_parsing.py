"""The pure content parsers: bytes in, blocks or a located error out."""

from __future__ import annotations

import json

import pytest

from insightbus.common.events.sessions import ContentBlock
from insightbus.gateway.domain.content import (
    MalformedContent,
    UnsupportedFormat,
    decode,
    format_of,
    parse_clock,
    parse_content,
)
from insightbus.gateway.domain.content.subtitles import parse_srt, parse_vtt
from insightbus.gateway.domain.content.text import markdown_paragraphs, paragraphs
from insightbus.gateway.domain.content.transcript import parse_json_transcript


def texts(blocks: list[ContentBlock]) -> list[str]:
    return [b.text for b in blocks]


# --- formats, decoding, clocks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [
        ("a.txt", "txt"),
        ("A.TXT", "txt"),
        ("notes.markdown", "md"),
        ("dir/sub/t.json", "json"),
        ("C:\\x\\s.vtt", "vtt"),
        ("x.y.srt", "srt"),
    ],
)
def test_format_comes_from_the_extension(filename: str, fmt: str) -> None:
    assert format_of(filename) == fmt


@pytest.mark.parametrize("filename", ["a.pdf", "noext", "", "txt", "a.txt.exe"])
def test_other_extensions_are_unsupported(filename: str) -> None:
    with pytest.raises(UnsupportedFormat, match="unsupported file type"):
        format_of(filename)


def test_decode_accepts_a_bom_and_locates_bad_bytes() -> None:
    assert decode("\ufeffhé".encode()) == "hé"
    with pytest.raises(MalformedContent) as bad:
        decode(b"line one\nline two \xff")
    assert bad.value.details == {"byte_offset": 18, "line": 2}
    with pytest.raises(MalformedContent, match="NUL"):
        decode(b"a\x00b")


@pytest.mark.parametrize(
    ("clock", "seconds"),
    [
        ("00:01:05", 65.0),
        ("1:02:03.5", 3723.5),
        ("01:02", 62.0),
        ("00:00:02,250", 2.25),
        ("12:00.125", 720.125),
        ("100:00:00", 360000.0),
    ],
)
def test_clock_strings_become_seconds(clock: str, seconds: float) -> None:
    assert parse_clock(clock) == pytest.approx(seconds)


@pytest.mark.parametrize("clock", ["yesterday", "1:60", "00:61:00", "1", "-00:01", "1:2:3:4"])
def test_bad_clock_strings_are_refused(clock: str) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        parse_clock(clock)


# --- text and markdown ---------------------------------------------------------------------


def test_plain_text_splits_on_blank_lines_and_collapses_whitespace() -> None:
    text = "First   line\nwraps here.\r\n\r\n \t \r\nSecond.\n\n\n\nThird"
    assert texts(paragraphs(text)) == ["First line wraps here.", "Second.", "Third"]
    assert all(b.speaker is None and b.start is None for b in paragraphs(text))


def test_markdown_keeps_the_words_and_drops_the_syntax() -> None:
    md = "\n".join(
        [
            "# Monday #",
            "Felt **really** _good_ and *calm*, ~~not~~ `tense`.",
            "",
            "> quoted [a friend](https://example.com) and ![a photo](p.png)",
            "",
            "1. first item",
            "- [x] done item",
            "",
            "See <https://example.com> and [the ref][r] about snake_case_names.",
            "",
            "[r]: https://example.com/ref",
            "---",
            "Setext title",
            "============",
            "",
            "| who | mood |",
            "|-----|------|",
            "| me  | fine |",
            "",
            "Escaped \\*stars\\* and <br/> tags.",
        ]
    )
    assert texts(markdown_paragraphs(md)) == [
        "Monday",
        "Felt really good and calm, not tense.",
        "quoted a friend and a photo",
        "first item done item",
        "See https://example.com and the ref about snake_case_names.",
        "Setext title",
        "who mood me fine",
        "Escaped *stars* and tags.",
    ]


def test_markdown_paragraphs_stay_apart_around_lists() -> None:
    # Regression: a list-marker rule matching across lines merged the paragraphs.
    md = "Before the list.\n\n   \n- item one\n- item two\n\nAfter the list."
    assert texts(markdown_paragraphs(md)) == [
        "Before the list.",
        "item one item two",
        "After the list.",
    ]


def test_markdown_fences_go_but_their_text_stays() -> None:
    md = "Intro.\n\n```text\nI wrote this **inside** a fence\n```\n\n~~~\nand this\n~~~"
    assert texts(markdown_paragraphs(md)) == [
        "Intro.",
        "I wrote this **inside** a fence",
        "and this",
    ]


def test_markdown_headings_are_paragraphs_of_their_own() -> None:
    assert texts(markdown_paragraphs("## Tuesday\nA quiet day.")) == ["Tuesday", "A quiet day."]


# --- JSON transcripts ----------------------------------------------------------------------


def test_json_entries_keep_speaker_text_and_every_timestamp_form() -> None:
    entries = [
        {"speaker": " Ana ", "text": "Hi  there", "timestamp": 1.5},
        {"speaker": "Ben", "text": "Hello", "timestamp": "00:01:02.250", "end": "00:01:04"},
        {"text": "No speaker", "timestamp": "02:03"},
        {"speaker": None, "text": "No time", "timestamp": None, "confidence": 0.9},
        {"speaker": "", "text": "Blank speaker", "timestamp": 7},
    ]
    blocks = parse_json_transcript(json.dumps(entries))
    assert [(b.speaker, b.text, b.start, b.end) for b in blocks] == [
        ("Ana", "Hi there", 1.5, None),
        ("Ben", "Hello", 62.25, 64.0),
        (None, "No speaker", 123.0, None),
        (None, "No time", None, None),
        (None, "Blank speaker", 7.0, None),
    ]


def test_invalid_json_reports_line_and_column() -> None:
    with pytest.raises(MalformedContent, match="not valid JSON") as bad:
        parse_json_transcript('[\n  {"text": "a"},\n  {"text": }\n]')
    assert bad.value.details == {"line": 3, "column": 12}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_json_are_refused(constant: str) -> None:
    with pytest.raises(MalformedContent, match="not valid JSON"):
        parse_json_transcript(f'[{{"text": "a", "timestamp": {constant}}}]')


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"text": "a"}', "must be a list"),
        ('"a"', "must be a list"),
        ("[]", "no entries"),
    ],
)
def test_json_of_the_wrong_shape_is_refused(document: str, message: str) -> None:
    with pytest.raises(MalformedContent, match=message):
        parse_json_transcript(document)


def test_every_invalid_entry_is_reported_with_its_index() -> None:
    entries = [
        {"text": "fine"},
        "just a string",
        {"speaker": "A"},
        {"text": "   "},
        {"text": "a", "speaker": 7},
        {"text": "a", "timestamp": True},
        {"text": "a", "timestamp": -1},
        {"text": "a", "timestamp": "yesterday"},
        {"text": "a", "timestamp": 1e400},
        {"text": "a", "timestamp": 5, "end": 2},
    ]
    with pytest.raises(MalformedContent, match="invalid entries") as bad:
        parse_json_transcript(json.dumps(entries).replace("Infinity", "1e400"))
    assert [e["entry"] for e in bad.value.details] == list(range(1, 10))
    assert "'text' must be a non-empty string" in bad.value.details[1]["error"]
    assert "'speaker'" in bad.value.details[3]["error"]
    assert "yesterday" in bad.value.details[6]["error"]


# --- subtitles -----------------------------------------------------------------------------

VTT = """WEBVTT - a session
Kind: captions

NOTE this block is a comment
and spans lines

STYLE
::cue { color: red }

intro
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v.loud Dr. Lee>Welcome &amp; hello,</v>
<i>everyone</i>.

00:05.000 --> 00:07.500
Sam: I had a <b>rough</b> week.

00:00:08.000 --> 00:00:09.000
<c.yellow></c>

00:00:10.000 --> 00:00:11.000
Note to self: not a speaker
"""


def test_vtt_cues_become_blocks_with_voices_times_and_clean_text() -> None:
    assert [(b.speaker, b.text, b.start, b.end) for b in parse_vtt(VTT)] == [
        ("Dr. Lee", "Welcome & hello, everyone.", 1.0, 4.0),
        ("Sam", "I had a rough week.", 5.0, 7.5),
        (None, "Note to self: not a speaker", 10.0, 11.0),
    ]


def test_vtt_without_a_blank_line_after_the_header_is_still_read() -> None:
    blocks = parse_vtt("WEBVTT\n00:00:01.000 --> 00:00:02.000\nHello")
    assert [(b.text, b.start) for b in blocks] == [("Hello", 1.0)]


@pytest.mark.parametrize(
    ("vtt", "message", "details"),
    [
        ("not a vtt\n\n00:01.000 --> 00:02.000\nhi", "WEBVTT", {"line": 1}),
        ("WEBVTT\n\nNOTE only a note\n", "no cues", {"cues": 0}),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<b></b>\n", "no cues", {"cues": 1}),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 -> 00:04.000\nbroken",
            r"cue 2 \(line 6\)",
            {"cue": 2, "line": 6},
        ),
        ("WEBVTT\n\n00:05.000 --> 00:02.000\nbackwards", "ends before", {"cue": 1, "line": 3}),
    ],
)
def test_bad_vtt_is_refused_with_where(vtt: str, message: str, details: object) -> None:
    with pytest.raises(MalformedContent, match=message) as bad:
        parse_vtt(vtt)
    assert bad.value.details == details


def test_srt_cues_with_speaker_prefixes_and_markup() -> None:
    srt = (
        "1\r\n00:00:02,500 --> 00:00:03,000\r\n{\\an8}Émile Zola: <i>Bonjour</i>\r\n\r\n"
        "2\r\n00:01:00,000 --> 00:01:02,000\r\nsee http://example.com\r\nfor more\r\n\r\n"
        "3\r\n01:00:00,000 --> 01:00:01,000\r\n- Q: Why?\r\n"
    )
    assert [(b.speaker, b.text, b.start, b.end) for b in parse_srt(srt)] == [
        ("Émile Zola", "Bonjour", 2.5, 3.0),
        (None, "see http://example.com for more", 60.0, 62.0),
        ("Q", "Why?", 3600.0, 3601.0),
    ]


def test_srt_with_a_bad_timing_names_the_cue_and_line() -> None:
    with pytest.raises(MalformedContent, match="cue 1") as bad:
        parse_srt("1\n00:00:xx,000 --> 00:00:02,000\nhi\n")
    assert bad.value.details == {"cue": 1, "line": 2}


# --- the entry point -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "raw", "message"),
    [
        ("a.txt", b"", "empty"),
        ("a.md", b" \n\t\n", "empty"),
        ("a.md", b"---\n\n***\n", "no text"),
        ("a.txt", b"\xc3\x28", "UTF-8"),
    ],
)
def test_files_without_text_are_refused(filename: str, raw: bytes, message: str) -> None:
    with pytest.raises(MalformedContent, match=message):
        parse_content(filename, raw)


def test_parse_content_picks_the_parser_by_extension() -> None:
    raw = b'[{"speaker": "A", "text": "hi", "timestamp": 3}]'
    assert parse_content("t.json", raw) == ("json", [ContentBlock(text="hi", speaker="A", start=3)])
    assert parse_content("t.txt", raw)[1][0].text == raw.decode()
