"""The pure parts of webhooks: retry timing and signatures."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from standardwebhooks import Webhook

from insightbus.notifier.domain import signing
from insightbus.notifier.domain.retry import MAX_RETRY_AFTER_S, backoff, retry_after


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    assert retry_after("120", now) == 120
    assert retry_after("Tue, 01 Jan 2030 12:00:30 GMT", now) == 30
    assert retry_after("Tue, 01 Jan 2030 11:00:00 GMT", now) == 0  # already past
    assert retry_after("99999999", now) == MAX_RETRY_AFTER_S
    for unreadable in (None, "", "soon", "-5", "1.5e3"):
        assert retry_after(unreadable, now) is None


def test_backoff_follows_the_schedule_with_a_little_jitter() -> None:
    rng = random.Random(1)
    schedule = (5.0, 300.0)
    delays = [backoff(0, schedule, rng) for _ in range(200)]
    assert all(d is not None and 5.0 <= d <= 5.5 for d in delays)
    assert len(set(delays)) > 100  # spread out, not all alike
    second = backoff(1, schedule, rng)
    assert second is not None and 300 <= second <= 330
    assert backoff(2, schedule, rng) is None


def test_signatures_match_the_reference_implementation() -> None:
    secret = signing.new_secret()
    when = datetime(2030, 1, 1, tzinfo=UTC)
    body = '{"event":"analysis.complete","data":{"é":1},"timestamp":"2030-01-01T00:00:00+00:00"}'
    ours = signing.signature(secret, "msg_1", int(when.timestamp()), body)
    assert ours == Webhook(secret).sign("msg_1", when, body)


def test_the_previous_secret_signs_only_during_the_overlap() -> None:
    keys = signing.rotated("whsec_old", now=100.0, overlap_s=10)
    assert signing.signing_keys(keys, 105.0) == [keys["secret"], "whsec_old"]
    assert signing.signing_keys(keys, 110.0) == [keys["secret"]]
    assert signing.rotated("whsec_old", now=100.0, overlap_s=0)["previous_secret"] is None
