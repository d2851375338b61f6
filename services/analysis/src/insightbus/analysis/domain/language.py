"""Which language the content is in: the emotion and topic models read English only, so
content confidently in another language is refused with that reason rather than analysed
into confident nonsense. py3langid ships its model; it is loaded once, on first use."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

ENGLISH = "en"
# Short texts ("ok", "lol") are too short to tell; a mostly English text with a foreign
# quote stays English below this probability.
MIN_CHARS = 40
MIN_PROBABILITY = 0.9
_SAMPLE_CHARS = 20_000  # enough to tell; identification is linear in the text

NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sv": "Swedish", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian",
    "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as py3langid names it
    probability: float
    chars: int  # how much text it was told from


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> Language:
    sample = " ".join(text[:_SAMPLE_CHARS].split())
    code, probability = _identifier().classify(sample)
    return Language(str(code), float(probability), len(sample))


def refusal(language: Language) -> str | None:
    """Why the content is not analysed, when it is confidently not English; else None."""
    if (
        language.code == ENGLISH
        or language.chars < MIN_CHARS
        or language.probability < MIN_PROBABILITY
    ):
        return None
    name = NAMES.get(language.code, language.code)
    return (
        f"the content looks like {name} ({language.code}); the analysis reads English only, "
        "so it was not analysed"
    )
