"""Action items: the user's CRUD and the analysis' suggestions, each change published.

Stored documents are an ``ActionItem`` plus private fields: ``user_id``, a ``revision``
that makes updates compare-and-set (no lost update between two PATCHes), and a numeric
``order`` for stable chronological listing.
"""

from __future__ import annotations

import builtins
import contextlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from insightbus.common.errors import Conflict, NotFound
from insightbus.common.events import Envelope, utcnow
from insightbus.common.events.action_items import (
    ActionItem,
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemStatus,
    ActionItemUpdated,
)
from insightbus.common.events.analysis import ActionItemSuggested
from insightbus.common.events.envelope import new_id
from insightbus.common.store import Collection, Document, DuplicateKey
from insightbus.common.unit_of_work import UnitOfWork
from insightbus.common.web.dependencies import PageParams
from insightbus.gateway.domain.sessions import Session

_PRIVATE: Final = ("user_id", "revision", "order")
# Envelope ids of ActionItemCreated for a suggestion derive from the suggestion's envelope:
# recording the same suggestion twice yields the same envelope, which consumers drop.
_SUGGESTION_IDS: Final = uuid.UUID("1d4b0f2e-52c4-4f8e-8c55-3f0f3f0c9a11")
_TITLE_MAX = 200


class ActionItemChanged(Conflict):
    def __init__(self) -> None:
        super().__init__("the action item changed meanwhile; reload it and try again")


def _item(doc: Document) -> ActionItem:
    return ActionItem.model_validate({k: v for k, v in doc.items() if k not in _PRIVATE})


def _doc(item: ActionItem, user_id: str, revision: int = 1) -> Document:
    return {
        **item.model_dump(mode="json"),
        "user_id": user_id,
        "revision": revision,
        "order": item.created_at.timestamp(),
    }


class ActionItems:
    def __init__(self, items: Collection, uow: UnitOfWork) -> None:
        self._items = items
        self._uow = uow

    async def list(
        self, session: Session, params: PageParams, status: ActionItemStatus | None = None
    ) -> tuple[list[ActionItem], int]:
        where: dict[str, Any] = {"session_id": session.id}
        if status is not None:
            where["status"] = status
        docs = await self._items.find(
            where, sort=[("order", 1)], limit=params.limit, offset=params.offset
        )
        return [_item(d) for d in docs], await self._items.count(where)

    async def of_sessions(
        self, session_ids: Sequence[str], status: ActionItemStatus | None = None
    ) -> dict[str, builtins.list[ActionItem]]:
        """The items of several sessions in one read, each session's in listing order."""
        where: dict[str, Any] = {"session_id": {"$in": list(session_ids)}}
        if status is not None:
            where["status"] = status
        grouped: dict[str, builtins.list[ActionItem]] = {sid: [] for sid in session_ids}
        for doc in await self._items.find(where, sort=[("order", 1)]):
            grouped.setdefault(doc["session_id"], []).append(_item(doc))
        return grouped

    async def create(
        self,
        session: Session,
        *,
        title: str,
        description: str | None,
        due_date: datetime | None,
        status: ActionItemStatus,
    ) -> ActionItem:
        now = utcnow()
        item = ActionItem(
            id=new_id(),
            session_id=session.id,
            title=title,
            description=description,
            status=status,
            due_date=due_date,
            source="user",
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as change:
            await change.insert(self._items, _doc(item, session.user_id))
            change.emit(
                ActionItemCreated(session_id=session.id, user_id=session.user_id, action_item=item)
            )
        return item

    async def update(
        self, session: Session, item_id: str, changes: Mapping[str, Any]
    ) -> ActionItem:
        """``changes``: the fields sent (JSON values), and only those."""
        doc = await self._owned(session, item_id)
        # None for an item stored before revisions existed: the filter then matches the
        # missing field (SQLite's IS NULL, Mongo's null), so old items stay editable.
        stored_revision = doc.get("revision")
        revision = int(stored_revision or 0)
        changes = {**changes, "updated_at": utcnow().isoformat()}
        item = _item({**doc, **changes})  # validates the result before anything is written
        before = {k: doc.get(k) for k in changes}
        async with self._uow() as change:
            moved = await change.update(
                self._items,
                {"id": item_id, "revision": stored_revision},
                {**changes, "revision": revision + 1},
                undo={**before, "revision": stored_revision},
            )
            if not moved:
                await self._owned(session, item_id)  # 404 if it was deleted meanwhile
                raise ActionItemChanged
            change.emit(
                ActionItemUpdated(session_id=session.id, user_id=session.user_id, action_item=item)
            )
        return item

    async def delete(self, session: Session, item_id: str) -> None:
        item = _item(await self._owned(session, item_id))
        # The event first: if the delete then fails, a retry deletes and the duplicate
        # event is harmless; the other order could lose the event.
        async with self._uow() as change:
            change.emit(
                ActionItemDeleted(session_id=session.id, user_id=session.user_id, action_item=item)
            )
        await self._items.delete({"id": item_id})

    async def add_suggested(self, event: ActionItemSuggested, envelope: Envelope) -> None:
        """Turn a suggestion into an open item (source "analysis") under the suggestion's
        id; a no-op if that item exists already."""
        if await self._items.get(event.action_item_id) is not None:
            return
        now = utcnow()
        quote = f"{event.speaker}: “{event.excerpt}”" if event.speaker else f"“{event.excerpt}”"
        item = ActionItem(
            id=event.action_item_id,
            session_id=event.session_id,
            title=event.title.strip()[:_TITLE_MAX] or "Follow up",
            description=f"Suggested from segment {event.segment}: {quote}",
            status="open",
            source="analysis",
            created_at=now,
            updated_at=now,
        )
        # The event is recorded before the item exists: a crash in between leaves the
        # item to the redelivery, which records the same envelope again (a no-op). The
        # correlation id is the suggestion's (the bus sets it while handling it).
        async with self._uow() as change:
            change.emit(
                ActionItemCreated(
                    session_id=event.session_id, user_id=event.user_id, action_item=item
                ),
                id=uuid.uuid5(_SUGGESTION_IDS, envelope.id).hex,
            )
        with contextlib.suppress(DuplicateKey):
            await self._items.insert(_doc(item, event.user_id))

    async def _owned(self, session: Session, item_id: str) -> Document:
        doc = await self._items.find_one({"id": item_id, "session_id": session.id})
        if doc is None:
            raise NotFound("action item")
        return doc
