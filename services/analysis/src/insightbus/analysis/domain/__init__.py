"""The analysis domain: pure functions from content to emotions, topics, insights, actions."""

from insightbus.analysis.domain.actions import suggest_action_items
from insightbus.analysis.domain.emotions import EmotionModel, detect_emotions
from insightbus.analysis.domain.insights import derive_insights
from insightbus.analysis.domain.model import (
    ActionItemSuggestion,
    Block,
    Emotion,
    Insight,
    Segment,
    Topic,
)
from insightbus.analysis.domain.segmentation import segment_blocks
from insightbus.analysis.domain.topics import extract_topics

__all__ = [
    "ActionItemSuggestion",
    "Block",
    "Emotion",
    "EmotionModel",
    "Insight",
    "Segment",
    "Topic",
    "derive_insights",
    "detect_emotions",
    "extract_topics",
    "segment_blocks",
    "suggest_action_items",
]
