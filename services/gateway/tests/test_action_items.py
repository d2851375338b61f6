"""Action items: validation, partial updates, ownership, events, and suggestions."""

from __future__ import annotations

from typing import Any

from insightbus.common.events import parse
from insightbus.common.events.action_items import ActionItem, ActionItemEvent
from insightbus.common.events.analysis import ActionItemSuggested
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness


async def items_path(harness: Harness, token: str) -> str:
    return f"/api/v1/sessions/{await harness.session(token)}/action-items"


async def create(harness: Harness, token: str, path: str, **body: Any) -> dict[str, Any]:
    r = await harness.client.post(path, json=body, headers=auth(token))
    assert r.status_code == 201, r.text
    return dict(r.json()["data"]["action_item"])


async def test_creation_validates_and_defaults(harness: Harness) -> None:
    token = await harness.user()
    path = await items_path(harness, token)
    for bad in (
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "status": "finished"},
        {"title": "ok", "due_date": "next tuesday"},
        {"title": "ok", "description": "d" * 2001},
        {"title": "ok", "source": "analysis"},
        {},
    ):
        r = await harness.client.post(path, json=bad, headers=auth(token))
        assert r.status_code == 422, bad
        assert r.json()["status"] == "error" and r.json()["details"]

    item = await create(harness, token, path, title="  Call Sam  ", due_date="2027-01-02T03:04:05")
    assert ActionItem.model_validate(item)  # exactly the published shape
    assert item["title"] == "Call Sam" and item["status"] == "open" and item["source"] == "user"
    assert item["description"] is None
    assert item["due_date"] == "2027-01-02T03:04:05Z"  # no zone given: taken as UTC
    assert item["created_at"] == item["updated_at"]


async def test_partial_updates_change_only_what_is_sent(harness: Harness) -> None:
    token = await harness.user()
    path = await items_path(harness, token)
    item = await create(
        harness, token, path, title="Write", description="a diary", due_date="2027-01-01T00:00:00Z"
    )
    r = await harness.client.patch(
        f"{path}/{item['id']}", json={"description": None}, headers=auth(token)
    )
    changed = r.json()["data"]["action_item"]
    assert changed["description"] is None and changed["due_date"] == item["due_date"]
    assert changed["title"] == "Write" and changed["updated_at"] > item["updated_at"]

    r = await harness.client.patch(
        f"{path}/{item['id']}", json={"due_date": None, "title": "Read"}, headers=auth(token)
    )
    changed = r.json()["data"]["action_item"]
    assert (changed["title"], changed["due_date"], changed["status"]) == ("Read", None, "open")
    listed = (await harness.client.get(path, headers=auth(token))).json()["data"]
    assert listed["items"] == [changed]


async def test_items_are_listed_in_order_and_filtered(harness: Harness) -> None:
    token = await harness.user()
    path = await items_path(harness, token)
    made = [await create(harness, token, path, title=f"item {i}") for i in range(4)]
    await harness.client.patch(
        f"{path}/{made[1]['id']}", json={"status": "dismissed"}, headers=auth(token)
    )
    listed = (await harness.client.get(path, headers=auth(token))).json()["data"]
    assert [i["title"] for i in listed["items"]] == ["item 0", "item 1", "item 2", "item 3"]
    page = (
        await harness.client.get(path, headers=auth(token), params={"limit": 2, "offset": 1})
    ).json()["data"]
    assert [i["title"] for i in page["items"]] == ["item 1", "item 2"] and page["total"] == 4
    dismissed = (
        await harness.client.get(path, headers=auth(token), params={"status": "dismissed"})
    ).json()["data"]
    assert [i["id"] for i in dismissed["items"]] == [made[1]["id"]]
    bad = await harness.client.get(path, headers=auth(token), params={"status": "later"})
    assert bad.status_code == 422


async def test_items_are_reachable_only_through_their_own_session(harness: Harness) -> None:
    owner = await harness.user("owner@example.com")
    stranger = await harness.user("stranger@example.com")
    path = await items_path(harness, owner)
    item = await create(harness, owner, path, title="mine")
    other_path = await items_path(harness, owner)  # the owner's other session
    for token, base in ((stranger, path), (owner, other_path)):
        for method in ("PATCH", "DELETE"):
            r = await harness.client.request(
                method, f"{base}/{item['id']}", json={"status": "done"}, headers=auth(token)
            )
            assert r.status_code == 404, (method, base)
    r = await harness.client.post(path, json={"title": "theirs"}, headers=auth(stranger))
    assert r.status_code == 404 and r.json()["error"] == "session not found"
    listed = (await harness.client.get(path, headers=auth(owner))).json()["data"]
    assert [(i["title"], i["status"]) for i in listed["items"]] == [("mine", "open")]


async def test_every_change_publishes_the_item_as_it_is_now(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    path = await items_path(harness, token)
    item = await create(harness, token, path, title="Plan")
    updated = (
        await harness.client.patch(
            f"{path}/{item['id']}", json={"status": "done"}, headers=auth(token)
        )
    ).json()["data"]["action_item"]
    await harness.client.delete(f"{path}/{item['id']}", headers=auth(token))

    def published() -> list[Any]:
        return [e for e in harness.recorder.envelopes if e.type.startswith("action_item.")]

    await eventually(lambda: len(published()) == 3)
    envelopes = published()
    events = [parse(e) for e in envelopes]
    assert all(isinstance(e, ActionItemEvent) for e in events)
    assert [e.type for e in envelopes] == [
        "action_item.created",
        "action_item.updated",
        "action_item.deleted",
    ]
    assert all(e.key == item["session_id"] and e.source == "gateway" for e in envelopes)
    snapshots = [e.action_item.model_dump(mode="json") for e in events]  # type: ignore[attr-defined]
    assert snapshots == [item, updated, updated]
    assert {e.user_id for e in events} == {user_id}  # type: ignore[attr-defined]


async def test_a_suggestion_the_user_deleted_does_not_come_back(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("a.txt", b"I will call my sister.")},
        headers=auth(token),
    )
    suggestion = ActionItemSuggested(
        session_id=session_id,
        user_id=user_id,
        content_id=r.json()["data"]["content_id"],
        action_item_id="s-1",
        title="Call your sister",
        segment=0,
        excerpt="I will call my sister.",
        speaker="Client",
    )
    envelope = await harness.publish(suggestion)
    path = f"/api/v1/sessions/{session_id}/action-items"
    listed = await eventually(lambda: _items(harness, token, path, lambda items: len(items) == 1))
    assert listed[0]["source"] == "analysis" and listed[0]["id"] == "s-1"
    assert "I will call my sister." in listed[0]["description"]
    assert "Client" in listed[0]["description"]

    assert (await harness.client.delete(f"{path}/s-1", headers=auth(token))).status_code == 200
    await harness.bus.publish(suggestion.topic, envelope)  # redelivered after the delete
    # Same key, same partition: once this one shows, the redelivery has been handled.
    await harness.publish(
        ActionItemSuggested(**{**suggestion.model_dump(), "action_item_id": "s-2"})
    )
    listed = await eventually(
        lambda: _items(harness, token, path, lambda items: any(i["id"] == "s-2" for i in items))
    )
    assert [i["id"] for i in listed] == ["s-2"]
    await eventually(lambda: len(harness.recorder.of_type("action_item.created")) == 2)
    created = [e.action_item.id for e in harness.recorder.of_type("action_item.created")]
    assert created == ["s-1", "s-2"]


async def _items(harness: Harness, token: str, path: str, check: Any) -> Any:
    items = (await harness.client.get(path, headers=auth(token))).json()["data"]["items"]
    return items if check(items) else None


async def test_an_item_stored_before_revisions_existed_can_still_be_changed(
    harness: Harness,
) -> None:
    token = await harness.user()
    path = await items_path(harness, token)
    item = await create(harness, token, path, title="old")
    items = await harness.collection("action_items")
    legacy = await items.get(item["id"])
    assert legacy is not None
    await items.replace({k: v for k, v in legacy.items() if k not in ("revision", "order")})
    for status in ("done", "open"):  # twice: the first change gives it a revision
        r = await harness.client.patch(
            f"{path}/{item['id']}", json={"status": status}, headers=auth(token)
        )
        assert r.status_code == 200, r.text
        assert r.json()["data"]["action_item"]["status"] == status
