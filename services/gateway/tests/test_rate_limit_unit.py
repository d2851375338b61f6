"""The pure fixed-window limiter and the access-token verification cache."""

from __future__ import annotations

import uuid

import pytest

from insightbus.common.auth import AccessTokenVerifier, InvalidToken, TokenCodec, TokenKind
from insightbus.common.store import DocumentStore
from insightbus.common.store.mongo import MongoStore
from insightbus.common.store.sqlite import SqliteStore
from insightbus.gateway.adapters.rate_limits import SharedLimiter
from insightbus.gateway.domain.rate_limit import FixedWindowLimiter


def test_a_client_gets_limit_requests_per_window_from_its_first_request() -> None:
    limiter = FixedWindowLimiter(3, window_s=60)
    decisions = [limiter.hit("a", t) for t in (100.0, 110.0, 120.0, 130.0)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert [d.reset_after for d in decisions] == [60, 50, 40, 30]
    # Another client's window is its own.
    assert limiter.hit("b", 130.0).remaining == 2
    # At the end of a's window it starts over.
    again = limiter.hit("a", 160.0)
    assert (again.allowed, again.remaining, again.reset_after) == (True, 2, 60)


def test_refused_requests_do_not_extend_the_wait() -> None:
    limiter = FixedWindowLimiter(1, window_s=10)
    assert limiter.hit("a", 0.0).allowed
    for t in (1.0, 5.0, 9.5):
        refused = limiter.hit("a", t)
        assert not refused.allowed
    assert refused.reset_after == 1  # rounded up, never 0
    assert limiter.hit("a", 10.0).allowed


def test_finished_windows_are_forgotten() -> None:
    limiter = FixedWindowLimiter(5, window_s=60)
    for i in range(1000):
        limiter.hit(f"client-{i}", 0.0)
    assert len(limiter) == 1000
    limiter.hit("late", 61.0)
    assert len(limiter) == 1


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        FixedWindowLimiter(0)


def codec(access_ttl_s: int = 60) -> TokenCodec:
    return TokenCodec("s" * 40, issuer="t", access_ttl_s=access_ttl_s, refresh_ttl_s=60)


def test_verified_tokens_are_cached_and_refused_ones_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = codec()
    verifier = AccessTokenVerifier(tokens, capacity=2)
    calls: list[str] = []
    real = tokens.verify

    def counting(token: str, kind: TokenKind) -> object:
        calls.append(token)
        return real(token, kind)

    monkeypatch.setattr(tokens, "verify", counting)
    access, _ = tokens.issue("u1", TokenKind.access)
    refresh, _ = tokens.issue("u1", TokenKind.refresh)
    assert verifier.verify(access).subject == "u1"
    assert verifier.verify(access).subject == "u1"
    assert calls == [access]
    for _ in range(2):
        with pytest.raises(InvalidToken, match="not an access token"):
            verifier.verify(refresh)
    assert calls == [access, refresh, refresh]
    assert verifier.subject_or_none(refresh) is None and verifier.subject_or_none(None) is None


def test_the_cache_holds_at_most_its_capacity_least_recent_first_out() -> None:
    tokens = codec()
    verifier = AccessTokenVerifier(tokens, capacity=2)
    a, b, c = (tokens.issue(u, TokenKind.access)[0] for u in ("a", "b", "c"))
    for token in (a, b, a, c):  # a was used again: b is the least recently used
        verifier.verify(token)
    assert set(verifier._verified) == {a, c}


def test_a_cached_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = codec()
    verifier = AccessTokenVerifier(tokens)
    access, claims = tokens.issue("u", TokenKind.access)
    verifier.verify(access)
    monkeypatch.setattr("insightbus.common.auth.verifier.time.time", lambda: claims.expires_at + 1)

    def expired(*_: object) -> None:
        raise InvalidToken("token expired")  # what the codec says at that time

    monkeypatch.setattr(tokens, "verify", expired)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(access)
    assert access not in verifier._verified


@pytest.mark.parametrize("kind", ["sqlite", "mongo"])
async def test_replicas_sharing_a_store_share_one_allowance(
    kind: str, request: pytest.FixtureRequest
) -> None:
    store: DocumentStore = (
        SqliteStore(None)
        if kind == "sqlite"
        else MongoStore(request.getfixturevalue("mongo_url"), f"rl_{uuid.uuid4().hex[:8]}")
    )
    await store.start()
    now = [60 * 16_667 + 20.0]  # 20 s into a window (windows are on the wall clock)
    replicas = [SharedLimiter(store, 5, clock=lambda: now[0]) for _ in range(2)]
    try:
        decisions = [await replicas[i % 2].hit("user:u1") for i in range(8)]
        assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
        assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
        assert decisions[0].reset_after == 40
        assert (await replicas[0].hit("user:other")).allowed  # per client
        now[0] += 40  # the next window
        assert (await replicas[1].hit("user:u1")).remaining == 4
    finally:
        await store.close()
