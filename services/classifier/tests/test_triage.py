"""Urgency, impact, the ITIL priority matrix and SLA due dates."""

from __future__ import annotations

from datetime import UTC, datetime

from insightbus.classifier.domain.triage import (
    Level,
    Priority,
    SlaPolicy,
    impact,
    priority,
    urgency,
)


def test_urgency_follows_time_pressure() -> None:
    assert urgency("My card was stolen, please block it immediately!").level is Level.high
    assert urgency("I can't log in to the app").level is Level.high
    assert urgency("My transfer is still pending since Monday").level is Level.medium
    assert urgency("How do I change my address?").level is Level.low
    assert urgency("My card was stolen").cue == "stolen"


def test_impact_follows_reach() -> None:
    assert impact("All customers cannot pay with their cards").level is Level.high
    assert impact("Suspected fraud on my account").level is Level.high
    assert impact("A refund I was promised has not arrived").level is Level.medium
    assert impact("How do I change my address?").level is Level.low


def test_priority_is_the_itil_matrix() -> None:
    assert priority(Level.high, Level.high) is Priority.critical
    assert priority(Level.high, Level.medium) is Priority.high
    assert priority(Level.medium, Level.high) is Priority.high
    assert priority(Level.medium, Level.medium) is Priority.medium
    assert priority(Level.low, Level.low) is Priority.low
    # Symmetric cells agree, and more of either never lowers the priority.
    for u in Level:
        for i in Level:
            assert priority(u, i) is priority(i, u)
            if u < Level.high:
                assert priority(Level(u + 1), i) <= priority(u, i)


def test_sla_due_dates_follow_the_policy() -> None:
    opened = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    policy = SlaPolicy(critical_h=2, high_h=8, medium_h=24, low_h=72)
    assert policy.due(opened, Priority.critical) == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    assert policy.due(opened, Priority.low) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
