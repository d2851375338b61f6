"""The graph port and its adapters."""

from insightbus.common.graph.port import (
    ActionItemNode,
    EmotionNode,
    Graph,
    GraphUnavailable,
    InsightNode,
    Journey,
    JourneyEmotion,
    JourneySession,
    RecurringTopic,
    SessionNode,
    SessionRef,
    TopicMention,
)

__all__ = [
    "ActionItemNode",
    "EmotionNode",
    "Graph",
    "GraphUnavailable",
    "InsightNode",
    "Journey",
    "JourneyEmotion",
    "JourneySession",
    "RecurringTopic",
    "SessionNode",
    "SessionRef",
    "TopicMention",
]
