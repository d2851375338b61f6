"""Topics: the key phrases a session keeps coming back to.

Candidate phrases are runs of content words (split at stopwords, fillers and punctuation),
scored by how rare their words are in everyday writing (inverse document frequencies
learned from the GoEmotions corpus) and how often the session mentions them.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from insightbus.analysis.domain.model import Segment, Topic

# Words that carry no topic in conversation, beyond the usual stopwords.
FILLERS = frozenset(
    [
        "um",
        "uh",
        "umm",
        "uhh",
        "hmm",
        "erm",
        "ah",
        "oh",
        "okay",
        "ok",
        "yeah",
        "yes",
        "yep",
        "nope",
        "like",
        "really",
        "just",
        "actually",
        "basically",
        "literally",
        "maybe",
        "kind",
        "sort",
        "stuff",
        "thing",
        "things",
        "lot",
        "lots",
        "bit",
        "pretty",
        "quite",
        "very",
        "much",
        "gonna",
        "wanna",
        "gotta",
        "feel",
        "feeling",
        "felt",
        "think",
        "thought",
        "know",
        "knew",
        "mean",
        "means",
        "want",
        "wanted",
        "going",
        "got",
        "get",
        "gets",
        "getting",
        "say",
        "said",
        "saying",
        "tell",
        "told",
        "make",
        "made",
        "let",
        "lets",
        "way",
        "ways",
        "time",
        "times",
        "day",
        "days",
        "today",
        "week",
        "yesterday",
        "tomorrow",
        "right",
        "well",
        "good",
        "bad",
        "better",
        "best",
        "sure",
        "little",
        "big",
        "new",
        "old",
        "great",
        "honestly",
        "probably",
        "definitely",
        "especially",
        "guess",
        "try",
        "trying",
        "tried",
        "talk",
        "talked",
        "talking",
        "happen",
        "happened",
        "happens",
        "come",
        "came",
        "goes",
        "went",
        "doing",
        "does",
        "did",
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "ve",
        "ll",
        "re",
        "im",
        "ive",
        "id",
        "dont",
        "cant",
        "wont",
        "thats",
        "theres",
        "youre",
        "something",
        "anything",
        "everything",
        "nothing",
        "someone",
        "anyone",
        "everyone",
        "people",
        "person",
        "guy",
        "guys",
        "man",
        "sounds",
        "sound",
        "hard",
        "lol",
        "haha",
    ]
)


@functools.cache
def stop_words() -> frozenset[str]:
    # scikit-learn's list, imported on first use: importing scikit-learn takes seconds, and
    # the processes that only route events (and every CLI command) never extract topics.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | FILLERS


_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[.,;:!?()\"]")
_MAX_WORDS = 3
_DEFAULT_IDF = 8.0  # a word the background corpus never saw is probably specific


def _runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = []
    current: list[str] = []
    stop = stop_words()
    for token in _TOKEN.findall(text.lower()):
        word = token.replace("'", "")
        if len(token) == 1 or word in stop or len(word) < 3:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(word)
    if current:
        runs.append(current)
    return runs


def _candidates(run: list[str]) -> list[tuple[str, ...]]:
    if len(run) <= _MAX_WORDS:
        return [tuple(run)]
    return [tuple(run[i : i + n]) for n in (2, 3) for i in range(len(run) - n + 1)]


def extract_topics(
    segments: Sequence[Segment], max_topics: int = 8, idf: Mapping[str, float] | None = None
) -> list[Topic]:
    idf = idf or {}
    found = [
        (segment.index, phrase)
        for segment in segments
        for run in _runs(segment.text)
        for phrase in _candidates(run)
    ]
    # A phrase said more than once is a topic of its own: its words do not count again on
    # their own where they stand in it ("database migration", not "database" and "migration").
    said = Counter(phrase for _, phrase in found)
    recurring = {phrase for phrase, n in said.items() if n > 1 and len(phrase) > 1}
    mentions: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, phrase in found:
        mentions[phrase].append(index)
        if len(phrase) > 1 and phrase not in recurring:
            for word in phrase:  # the words of a one-off phrase are candidates on their own
                mentions[(word,)].append(index)

    scored: list[tuple[float, tuple[str, ...]]] = []
    for phrase, where in mentions.items():
        if len(phrase) == 1 and len(phrase[0]) < 4:
            continue
        rarity = sum(idf.get(w, _DEFAULT_IDF) for w in phrase) / len(phrase)
        score = rarity * (1 + math.log(len(where))) * (1 + 0.35 * (len(phrase) - 1))
        scored.append((score, phrase))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))

    chosen: list[tuple[float, tuple[str, ...]]] = []
    for score, phrase in scored:
        words = set(phrase)
        # Skip a phrase that repeats (or is contained in) one already chosen.
        if any(words <= set(p) or set(p) <= words for _, p in chosen):
            continue
        chosen.append((score, phrase))
        if len(chosen) == max_topics:
            break
    if not chosen:
        return []
    best = chosen[0][0]
    return [
        Topic(
            label=" ".join(phrase),
            score=round(score / best, 4),
            keywords=phrase,
            segments=tuple(sorted(set(mentions[phrase]))),
        )
        for score, phrase in chosen
    ]
