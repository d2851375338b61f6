"""Two gateway replicas as separate processes over one MongoDB (SecantusDB): the rate limit
is one allowance for a user, not one per replica."""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.flow import signed_up_client
from tests.e2e.services import start_replicas

pytestmark = pytest.mark.timeout(240)


def test_two_gateways_let_a_user_through_the_limit_once_in_all(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        start_replicas(
            stack,
            "gateway",
            ports,
            tmp_path,
            bootstrap,
            mongo,
            {"INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "100"},
        )

        async def scenario() -> list[int]:
            client, token, _ = await signed_up_client(f"http://127.0.0.1:{ports[0]}")
            await client.aclose()
            # Windows are minutes on the wall clock: start with most of one ahead.
            while time.time() % 60 > 40:
                await asyncio.sleep(0.5)
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(headers=headers, timeout=10) as http:
                return [
                    (await http.get(f"http://127.0.0.1:{ports[i % 2]}/api/v1/sessions")).status_code
                    for i in range(130)
                ]

        statuses = asyncio.run(scenario())
        # The issue's own figures: 100 a minute in all, not 200.
        assert statuses.count(200) == 100, statuses
        assert statuses[100:] == [429] * 30
