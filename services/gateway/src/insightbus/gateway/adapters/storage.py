"""The gateway's collections (it owns them; no other service reads them) and their indexes.

Three of them expire (``expire_at``, a TTL index): refresh tokens when the token does (a
spent one is kept that long, to catch its reuse), spent upload nonces once their timestamp
could no longer be accepted, and ticket jobs ``ticket_job_retention_s`` after they ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.retention import expire_unmarked
from insightbus.common.store import Collection, DocumentStore, Index, expiry_index
from insightbus.gateway.domain.tickets.jobs import ENDED

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
    idempotency_keys: Collection  # uploads' Idempotency-Keys and their answers, until they expire
    oidc_flows: (
        Collection  # OpenID Connect logins under way (state, nonce, PKCE), until they expire
    )
    identities: Collection  # "<provider>:<subject>" -> the user it logs in as

    @classmethod
    async def open(cls, store: DocumentStore) -> GatewayCollections:
        return cls(
            users=await store.collection("users", [Index(("email",), unique=True)]),
            refresh_tokens=await store.collection(
                "refresh_tokens", [Index(("family",)), expiry_index()]
            ),
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
            ticket_jobs=await store.collection(
                "ticket_jobs", [Index(("user_id", "created_at")), expiry_index()]
            ),
            nonces=await store.collection("nonces", [expiry_index()]),
            oidc_flows=await store.collection("oidc_flows", [expiry_index()]),
            identities=await store.collection("identities", [Index(("user_id",))]),
            idempotency_keys=await store.collection("idempotency_keys", [expiry_index()]),
        )

    async def expire_older(
        self, *, refresh_tokens_s: float, nonces_s: float, ticket_jobs_s: float
    ) -> None:
        """What a version before expiry wrote goes too, at the latest as long from now as
        it could still be needed."""
        await expire_unmarked(self.refresh_tokens, refresh_tokens_s)
        await expire_unmarked(self.nonces, nonces_s)
        await expire_unmarked(self.ticket_jobs, ticket_jobs_s, {"status": {"$in": list(ENDED)}})

    def session_scoped(self) -> tuple[Collection, ...]:
        """Everything derived from a session: it goes when the session goes."""
        return (self.contents, self.emotions, self.topics, self.insights, self.action_items)
