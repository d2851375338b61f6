"""The dashboard at ``/app``, used as a person would, in headless Chromium against a real
stack: sign up, upload the README's diary and watch it analysed live, tick off an action item
and find it ticked after a reload, classify tickets, follow a webhook's deliveries.

Every wait is one of Playwright's auto-waiting expectations; the page's own CSP violations
and script errors fail the test (see ``conftest.page``)."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser.conftest import screenshot
from tests.conftest import RunningStack
from tests.e2e.test_embedded_stack import DIARY

PASSWORD = "correct horse battery"
ANALYSIS_TIMEOUT = 60_000


def _register(page: Page, stack: RunningStack) -> str:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{stack.base_url}/app")
    form = page.locator("#register-form")
    form.get_by_label("Name").fill("Ada")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Register").click()
    expect(page.locator("#who-name")).to_have_text(email)
    return email


def _log_in(page: Page, email: str) -> None:
    form = page.locator("#login-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.locator("#who-name")).to_have_text(email)


@contextlib.contextmanager
def _api(stack: RunningStack, email: str) -> Iterator[httpx.Client]:
    """The same user through the API, to compare what the page shows with what it answers."""
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['data']['access_token']}"
        yield client


def _upload_diary(page: Page, title: str) -> None:
    page.get_by_label("New session title").fill(title)
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#session-title")).to_have_text(title)
    page.locator("#content-file").set_input_files(
        files=[{"name": "diary.txt", "mimeType": "text/plain", "buffer": DIARY.encode()}]
    )
    page.get_by_role("button", name="Upload and analyse").click()


def test_a_diary_is_analysed_live_and_an_action_item_stays_ticked(
    page: Page, stack: RunningStack
) -> None:
    email = _register(page, stack)
    _upload_diary(page, "Diary, Monday")

    progress = page.locator("#analysis-progress")
    expect(progress).to_have_attribute("value", "100", timeout=ANALYSIS_TIMEOUT)
    expect(page.locator("#analysis-label")).to_contain_text("completed")
    expect(page.locator("#socket-state")).to_have_text("● live")

    with _api(stack, email) as api:
        session_id = api.get("/api/v1/sessions").json()["data"]["items"][0]["id"]
        emotions = api.get(f"/api/v1/sessions/{session_id}/emotions").json()["data"]["items"]
        topics = api.get(f"/api/v1/sessions/{session_id}/topics").json()["data"]["items"]
    names = sorted({e["name"] for e in emotions})
    assert len(names) >= 3, names
    # The chart: a series per emotion, a point per emotion found.
    expect(page.locator("#timeline g.emotion")).to_have_count(len(names))
    for name in names:
        expect(page.locator(f'#timeline circle.point[data-emotion="{name}"]').first).to_be_visible()
    expect(page.locator("#timeline circle.point")).to_have_count(len(emotions))
    expect(page.locator("#timeline-legend li")).to_have_count(len(names))
    expect(page.locator("#topics li")).to_have_count(len(topics))
    expect(page.locator("#topics li").first).to_contain_text(topics[0]["label"])
    expect(page.locator("#insights li").first).to_be_visible()

    # The analysis suggested an action item ("finish the budget slides"): tick it off.
    item = page.locator("#action-items li[data-item-id]").first
    expect(item).to_be_visible()
    title = item.locator(".title").inner_text()
    shot = screenshot(page, "diary", docs=True)
    print(f"dashboard screenshot: {shot}")
    item.get_by_role("checkbox").check()
    expect(item).to_have_class("done")

    # Reloading forgets the login (it lives in the page's memory only) but not the item.
    page.reload()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#session-view")).to_be_hidden()
    _log_in(page, email)
    page.locator("#session-list").get_by_role("button", name="Diary, Monday").click()
    again = page.locator("#action-items li[data-item-id]", has_text=title)
    expect(again.get_by_role("checkbox")).to_be_checked()
    expect(again).to_have_class("done")
    expect(page.locator("#analysis-progress")).to_have_attribute("value", "100")
    expect(page.locator("#timeline circle.point")).to_have_count(len(emotions))
    screenshot(page, "diary-after-reload")


def test_a_dropped_socket_resumes_after_the_last_event_it_got(
    page: Page, stack: RunningStack
) -> None:
    # Between the page and the notifier: the first connection drops after two emotions.
    connections: list[dict[str, Any]] = []

    def relay(ws: WebSocketRoute) -> None:
        connection: dict[str, Any] = {"url": ws.url, "ids": [], "dropped": False}
        connections.append(connection)
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if connection["dropped"]:
                return
            data = json.loads(message)
            if "id" in data:
                connection["ids"].append(data["id"])
            ws.send(message)
            if len(connections) == 1 and data.get("type") == "new_emotion":
                emotion_ids.add(data["id"])
                if len(emotion_ids) == 2:
                    connection["dropped"] = True
                    ws.close(code=4000, reason="dropped by the test")
                    server.close()

        server.on_message(from_server)

    emotion_ids: set[str] = set()
    page.route_web_socket(re.compile(r"/api/v1/sessions/[^/]+/events"), relay)
    email = _register(page, stack)
    _upload_diary(page, "Diary, dropped")
    expect(page.locator("#analysis-progress")).to_have_attribute(
        "value", "100", timeout=ANALYSIS_TIMEOUT
    )
    with _api(stack, email) as api:
        session_id = api.get("/api/v1/sessions").json()["data"]["items"][0]["id"]
        emotions = api.get(f"/api/v1/sessions/{session_id}/emotions").json()["data"]["items"]
    expect(page.locator("#timeline circle.point")).to_have_count(len(emotions))

    first, second = connections[0], connections[1]
    assert "last_event_id" not in first["url"]
    # The page came back with the id of the last message it had, and got only what followed.
    assert f"last_event_id={first['ids'][-1]}" in second["url"], second["url"]
    assert second["ids"] and not set(second["ids"]) & set(first["ids"])


def _column(page: Page, index: int) -> list[str]:
    return page.locator(f"#ticket-table tbody tr td:nth-child({index})").all_inner_texts()


def test_generated_tickets_are_classified_into_a_sortable_table(
    page: Page, stack: RunningStack
) -> None:
    _register(page, stack)
    page.get_by_role("button", name="Tickets").click()
    page.get_by_label("Demo tickets").fill("30")
    page.get_by_role("button", name="Generate and classify").click()

    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=60_000)
    expect(page.locator("#job-label")).to_contain_text("30 classified")
    rows = page.locator("#ticket-table tbody tr")
    expect(rows).to_have_count(30)
    expect(page.locator("#job-list li")).to_have_count(1)

    # Sorted by priority, most urgent first, to begin with.
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1}
    priorities = [rank[p] for p in _column(page, 4)]
    assert priorities == sorted(priorities, reverse=True)

    header = page.locator('#ticket-table th[data-key="confidence_score"]')
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    confidences = [float(c) for c in _column(page, 8)]
    assert confidences == sorted(confidences)
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    confidences = [float(c) for c in _column(page, 8)]
    assert confidences == sorted(confidences, reverse=True)

    page.locator('#ticket-table th[data-key="issue_key"]').get_by_role("button").click()
    keys = _column(page, 1)
    assert keys == sorted(keys)
    screenshot(page, "tickets")


def test_a_csv_of_ones_own_is_signed_in_the_page(
    page: Page, stack: RunningStack, tmp_path: Any
) -> None:
    _register(page, stack)
    page.get_by_role("button", name="Tickets").click()
    page.once("dialog", lambda dialog: dialog.accept())  # "a new secret replaces yours"
    page.get_by_role("button", name="New signing secret").click()
    # The secret is shown once, in the field, for the page to sign with.
    expect(page.get_by_label("Signing secret")).to_have_value(re.compile(r".{20,}"))
    csv = (
        "issue_key,summary,description\n"
        "T-1,My card has not arrived,It has been two weeks and still no card\n"
        "T-2,Refund still pending,The refund for my order has not come through\n"
        "T-3,Cannot log in,The app says my password is wrong after the update\n"
    )
    page.locator("#csv-file").set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Sign and upload").click()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=60_000)
    expect(page.locator("#ticket-table tbody tr")).to_have_count(3)
    expect(page.locator("#job-title")).to_have_text("mine.csv")

    # The same file again with a wrong secret: the server refuses it, and the page says so.
    page.get_by_label("Signing secret").fill("not-my-secret")
    page.locator("#csv-file").set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Sign and upload").click()
    expect(page.locator("#notice")).to_contain_text("Upload refused")
    expect(page.locator("#job-list li")).to_have_count(1)


class _Receiver:
    """A webhook endpoint on loopback that answers 200 and keeps what it got."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                with receiver.arrived:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.received.append((headers, json.loads(body)))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait_for(self, count: int, timeout: float = 30) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), (
                self.received
            )


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()
    r.thread.join()


def test_a_webhook_endpoints_deliveries_and_a_redelivery(
    page: Page, stack: RunningStack, receiver: _Receiver
) -> None:
    # The shared stack allows webhooks to 127.0.0.1 (INSIGHTBUS_WEBHOOK_ALLOWED_HOSTS).
    email = _register(page, stack)
    page.get_by_role("button", name="Webhooks").click()
    form = page.locator("#webhook-form")
    form.get_by_label("URL").fill(receiver.url)
    form.get_by_label("Description").fill("browser test")
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
    expect(page.locator("#webhook-title")).to_have_text(receiver.url)
    expect(page.locator("#delivery-table tbody")).to_contain_text("No deliveries yet")

    # An analysis completes (through the API): its delivery shows up in the log by itself.
    with _api(stack, email) as api:
        r = api.post("/api/v1/sessions", json={"title": "For the hook"})
        session_id = r.json()["data"]["session"]["id"]
        r = api.post(
            f"/api/v1/sessions/{session_id}/content",
            files={"file": ("diary.txt", DIARY.encode())},
        )
        assert r.status_code == 202, r.text
    receiver.wait_for(1)
    delivered = page.locator('#delivery-table tr[data-status="delivered"]')
    expect(delivered).to_have_count(1, timeout=30_000)
    expect(delivered).to_contain_text("analysis.complete")

    delivered.get_by_role("button", name="Redeliver").click()
    expect(page.locator("#notice")).to_contain_text("Sent again")
    receiver.wait_for(2)
    first, second = receiver.received[0], receiver.received[1]
    assert second[0]["webhook-id"] == first[0]["webhook-id"]  # the same message, again
    assert second[1]["event"] == "analysis.complete"
    screenshot(page, "webhooks")
