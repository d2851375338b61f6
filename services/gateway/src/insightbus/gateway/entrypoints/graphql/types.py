"""The GraphQL object types: the shapes the REST API answers, in GraphQL's camelCase.

Nested lists (a session's emotions, topics, insights, action items) are read through the
context's DataLoaders, so a page of sessions costs one read per kind, not one per session.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from insightbus.common.errors import Invalid
from insightbus.common.events.action_items import ActionItem as ActionItemModel
from insightbus.gateway.app.auth import User as UserModel
from insightbus.gateway.domain.sessions import Session as SessionModel
from insightbus.gateway.entrypoints.graphql.context import Context
from insightbus.gateway.entrypoints.graphql.errors import graphql_error

#: The bounds of the REST API's result pages (``ResultsPage``: 100 by default, 500 at most).
RESULTS_DEFAULT, RESULTS_MAX = 100, 500


@strawberry.enum
class ActionItemStatus(Enum):
    OPEN = "open"
    DONE = "done"
    DISMISSED = "dismissed"


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str

    @classmethod
    def of(cls, user: UserModel) -> User:
        return cls(id=strawberry.ID(user.id), email=user.email, name=user.name)


@strawberry.type(description="Where the analysis of the session's latest upload is.")
class AnalysisStatus:
    status: str
    progress: int
    stage: str | None
    error: str | None
    model: str | None
    content_id: str | None
    updated_at: str | None


@strawberry.type
class Emotion:
    id: strawberry.ID
    content_id: str
    name: str
    intensity: float
    timestamp: float | None
    segment: int
    speaker: str | None
    excerpt: str


@strawberry.type
class Topic:
    id: strawberry.ID
    content_id: str
    label: str
    score: float
    keywords: list[str]
    segments: list[int]


@strawberry.type
class Insight:
    id: strawberry.ID
    content_id: str
    kind: str
    title: str
    description: str
    confidence: float
    evidence: JSON


@strawberry.type
class ActionItem:
    id: strawberry.ID
    session_id: str
    title: str
    description: str | None
    status: ActionItemStatus
    due_date: datetime | None
    source: str
    created_at: datetime
    updated_at: datetime
    owner_session: strawberry.Private[SessionModel]

    @strawberry.field(description="The session the item belongs to.")
    def session(self) -> Session:
        return Session(model=self.owner_session)

    @classmethod
    def of(cls, item: ActionItemModel, session: SessionModel) -> ActionItem:
        return cls(
            owner_session=session,
            id=strawberry.ID(item.id),
            session_id=item.session_id,
            title=item.title,
            description=item.description,
            status=ActionItemStatus(item.status),
            due_date=item.due_date,
            source=item.source,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


@strawberry.type
class EmotionPage:
    items: list[Emotion]
    total: int


@strawberry.type
class TopicPage:
    items: list[Topic]
    total: int


@strawberry.type
class InsightPage:
    items: list[Insight]
    total: int


@strawberry.type
class ActionItemPage:
    items: list[ActionItem]
    total: int


@strawberry.input(description="Emotions of one name, or from an intensity up (as REST's query).")
class EmotionFilter:
    name: str | None = None
    min_intensity: float | None = None


def _window(items: list[Any], limit: int, offset: int) -> list[Any]:
    if not 1 <= limit <= RESULTS_MAX or offset < 0:
        raise graphql_error(Invalid(f"limit is 1 to {RESULTS_MAX}, offset 0 or more"))
    return items[offset : offset + limit]


def _fields(doc: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: doc.get(name) for name in names}


@strawberry.type
class Session:
    """The caller's session (sessions of other users are never answered)."""

    model: strawberry.Private[SessionModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.model.id)

    @strawberry.field
    def title(self) -> str:
        return self.model.title

    @strawberry.field
    def description(self) -> str:
        return self.model.description

    @strawberry.field
    def status(self) -> str:
        return self.model.status

    @strawberry.field
    def created_at(self) -> str:
        return self.model.created_at

    @strawberry.field
    def updated_at(self) -> str:
        return self.model.updated_at

    @strawberry.field
    def analysis_status(self) -> AnalysisStatus:
        return AnalysisStatus(**self.model.analysis())

    @strawberry.field
    async def emotions(
        self,
        info: Info[Context, None],
        filter: EmotionFilter | None = None,
        limit: int = RESULTS_DEFAULT,
        offset: int = 0,
    ) -> EmotionPage:
        wanted = filter or EmotionFilter()
        loader = info.context.results(
            "emotions", name=wanted.name, min_intensity=wanted.min_intensity
        )
        docs = await loader.load(self.model.id)
        names = ("content_id", "name", "intensity", "timestamp", "segment", "speaker", "excerpt")
        items = [
            Emotion(id=strawberry.ID(d["id"]), **_fields(d, *names))
            for d in _window(docs, limit, offset)
        ]
        return EmotionPage(items=items, total=len(docs))

    @strawberry.field
    async def topics(
        self, info: Info[Context, None], limit: int = RESULTS_DEFAULT, offset: int = 0
    ) -> TopicPage:
        docs = await info.context.results("topics").load(self.model.id)
        names = ("content_id", "label", "score", "keywords", "segments")
        items = [
            Topic(id=strawberry.ID(d["id"]), **_fields(d, *names))
            for d in _window(docs, limit, offset)
        ]
        return TopicPage(items=items, total=len(docs))

    @strawberry.field
    async def insights(
        self, info: Info[Context, None], limit: int = RESULTS_DEFAULT, offset: int = 0
    ) -> InsightPage:
        docs = await info.context.results("insights").load(self.model.id)
        names = ("content_id", "kind", "title", "description", "confidence", "evidence")
        items = [
            Insight(id=strawberry.ID(d["id"]), **_fields(d, *names))
            for d in _window(docs, limit, offset)
        ]
        return InsightPage(items=items, total=len(docs))

    @strawberry.field
    async def action_items(
        self,
        info: Info[Context, None],
        status: ActionItemStatus | None = None,
        limit: int = RESULTS_DEFAULT,
        offset: int = 0,
    ) -> ActionItemPage:
        loader = info.context.action_items(None if status is None else status.value)
        found = await loader.load(self.model.id)
        items = [ActionItem.of(i, self.model) for i in _window(found, limit, offset)]
        return ActionItemPage(items=items, total=len(found))


@strawberry.type
class SessionPage:
    items: list[Session]
    total: int
    limit: int
    offset: int


@strawberry.type
class TicketJob:
    """A ticket classification job (``session_id`` in the REST API)."""

    id: strawberry.ID
    status: str
    file_name: str | None
    total_tickets: int
    created_at: str
    progress: JSON | None
    completed_at: str | None
    error_message: str | None
    results: JSON | None
    tickets: JSON | None
    unclassified: JSON | None

    @classmethod
    def of(cls, view: dict[str, Any]) -> TicketJob:
        return cls(
            id=strawberry.ID(view["session_id"]),
            status=view["status"],
            file_name=view.get("file_name"),
            total_tickets=view["total_tickets"],
            created_at=str(view["created_at"]),
            progress=view.get("progress"),
            completed_at=view.get("completed_at"),
            error_message=view.get("error_message"),
            results=view.get("results"),
            tickets=view.get("tickets"),
            unclassified=view.get("unclassified"),
        )


@strawberry.type
class TicketJobPage:
    items: list[TicketJob]
    total: int
    limit: int
    offset: int


@strawberry.type
class Deleted:
    id: strawberry.ID
    deleted: bool


@strawberry.type(
    description="A message of a session's live stream, as the session socket sends it."
)
class SessionEvent:
    id: str | None = strawberry.field(description="pass as `after` to resume after it")
    type: str
    data: JSON


@strawberry.type(description="A message of the caller's own channel (notifications).")
class Notification:
    type: str
    message: JSON = strawberry.field(description="the whole message, as the channel sends it")
