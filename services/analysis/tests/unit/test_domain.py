"""The analysis domain on its own: no bus, no store."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from insightbus.analysis.domain import (
    Block,
    EmotionModel,
    derive_insights,
    detect_emotions,
    extract_topics,
    segment_blocks,
    suggest_action_items,
)
from insightbus.analysis.domain.emotions import DEFAULT_PATH, FUSED, TFIDF, model_name

NEGATIVE = {"sadness", "grief", "fear", "nervousness", "disappointment", "anger", "remorse"}
POSITIVE = {"joy", "gratitude", "excitement", "love", "admiration", "optimism", "relief"}


def labels(text: str) -> set[str]:
    return {name for name, _ in EmotionModel.load().predict([text])[0]}


def test_the_model_tells_joy_from_sadness() -> None:
    assert labels("Thank you so much, this made my day, I'm so happy!") & {"gratitude", "joy"}
    assert labels("I miss her so much, I can't stop crying since she died.") & {"sadness", "grief"}
    assert labels("I'm terrified of what the scan will show.") & {"fear", "nervousness"}


def test_segments_keep_transcript_timestamps_and_interpolate_long_blocks() -> None:
    long_text = " ".join(f"Sentence number {i} is here." for i in range(40))
    segments = segment_blocks(
        [
            Block("Hello there.", speaker="A", start=5.0, end=7.0),
            Block("   "),
            Block(long_text, speaker="B", start=10.0, end=50.0),
        ],
        max_chars=200,
    )
    assert segments[0].start == 5.0 and segments[0].speaker == "A"
    rest = segments[1:]
    assert len(rest) > 3 and all(len(s.text) <= 200 for s in rest)
    assert [s.index for s in segments] == list(range(len(segments)))
    starts = [s.start for s in rest]
    assert starts[0] == 10.0 and starts == sorted(starts) and rest[-1].end == 50.0
    assert " ".join(s.text for s in rest) == long_text


def test_emotions_carry_segment_time_and_never_neutral() -> None:
    segments = segment_blocks(
        [
            Block("The meeting is at noon.", start=1.0),
            Block("I am so grateful for your help!", start=9.0),
        ]
    )
    emotions = detect_emotions(EmotionModel.load(), segments)
    assert all(e.name != "neutral" for e in emotions)
    grateful = [e for e in emotions if e.name == "gratitude"]
    assert grateful and grateful[0].segment == 1 and grateful[0].timestamp == 9.0
    assert 0.0 < grateful[0].intensity <= 1.0


def test_topics_are_key_phrases_not_filler() -> None:
    text = [
        "Um, I keep thinking about the job interview, like, really a lot.",
        "The job interview is on Friday and my sleep schedule is a mess.",
        "My sleep schedule has been bad since the job interview was announced.",
    ]
    topics = extract_topics(
        segment_blocks([Block(t) for t in text]), idf=EmotionModel.load().word_idf
    )
    found = [t.label for t in topics]
    assert "job interview" in found and "sleep schedule" in found
    for filler in ("um", "like", "really", "the"):
        assert filler not in found
    assert topics[0].score == 1.0 and all(0 < t.score <= 1 for t in topics)
    assert next(t for t in topics if t.label == "job interview").segments == (0, 1, 2)


def test_a_session_that_turns_happy_gets_a_shift_insight() -> None:
    segments = segment_blocks(
        [
            Block("I feel hopeless and sad, nothing works."),
            Block("I cried all night, I'm so lonely and miserable."),
            Block("We talked about options."),
            Block("Then my friend called and we laughed a lot, I'm so happy."),
            Block("Thank you, I'm really grateful and excited now!"),
        ]
    )
    model = EmotionModel.load()
    emotions = detect_emotions(model, segments)
    insights = derive_insights(segments, emotions, extract_topics(segments))
    kinds = {i.kind: i for i in insights}
    assert "dominant_emotion" in kinds
    shift = kinds["emotional_shift"]
    assert "more positive" in shift.description
    assert shift.evidence["valence_end"] > shift.evidence["valence_start"]


def test_flat_sessions_have_no_shift() -> None:
    segments = segment_blocks([Block("The bus was on time."), Block("We had a meeting at noon.")])
    emotions = detect_emotions(EmotionModel.load(), segments)
    assert "emotional_shift" not in {i.kind for i in derive_insights(segments, emotions, [])}


def test_commitments_become_action_items() -> None:
    segments = segment_blocks(
        [
            Block("I will call my sister tomorrow.", speaker="Client"),
            Block("Are you going to sleep better?"),
            Block(
                "We should schedule a follow-up next week, and I'm going to start a gratitude journal."
            ),
            Block("It was a nice day."),
            Block("I will call my sister tomorrow."),
        ]
    )
    items = suggest_action_items(segments)
    titles = [i.title for i in items]
    assert titles == [
        "Call your sister tomorrow",
        "Schedule a follow-up next week",
        "Start a gratitude journal",
    ]
    assert items[0].speaker == "Client" and items[0].segment == 0


DIARY = (
    "Today was rough. My manager criticized the report in front of the whole team and I felt "
    "humiliated and angry. Later my friend called and we laughed about it; I felt much better "
    "and grateful to have her. I need to finish the budget slides by Friday ... I'm worried "
    "about the deadline but also excited about the new project launch"
)


def test_clauses_split_at_sentences_semicolons_ellipses_and_but_also() -> None:
    from insightbus.analysis.domain.segmentation import split_clauses

    assert split_clauses("We laughed about it; I felt better. Worried but also excited.") == [
        "We laughed about it",
        "I felt better.",
        "Worried",
        "but also excited.",
    ]
    assert split_clauses("By Friday ... I'm worried") == ["By Friday", "I'm worried"]


def test_each_feeling_of_a_diary_entry_points_at_its_sentence() -> None:
    segments = segment_blocks([Block(DIARY, start=0.0, end=60.0)])
    emotions = detect_emotions(EmotionModel.load(), segments)
    at = {e.name: e for e in emotions}
    assert len(at) == len(emotions), "one emotion per name per segment"
    hurt = at.get("anger") or at.get("embarrassment")
    glad = at.get("gratitude") or at.get("joy")
    anxious = at.get("nervousness") or at.get("fear")
    assert hurt and "humiliated" in hurt.excerpt
    assert glad and "grateful" in glad.excerpt
    assert anxious and "worried" in anxious.excerpt and "excited" not in anxious.excerpt
    # Times are spread over the entry: a later sentence, a later time.
    assert hurt.timestamp is not None and anxious.timestamp is not None
    assert 0.0 <= hurt.timestamp < anxious.timestamp < 60.0


def test_a_topic_takes_its_emotion_from_the_sentences_that_mention_it() -> None:
    segments = segment_blocks([Block(DIARY)])
    model = EmotionModel.load()
    emotions = detect_emotions(model, segments)
    topics = extract_topics(segments, 8, model.word_idf)
    links = {
        i.evidence["topic"]: i.title
        for i in derive_insights(segments, emotions, topics)
        if i.kind == "topic_emotion"
    }
    manager = next(t for t in links if "manager" in t)
    assert "anger" in links[manager] or "embarrassment" in links[manager]
    assert "optimism" not in " ".join(links.values())


def test_a_recurring_two_word_phrase_outranks_its_single_words() -> None:
    text = (
        "We planned the database migration for Friday. The database migration needs a rollback "
        "plan. Everyone worried the database migration would fail. The migration of users is "
        "separate. Our database is large."
    )
    segments = segment_blocks([Block(s) for s in text.split(". ")])
    labels = [t.label for t in extract_topics(segments, 8, EmotionModel.load().word_idf)]
    assert labels[0] == "database migration", labels
    assert "database" not in labels and "migration" not in labels


def test_only_confidently_foreign_text_is_refused() -> None:
    from insightbus.analysis.domain.language import identify, refusal

    assert refusal(identify(DIARY)) is None
    assert refusal(identify("ok lol")) is None  # too short to tell
    german = identify("Heute war ein schwieriger Tag, mein Chef hat den Bericht kritisiert.")
    assert german.code == "de" and "German (de)" in (refusal(german) or "")


def test_the_shipped_model_is_the_fused_encoder_and_tfidf_is_the_fallback(tmp_path: Path) -> None:
    shipped = EmotionModel.load()
    assert shipped.name == FUSED and model_name() == FUSED
    # The TF-IDF artifact alone, without the encoder's files beside it: TF-IDF alone, and
    # it still reads the obvious right.
    alone = tmp_path / "emotions.joblib"
    shutil.copyfile(DEFAULT_PATH, alone)
    fallback = EmotionModel.load(alone)
    assert fallback.name == TFIDF == model_name(alone)
    assert EmotionModel.load(prefer="tfidf").name == TFIDF
    text = "Thank you so much, this made my day, I'm so happy!"
    for model in (shipped, fallback):
        assert {name for name, _ in model.predict([text])[0]} & {"gratitude", "joy"}
    # The fused scores differ from TF-IDF's: the encoder really runs.
    assert not np.allclose(shipped.predict_proba([text]), fallback.predict_proba([text]))
