"""What Sentry would be sent carries no credential: the same redaction as the logs."""

from __future__ import annotations

from insightbus.common.observability.sentry import scrub

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"


def test_an_event_is_scrubbed_everywhere_it_may_hold_a_token() -> None:
    event = {
        "request": {"url": f"http://h/api/v1/ws/u1?token={JWT}", "query_string": f"token={JWT}"},
        "exception": {"values": [{"value": f"bad header Bearer {JWT}"}]},
        "breadcrumbs": {"values": [{"message": "GET /x?api_key=ibk_secret1234&page=2"}]},
        "level": "error",
        "extra": {"count": 3},
    }
    text = repr(scrub(event))
    assert JWT not in text and "ibk_secret1234" not in text
    assert "[redacted]" in text and "page=2" in text and "'count': 3" in text
