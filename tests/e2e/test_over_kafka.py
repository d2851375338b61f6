"""The same flow with every service talking over Kafka (a tansu broker on loopback, or the
Kafka named by ``INSIGHTBUS_TEST_KAFKA_BOOTSTRAP``): nothing may depend on the in-process bus."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import aclosing

import pytest

from insightbus.common.testing import servers
from tests.conftest import StackFactory
from tests.e2e.flow import (
    TRANSCRIPT,
    create_session,
    signed_up_client,
    upload,
    watch_until_complete,
)


@pytest.fixture(scope="module")
def kafka() -> Iterator[str]:
    with servers.kafka_server() as bootstrap:
        yield bootstrap


async def test_the_session_flow_runs_over_kafka(stack_factory: StackFactory, kafka: str) -> None:
    stack = stack_factory(
        env={
            "INSIGHTBUS_BUS": "kafka",
            "INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS": kafka,
            **servers.kafka_env(),
        }
    )
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        await upload(client, session_id, "session.json", json.dumps(TRANSCRIPT).encode())
        messages = await watch_until_complete(stack.ws_url, session_id, token, timeout=60)
        assert messages[-1]["type"] == "analysis_complete"
        # The gateway's read model is another consumer group: it may trail the socket.
        async with asyncio.timeout(30):
            while True:
                r = await client.get(f"/api/v1/sessions/{session_id}/analysis/status")
                if r.json()["data"]["status"] == "completed":
                    break
                await asyncio.sleep(0.1)
        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        assert emotions["total"] == sum(m["type"] == "new_emotion" for m in messages) > 0
        items = (await client.get(f"/api/v1/sessions/{session_id}/action-items")).json()["data"]
        assert items["total"] >= 2
