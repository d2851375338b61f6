"""The gateway's own data and the things its use cases need, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.auth import TokenCodec
from insightbus.common.outbox import Outbox
from insightbus.common.settings import Settings
from insightbus.common.store import Collection, DocumentStore, Index
from insightbus.gateway.access import AccessTokens
from insightbus.gateway.auth.passwords import PasswordHasher


@dataclass(frozen=True)
class Collections:
    users: Collection
    refresh_tokens: Collection
    sessions: Collection
    contents: Collection
    analysis_status: Collection
    emotions: Collection
    topics: Collection
    insights: Collection
    action_items: Collection

    @classmethod
    async def open(cls, store: DocumentStore) -> Collections:
        by_session = Index(("session_id",))
        return cls(
            users=await store.collection("users", [Index(("email",), unique=True)]),
            refresh_tokens=await store.collection("refresh_tokens", [Index(("family",))]),
            sessions=await store.collection("sessions", [Index(("user_id", "created_at"))]),
            contents=await store.collection("contents", [by_session]),
            analysis_status=await store.collection("analysis_status"),
            emotions=await store.collection("emotions", [Index(("session_id", "segment"))]),
            topics=await store.collection("topics", [Index(("session_id", "score"))]),
            insights=await store.collection("insights", [by_session]),
            action_items=await store.collection("action_items", [by_session]),
        )

    def session_scoped(self) -> tuple[Collection, ...]:
        """What goes when a session is deleted."""
        return (
            self.contents,
            self.analysis_status,
            self.emotions,
            self.topics,
            self.insights,
            self.action_items,
        )


@dataclass(frozen=True)
class Gateway:
    settings: Settings
    codec: TokenCodec
    access: AccessTokens
    passwords: PasswordHasher
    db: Collections
    outbox: Outbox
