"""Presence on one notifier: the user's devices on their channel, the clients of a session
on its socket; ``joined`` and ``left`` for sockets that asked for ``presence``."""

from __future__ import annotations

import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from services.notifier.tests.conftest import Live, ready, receive


def channel(live: Live, user_id: str, token: str | None = None, client: str = "") -> str:
    query = [f"token={token}"] if token else []
    query += [f"client={client}"] if client else []
    return f"{live.url}/api/v1/ws/{user_id}" + ("?" + "&".join(query) if query else "")


async def presence(ws: ClientConnection) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "presence"}))
    message = await receive(ws)
    assert message["type"] == "presence"
    return message


def clients(connections: list[dict[str, Any]]) -> list[str]:
    return [c["client"] for c in connections]


async def test_a_users_devices_see_each_other_come_and_go(live: Live) -> None:
    token = live.token("u1")
    async with connect(channel(live, "u1", token, client="phone")) as phone:
        await ready(phone)
        alone = await presence(phone)
        assert clients(alone["connections"]) == ["phone"]
        assert alone["you"] == alone["connections"][0]["connection_id"]
        # Another user's channel and an anonymous one are no device of u1's.
        async with (
            connect(channel(live, "u2", live.token("u2"))) as other,
            connect(channel(live, "u1")) as anonymous,
        ):
            await ready(other)
            await ready(anonymous)
            async with connect(channel(live, "u1", token, client="laptop")) as laptop:
                joined = await receive(phone)
                assert joined["type"] == "joined" and joined["user_id"] == "u1"
                assert joined["connection"]["client"] == "laptop"
                both = await presence(laptop)
                assert clients(both["connections"]) == ["phone", "laptop"]
                assert both["you"] == joined["connection"]["connection_id"]
            left = await receive(phone)
            assert left == {**joined, "type": "left"}
            assert clients((await presence(phone))["connections"]) == ["phone"]
            await anonymous.send(json.dumps({"type": "presence"}))
            assert (await receive(anonymous))["type"] == "error"


async def test_a_sessions_clients_see_each_other_come_and_go(live: Live) -> None:
    await live.create_session("s1", "u1")
    token = live.token("u1")
    async with connect(live.socket_url("s1", token=token, client="dashboard")) as dashboard:
        await ready(dashboard)
        first = await presence(dashboard)
        assert clients(first["data"]["connections"]) == ["dashboard"]
        async with connect(live.socket_url("s1", token=token, client="sdk")) as sdk:
            joined = await receive(dashboard)
            assert joined["type"] == "joined"
            assert joined["data"]["client"] == "sdk" and joined["data"]["user_id"] == "u1"
            listed = await presence(sdk)
            assert clients(listed["data"]["connections"]) == ["dashboard", "sdk"]
            assert listed["data"]["you"] == joined["data"]["connection_id"]
        assert await receive(dashboard) == {**joined, "type": "left"}


async def test_sockets_that_never_ask_get_no_presence_messages(live: Live) -> None:
    token = live.token("u1")
    async with connect(channel(live, "u1", token)) as quiet:
        await ready(quiet)
        async with connect(channel(live, "u1", token)) as watcher:
            await ready(watcher)
            assert len((await presence(watcher))["connections"]) == 2
        # The sentinel: a ping answered after the other socket came and went.
        await ready(quiet)
