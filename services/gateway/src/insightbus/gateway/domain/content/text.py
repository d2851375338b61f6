"""Plain text and Markdown -> one block per paragraph.

Markdown is reduced to the words a reader sees: the analysis should not weigh ``**`` or
URLs. Code inside fences is kept (only the fences go): dropping it could silently lose
the text of someone who fenced their notes to keep line breaks.
"""

from __future__ import annotations

import re

from insightbus.common.events.sessions import ContentBlock

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT_OR_RULE = re.compile(r"^\s{0,3}(?:=+|-{2,}|(?:[-*_]\s*){3,})\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?\|?\s*$")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
# Escaped characters hide in the Unicode private use area while the inline rules run,
# so that \*literal stars\* are not taken for emphasis.
_HIDDEN_BASE = 0xE000

_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links -> their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links -> their text
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), r"\1"),  # emphasis
    # Underscore emphasis only at word boundaries: snake_case_names stay intact.
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
)


def paragraphs(text: str) -> list[ContentBlock]:
    """Blank lines separate paragraphs; whitespace inside one collapses to single spaces."""
    return [
        ContentBlock(text=" ".join(chunk.split()))
        for chunk in _BLANK_LINES.split(text.replace("\r\n", "\n"))
        if chunk.strip()
    ]


def strip_markdown(text: str) -> str:
    """Markdown -> plain text with the same paragraph breaks; headings become paragraphs."""
    out: list[str] = []
    in_fence: str | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)[0] * 3
            if in_fence is None:
                in_fence = marker
                continue
            if marker == in_fence:
                in_fence = None
                continue
        if in_fence is not None:
            out.append(line)
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            out.extend(("", _inline(heading.group(1) or ""), ""))
            continue
        if _TABLE_RULE.match(line):
            continue  # the row between a table's header and its body
        if _SETEXT_OR_RULE.match(line):
            out.append("")
            continue
        if _REFERENCE_DEFINITION.match(line):
            continue
        line = _LIST_MARKER.sub("", _QUOTE.sub("", line))
        if line.lstrip().startswith("|"):  # a table row: keep the cells' words
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(_inline(line))
    return "\n".join(out)


def markdown_paragraphs(text: str) -> list[ContentBlock]:
    return paragraphs(strip_markdown(text))


def _inline(line: str) -> str:
    line = _ESCAPED.sub(lambda m: chr(_HIDDEN_BASE + ord(m.group(1))), line)
    for pattern, replacement in _INLINE_RULES:
        line = pattern.sub(replacement, line)
    return "".join(
        chr(ord(c) - _HIDDEN_BASE) if _HIDDEN_BASE <= ord(c) < _HIDDEN_BASE + 128 else c
        for c in line
    )
