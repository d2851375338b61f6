"""Content blocks -> segments: the units emotions are detected on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from insightbus.analysis.domain.model import Block, Segment

# A sentence ends at . ! ? (or an ellipsis) followed by space and a capital/quote/digit.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


# Within a sentence, a diary often joins opposite feelings: "...; I felt better", "worried
# about the deadline but also excited", "by Friday ... I'm worried". Each clause is scored
# on its own: scored together, the stronger feeling hides the other.
_CLAUSE_BREAK = re.compile(r"\s*;\s*|\s*(?:\.\.\.|…)\s+|\s+(?=but also\b)", re.IGNORECASE)

_TRAILING_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def split_clauses(text: str) -> list[str]:
    """The sentences of ``text``, each cut further at ``;``, a mid-sentence ellipsis and
    "but also": the units emotions are detected on."""
    return [
        _TRAILING_ELLIPSIS.sub("", clause.strip())
        for sentence in split_sentences(text)
        for clause in _CLAUSE_BREAK.split(sentence)
        if clause and clause.strip(" .;…")
    ]


def _chunks(text: str, max_chars: int) -> list[str]:
    """Sentences packed greedily into chunks of at most ``max_chars`` (a longer sentence
    stays whole: cutting it would cut its meaning)."""
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + 1 + len(sentence) > max_chars:
            chunks.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        chunks.append(current)
    return chunks


def segment_blocks(blocks: Sequence[Block], max_chars: int = 400) -> list[Segment]:
    segments: list[Segment] = []
    for block in blocks:
        text = " ".join(block.text.split())
        if not text:
            continue
        pieces = [text] if len(text) <= max_chars else _chunks(text, max_chars)
        total = sum(len(p) for p in pieces)
        offset = 0
        for piece in pieces:
            start, end = block.start, block.end
            if len(pieces) > 1 and block.start is not None and block.end is not None:
                # Spread the block's time over its pieces in proportion to their length.
                span = block.end - block.start
                start = block.start + span * offset / total
                end = block.start + span * (offset + len(piece)) / total
            offset += len(piece)
            segments.append(
                Segment(
                    index=len(segments),
                    text=piece,
                    speaker=block.speaker,
                    start=None if start is None else round(start, 3),
                    end=None if end is None else round(end, 3),
                )
            )
    return segments
