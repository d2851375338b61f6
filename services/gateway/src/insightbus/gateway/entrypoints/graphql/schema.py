"""The GraphQL schema: queries and mutations over the gateway's use cases (the ones the
REST routes call, with the same request models validating the input), subscriptions over
the notifier's streams, and the limits that refuse abusive documents before they run."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from functools import partial
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.scalars import JSON
from strawberry.types import ExecutionContext, Info

from insightbus.common.errors import DomainError, Invalid, NotFound
from insightbus.common.web.dependencies import MAX_OFFSET, PageParams
from insightbus.gateway.domain.sessions import Session as SessionModel
from insightbus.gateway.entrypoints.graphql import live
from insightbus.gateway.entrypoints.graphql.context import Context
from insightbus.gateway.entrypoints.graphql.errors import answered, graphql_error
from insightbus.gateway.entrypoints.graphql.types import (
    ActionItem,
    ActionItemStatus,
    Deleted,
    Notification,
    Session,
    SessionEvent,
    SessionPage,
    TicketJob,
    TicketJobPage,
    User,
)
from insightbus.gateway.entrypoints.http.schemas.action_items import (
    ActionItemChangesRequest,
    NewActionItemRequest,
)
from insightbus.gateway.entrypoints.http.schemas.sessions import NewSessionRequest

#: The deepest selection a document may have (an action item's ``session`` makes the graph
#: recursive): ``sessions { items { actionItems { items { session { title } } } } }`` is 5.
#: Introspection's own recursion is refused by graphql-core's introspection depth rule.
MAX_DEPTH = 8
#: Tokens in a document (a parser limit: a huge document is refused before it is parsed whole).
MAX_TOKENS = 2000
#: Aliases in a document: each alias is another resolution of its field (an alias bomb).
MAX_ALIASES = 15

GqlInfo = Info[Context, None]


def _page(limit: int, offset: int, maximum: int) -> PageParams:
    if not 1 <= limit <= maximum or not 0 <= offset <= MAX_OFFSET:
        raise graphql_error(Invalid(f"limit is 1 to {maximum}, offset 0 to {MAX_OFFSET}"))
    return PageParams(limit=limit, offset=offset)


async def _owned(info: GqlInfo, session_id: str) -> SessionModel:
    with answered():
        return await info.context.gateway.sessions.owned(info.context.user(), session_id)


@strawberry.type
class Query:
    @strawberry.field(description="The caller's account.")
    async def me(self, info: GqlInfo) -> User:
        with answered():
            return User.of(await info.context.gateway.accounts.profile(info.context.user()))

    @strawberry.field(description="One of the caller's sessions; null for any other id.")
    async def session(self, info: GqlInfo, id: strawberry.ID) -> Session | None:
        with answered():
            try:
                found = await info.context.gateway.sessions.owned(info.context.user(), str(id))
            except NotFound:
                return None
        return Session(model=found)

    @strawberry.field(description="The caller's sessions, newest first.")
    async def sessions(self, info: GqlInfo, limit: int = 20, offset: int = 0) -> SessionPage:
        params = _page(limit, offset, 100)
        with answered():
            found, total = await info.context.gateway.sessions.list(info.context.user(), params)
        return SessionPage(
            items=[Session(model=s) for s in found], total=total, limit=limit, offset=offset
        )

    @strawberry.field(description="One of the caller's ticket jobs; null for any other id.")
    async def ticket_job(self, info: GqlInfo, id: strawberry.ID) -> TicketJob | None:
        with answered():
            try:
                job = await info.context.gateway.tickets.job(info.context.user(), str(id))
            except NotFound:
                return None
        return TicketJob.of(job)

    @strawberry.field(description="The caller's ticket jobs, newest first.")
    async def ticket_jobs(self, info: GqlInfo, limit: int = 20, offset: int = 0) -> TicketJobPage:
        params = _page(limit, offset, 100)
        with answered():
            found, total = await info.context.gateway.tickets.jobs(info.context.user(), params)
        return TicketJobPage(
            items=[TicketJob.of(j) for j in found], total=total, limit=limit, offset=offset
        )


@strawberry.input
class NewActionItem:
    title: str
    description: str | None = None
    due_date: datetime | None = None
    status: ActionItemStatus = ActionItemStatus.OPEN


@strawberry.input(description="Only the fields given change; description and dueDate may be null.")
class ActionItemChanges:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    due_date: datetime | None = strawberry.UNSET
    status: ActionItemStatus | None = strawberry.UNSET


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a session.")
    async def create_session(self, info: GqlInfo, title: str, description: str = "") -> Session:
        with answered():
            body = NewSessionRequest(title=title, description=description)
            return Session(
                model=await info.context.gateway.sessions.create(
                    info.context.user(), body.title, body.description
                )
            )

    @strawberry.mutation(
        description="Delete a session with its content, analysis results and action items."
    )
    async def delete_session(self, info: GqlInfo, id: strawberry.ID) -> Deleted:
        session = await _owned(info, str(id))
        with answered():
            await info.context.gateway.sessions.delete(session)
        return Deleted(id=id, deleted=True)

    @strawberry.mutation(description="Add an action item to one of the caller's sessions.")
    async def create_action_item(
        self, info: GqlInfo, session_id: strawberry.ID, item: NewActionItem
    ) -> ActionItem:
        session = await _owned(info, str(session_id))
        with answered():
            body = NewActionItemRequest(
                title=item.title,
                description=item.description,
                due_date=item.due_date,
                status=item.status.value,
            )
            created = await info.context.gateway.action_items.create(
                session,
                title=body.title,
                description=body.description,
                due_date=body.due_date,
                status=body.status,
            )
        return ActionItem.of(created, session)

    @strawberry.mutation(description="Change an action item.")
    async def update_action_item(
        self,
        info: GqlInfo,
        session_id: strawberry.ID,
        id: strawberry.ID,
        changes: ActionItemChanges,
    ) -> ActionItem:
        session = await _owned(info, str(session_id))
        sent: dict[str, Any] = {}
        for name in ("title", "description", "due_date", "status"):
            value = getattr(changes, name)
            if value is not strawberry.UNSET:
                sent[name] = value.value if isinstance(value, ActionItemStatus) else value
        with answered():
            body = ActionItemChangesRequest(**sent)
            updated = await info.context.gateway.action_items.update(
                session, str(id), body.model_dump(mode="json", exclude_unset=True)
            )
        return ActionItem.of(updated, session)

    @strawberry.mutation(description="Delete an action item.")
    async def delete_action_item(
        self, info: GqlInfo, session_id: strawberry.ID, id: strawberry.ID
    ) -> Deleted:
        session = await _owned(info, str(session_id))
        with answered():
            await info.context.gateway.action_items.delete(session, str(id))
        return Deleted(id=id, deleted=True)


def _notifier(info: GqlInfo) -> tuple[str, str]:
    token, base = info.context.token, info.context.notifier_url
    if token is None or base is None:  # connection_init checked it: only a socket gets here
        raise graphql_error(Invalid("subscriptions run over graphql-transport-ws only"))
    return base, token


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "A session's live messages (progress, emotions, ..., analysis_complete), after "
            "what was missed: `after` is the id of the last message received (the session "
            "socket's last_event_id); without it, the session's whole log first."
        )
    )
    async def session_events(
        self, info: GqlInfo, session_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[SessionEvent, None]:
        await _owned(info, str(session_id))  # NOT_FOUND before anything is streamed
        base, token = _notifier(info)
        with answered():
            url = live.session_events_url(base, str(session_id), after)
            async for message in live.messages(url, token):
                yield SessionEvent(
                    id=message.get("id"),
                    type=str(message.get("type")),
                    data=cast(JSON, message.get("data")),
                )

    @strawberry.subscription(description="The caller's own channel: notifications as they come.")
    async def my_notifications(self, info: GqlInfo) -> AsyncGenerator[Notification, None]:
        base, token = _notifier(info)
        with answered():
            url = live.user_channel_url(base, info.context.user())
            async for message in live.messages(url, token):
                yield Notification(type=str(message.get("type")), message=cast(JSON, message))


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong on our side only: a refusal (a code: NOT_FOUND, a refused
        document...) is the client's answer, not an error of the server's."""
        unexpected = [
            e
            for e in errors
            if not (e.extensions or {}).get("code")
            and not isinstance(e.original_error, DomainError)
            and e.original_error is not None
        ]
        super().process_errors(unexpected, execution_context)


SCHEMA = _Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[  # factories: a fresh extension per operation
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
    ],
)

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_TOKENS", "SCHEMA"]
