"""The gateway's collections (it owns them; no other service reads them) and their indexes."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.store import Collection, DocumentStore, Index

_BY_SESSION = Index(("session_id",))


@dataclass(frozen=True)
class GatewayCollections:
    users: Collection
    refresh_tokens: Collection
    sessions: Collection  # also holds the analysis status of the session's latest upload
    contents: Collection
    emotions: Collection
    topics: Collection
    insights: Collection
    action_items: Collection
    api_keys: Collection
    signing_secrets: Collection  # by user id
    ticket_jobs: Collection
    nonces: Collection  # spent upload nonces, until their timestamps expire

    @classmethod
    async def open(cls, store: DocumentStore) -> GatewayCollections:
        return cls(
            users=await store.collection("users", [Index(("email",), unique=True)]),
            refresh_tokens=await store.collection("refresh_tokens", [Index(("family",))]),
            sessions=await store.collection("sessions", [Index(("user_id", "created_at"))]),
            contents=await store.collection("contents", [_BY_SESSION]),
            emotions=await store.collection("emotions", [Index(("session_id", "segment", "name"))]),
            topics=await store.collection("topics", [Index(("session_id", "score"))]),
            insights=await store.collection("insights", [Index(("session_id", "confidence"))]),
            action_items=await store.collection(
                "action_items", [Index(("session_id", "created_at"))]
            ),
            api_keys=await store.collection("api_keys", [Index(("user_id",))]),
            signing_secrets=await store.collection("signing_secrets"),
            ticket_jobs=await store.collection("ticket_jobs", [Index(("user_id", "created_at"))]),
            nonces=await store.collection("nonces", [Index(("expires_at",))]),
        )

    def session_scoped(self) -> tuple[Collection, ...]:
        """Everything derived from a session: it goes when the session goes."""
        return (self.contents, self.emotions, self.topics, self.insights, self.action_items)
