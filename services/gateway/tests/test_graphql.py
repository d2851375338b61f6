"""``/graphql`` through HTTP: queries and mutations over the same use cases as the REST API,
the same authentication, owner rules and rate limit, batched reads, and the abuse limits."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from insightbus.common.store.sqlite import SqliteCollection
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness


async def gql(
    harness: Harness,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await harness.client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def data(harness: Harness, token: str, query: str, **variables: Any) -> Any:
    r = await gql(harness, query, variables, auth(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body
    return body["data"]


async def errors(harness: Harness, token: str, query: str, **variables: Any) -> list[Any]:
    r = await gql(harness, query, variables, auth(token))
    assert r.status_code == 200, r.text
    found = r.json().get("errors")
    assert found, r.json()
    return list(found)


async def add_emotions(harness: Harness, session_id: str, count: int = 2) -> None:
    emotions = await harness.collection("emotions")
    for n in range(count):
        await emotions.insert(
            {
                "id": f"{session_id}-e{n}",
                "session_id": session_id,
                "content_id": "c1",
                "name": "joy" if n % 2 == 0 else "anger",
                "intensity": 0.5 + n / 100,
                "timestamp": None,
                "segment": n,
                "speaker": None,
                "excerpt": f"sentence {n}",
            }
        )


async def test_me_and_a_session_with_its_analysis(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token, "Monday")
    await add_emotions(harness, session_id, 3)
    got = await data(
        harness,
        token,
        """query($id: ID!) {
          me { id email name }
          session(id: $id) {
            id title status
            analysisStatus { status progress }
            emotions(filter: {name: "joy"}) { total items { name intensity excerpt segment } }
            topics { total } insights { total } actionItems { total }
          }
        }""",
        id=session_id,
    )
    assert got["me"] == {"id": harness.user_id(token), "email": "ada@example.com", "name": "Ada"}
    session = got["session"]
    assert session["id"] == session_id and session["title"] == "Monday"
    assert session["analysisStatus"] == {"status": "pending", "progress": 0}
    assert session["emotions"] == {
        "total": 2,
        "items": [
            {"name": "joy", "intensity": 0.5, "excerpt": "sentence 0", "segment": 0},
            {"name": "joy", "intensity": 0.52, "excerpt": "sentence 2", "segment": 2},
        ],
    }
    # The same as the REST API answers.
    r = await harness.client.get(
        f"/api/v1/sessions/{session_id}/emotions", params={"name": "joy"}, headers=auth(token)
    )
    assert [e["excerpt"] for e in r.json()["data"]["items"]] == ["sentence 0", "sentence 2"]


async def test_sessions_are_paginated_newest_first(harness: Harness) -> None:
    token = await harness.user()
    for title in ("one", "two", "three"):
        await harness.session(token, title)
    query = (
        "query($l: Int!, $o: Int!) { sessions(limit: $l, offset: $o) { total items { title } } }"
    )
    first = await data(harness, token, query, l=2, o=0)
    assert first["sessions"] == {"total": 3, "items": [{"title": "three"}, {"title": "two"}]}
    rest = await data(harness, token, query, l=2, o=2)
    assert rest["sessions"]["items"] == [{"title": "one"}]
    refused = await errors(harness, token, query, l=0, o=0)
    assert refused[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_another_users_session_is_simply_not_found(harness: Harness) -> None:
    owner = await harness.user("owner@example.com")
    stranger = await harness.user("stranger@example.com")
    session_id = await harness.session(owner)
    await add_emotions(harness, session_id)
    got = await data(
        harness, stranger, "query($id: ID!) { session(id: $id) { title } }", id=session_id
    )
    assert got == {"session": None}
    assert (await data(harness, stranger, "{ sessions { total items { id } } }")) == {
        "sessions": {"total": 0, "items": []}
    }
    for mutation in (
        "mutation($id: ID!) { deleteSession(id: $id) { deleted } }",
        'mutation($id: ID!) { createActionItem(sessionId: $id, item: {title: "x"}) { id } }',
    ):
        refused = await errors(harness, stranger, mutation, id=session_id)
        assert refused[0]["extensions"]["code"] == "NOT_FOUND", refused
    # Still the owner's, untouched.
    mine = await data(
        harness,
        owner,
        "query($id: ID!) { session(id: $id) { actionItems { total } } }",
        id=session_id,
    )
    assert mine == {"session": {"actionItems": {"total": 0}}}


async def test_session_and_action_item_mutations(harness: Harness) -> None:
    token = await harness.user()
    created = await data(
        harness,
        token,
        'mutation { createSession(title: "  Weekly  ", description: "d") { id title status } }',
    )
    session = created["createSession"]
    assert session["title"] == "Weekly" and session["status"] == "created"
    item = (
        await data(
            harness,
            token,
            """mutation($s: ID!) { createActionItem(sessionId: $s,
                 item: {title: "Call Bob", dueDate: "2030-01-02T03:04:05+00:00"})
               { id title status source dueDate } }""",
            s=session["id"],
        )
    )["createActionItem"]
    assert item["title"] == "Call Bob" and item["status"] == "OPEN" and item["source"] == "user"
    updated = await data(
        harness,
        token,
        """mutation($s: ID!, $i: ID!) {
             updateActionItem(sessionId: $s, id: $i, changes: {status: DONE, dueDate: null})
             { status dueDate title } }""",
        s=session["id"],
        i=item["id"],
    )
    assert updated["updateActionItem"] == {"status": "DONE", "dueDate": None, "title": "Call Bob"}
    # The REST API sees the same item (one use case behind both).
    r = await harness.client.get(
        f"/api/v1/sessions/{session['id']}/action-items", headers=auth(token)
    )
    assert [(i["id"], i["status"]) for i in r.json()["data"]["items"]] == [(item["id"], "done")]
    bad = await errors(
        harness,
        token,
        "mutation($s: ID!, $i: ID!) { updateActionItem(sessionId: $s, id: $i, changes: {title: null}) { id } }",
        s=session["id"],
        i=item["id"],
    )
    assert bad[0]["extensions"]["code"] == "BAD_USER_INPUT"
    deleted = await data(
        harness,
        token,
        "mutation($s: ID!, $i: ID!) { deleteActionItem(sessionId: $s, id: $i) { id deleted } }",
        s=session["id"],
        i=item["id"],
    )
    assert deleted["deleteActionItem"] == {"id": item["id"], "deleted": True}
    gone = await errors(
        harness,
        token,
        "mutation($s: ID!, $i: ID!) { deleteActionItem(sessionId: $s, id: $i) { id } }",
        s=session["id"],
        i=item["id"],
    )
    assert gone[0]["extensions"]["code"] == "NOT_FOUND"
    await data(
        harness, token, "mutation($s: ID!) { deleteSession(id: $s) { deleted } }", s=session["id"]
    )
    assert await data(
        harness, token, "query($s: ID!) { session(id: $s) { id } }", s=session["id"]
    ) == {"session": None}
    await eventually(lambda: harness.recorder.of_type("session.deleted"))
    assert [e.type for e in harness.recorder.of_type("action_item.created")] == [
        "action_item.created"
    ]


async def test_ticket_jobs(harness: Harness) -> None:
    token = await harness.user()
    other = await harness.user("other@example.com")
    assert await data(harness, token, "{ ticketJobs { total items { id } } }") == {
        "ticketJobs": {"total": 0, "items": []}
    }
    jobs = await harness.collection("ticket_jobs")
    await jobs.insert(
        {
            "id": "job-1",
            "user_id": harness.user_id(token),
            "status": "pending",
            "file_name": "t.csv",
            "total_tickets": 3,
            "created_at": "2026-01-01T00:00:00+00:00",
            "progress": {"processed": 0},
        }
    )
    query = "query($id: ID!) { ticketJob(id: $id) { id status fileName totalTickets progress } }"
    assert (await data(harness, token, query, id="job-1"))["ticketJob"] == {
        "id": "job-1",
        "status": "pending",
        "fileName": "t.csv",
        "totalTickets": 3,
        "progress": {"processed": 0},
    }
    assert await data(harness, other, query, id="job-1") == {"ticketJob": None}
    listed = await data(harness, token, "{ ticketJobs { total items { id } } }")
    assert listed == {"ticketJobs": {"total": 1, "items": [{"id": "job-1"}]}}


async def test_it_authenticates_as_the_rest_api_does(harness: Harness) -> None:
    r = await gql(harness, "{ me { id } }")
    assert r.status_code == 401 and r.json()["error"] == "authentication required"
    r = await gql(harness, "{ me { id } }", headers=auth("not-a-token"))
    assert r.status_code == 401
    token = await harness.user()
    r = await harness.client.post("/api/v1/api-keys", json={"name": "ci"}, headers=auth(token))
    key = r.json()["data"]["key"]
    r = await gql(harness, "{ me { email } }", headers={"X-API-Key": key})
    assert r.status_code == 200 and r.json()["data"] == {"me": {"email": "ada@example.com"}}
    r = await gql(harness, "{ me { email } }", headers={"X-API-Key": key + "x"})
    assert r.status_code == 401 and "API key" in r.json()["error"]


async def test_a_page_of_sessions_with_their_results_is_a_bounded_number_of_reads(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await harness.user()
    for n in range(20):
        await add_emotions(harness, await harness.session(token, f"s{n}"), 3)
    reads: Counter[str] = Counter()
    find = SqliteCollection.find

    async def counted(self: SqliteCollection, *args: Any, **kwargs: Any) -> Any:
        reads[self._table.strip('"').removeprefix("c_")] += 1
        return await find(self, *args, **kwargs)

    monkeypatch.setattr(SqliteCollection, "find", counted)
    got = await data(
        harness,
        token,
        """{ sessions(limit: 20) { items { title
              emotions { total items { name } }
              strong: emotions(filter: {minIntensity: 0.51}) { total }
              topics { total } insights { total } actionItems { total } } } }""",
    )
    items = got["sessions"]["items"]
    assert len(items) == 20
    assert all(s["emotions"]["total"] == 3 and s["strong"]["total"] == 2 for s in items)
    # One read of the sessions, and one per kind (per filter) for all 20: not 20 apiece.
    reads.pop("outbox", None)  # the outbox's relay polls meanwhile, on its own schedule
    assert reads == {
        "sessions": 1,
        "emotions": 2,
        "topics": 1,
        "insights": 1,
        "action_items": 1,
    }, reads


# An action item's session has action items: a recursive selection, refused past depth 8.
DEEP = (
    "{ sessions { items "
    + "{ actionItems { items { session " * 3
    + "{ id }"
    + " } } }" * 3
    + " } }"
)
INTROSPECTION_BOMB = """{ __schema { types { fields { type { fields { type { fields {
  type { fields { type { name } } } } } } } } } } }"""


async def test_a_deeply_nested_query_is_refused_not_answered(harness: Harness) -> None:
    token = await harness.user()
    await harness.session(token)
    for query, refusal in (
        (INTROSPECTION_BOMB, "Maximum introspection depth exceeded"),
        (DEEP, "exceeds maximum operation depth of 8"),
    ):
        r = await gql(harness, query, None, auth(token))
        assert r.status_code == 200
        body = r.json()
        assert body.get("data") is None, body
        assert refusal in body["errors"][0]["message"], body
    # Introspection of a sensible depth is answered, and so is a recursion that stays within.
    within = "{ sessions { items { actionItems { items { session { title } } } } } }"
    assert (await data(harness, token, within))["sessions"]["items"][0]["actionItems"] == {
        "items": []
    }
    assert (await data(harness, token, "{ __schema { queryType { name } } }")) == {
        "__schema": {"queryType": {"name": "Query"}}
    }


async def test_an_alias_bomb_and_a_huge_document_are_refused(harness: Harness) -> None:
    token = await harness.user()
    aliases = " ".join(f"a{n}: me {{ id }}" for n in range(100))
    body = (await gql(harness, "{ " + aliases + " }", None, auth(token))).json()
    assert body.get("data") is None and "aliases" in body["errors"][0]["message"].lower(), body
    few = " ".join(f"a{n}: me {{ id }}" for n in range(3))
    assert len(await data(harness, token, "{ " + few + " }")) == 3
    huge = "{ me { " + "id " * 5000 + "} }"
    body = (await gql(harness, huge, None, auth(token))).json()
    assert body.get("data") is None and "token" in body["errors"][0]["message"].lower(), body
