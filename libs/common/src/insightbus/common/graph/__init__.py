"""The graph port and its adapters."""

from insightbus.common.graph.port import (
    RECURRING_TOPICS,
    SESSIONS_PER_TOPIC,
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
    "RECURRING_TOPICS",
    "SESSIONS_PER_TOPIC",
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
