"""What every resolver of a request (or of a socket) shares: the application object, the
caller, and the DataLoaders that batch a page's nested reads into one read per kind."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from insightbus.common.errors import Unauthenticated
from insightbus.common.events.action_items import ActionItem, ActionItemStatus
from insightbus.gateway.app.analysis import ResultKind
from insightbus.gateway.app.gateway import Gateway

ResultsKey = tuple[ResultKind, str | None, float | None]


class Context(BaseContext):
    def __init__(
        self, gateway: Gateway, user_id: str | None, notifier_url: str | None = None
    ) -> None:
        super().__init__()
        self.gateway = gateway
        self.user_id = user_id
        #: The access token of a socket (checked at connection_init), which the
        #: subscriptions present to the notifier.
        self.token: str | None = None
        self.notifier_url = notifier_url
        self._results: dict[ResultsKey, DataLoader[str, list[dict[str, Any]]]] = {}
        self._items: dict[ActionItemStatus | None, DataLoader[str, list[ActionItem]]] = {}

    def user(self) -> str:
        if self.user_id is None:
            raise Unauthenticated()
        return self.user_id

    def results(
        self,
        kind: ResultKind,
        *,
        name: str | None = None,
        min_intensity: float | None = None,
    ) -> DataLoader[str, list[dict[str, Any]]]:
        """A loader of one kind of result (with one filter) by session id: the sessions of
        a page asked for in one tick are read in one query."""
        key: ResultsKey = (kind, name, min_intensity)
        loader = self._results.get(key)
        if loader is None:
            analysis = self.gateway.analysis

            async def load(session_ids: list[str]) -> list[list[dict[str, Any]]]:
                found = await analysis.of_sessions(
                    kind, session_ids, name=name, min_intensity=min_intensity
                )
                return [found[s] for s in session_ids]

            loader = self._results[key] = DataLoader(load_fn=load)
        return loader

    def action_items(self, status: ActionItemStatus | None) -> DataLoader[str, list[ActionItem]]:
        loader = self._items.get(status)
        if loader is None:
            items = self.gateway.action_items

            async def load(session_ids: list[str]) -> list[list[ActionItem]]:
                found = await items.of_sessions(session_ids, status)
                return [found[s] for s in session_ids]

            loader = self._items[status] = DataLoader(load_fn=load)
        return loader
