"""The notifier verifies socket tokens against the same key ring the gateway signs with: a
rotation reaches it through the file, without a restart."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from insightbus.cli.main import main
from insightbus.common.auth import TokenCodec, TokenKind
from insightbus.common.auth.keys import read_ring
from insightbus.common.settings import Settings
from services.notifier.tests.conftest import ready, receive, serve


async def test_sockets_accept_tokens_of_rotated_keys_and_refuse_unknown_ones(
    tmp_path: Path,
) -> None:
    keys = tmp_path / "jwt-keys.json"
    assert main(["keys", "rotate", "--file", str(keys)]) == 0
    settings = Settings(data_dir=tmp_path, jwt_keys_file=keys, jwt_keys_reload_s=0)
    gateway = TokenCodec.from_settings(settings)  # another process's codec: the issuer
    old = gateway.issue("u1", TokenKind.access)[0]
    async with serve(settings) as live:
        await live.create_session("s1", "u1")
        assert main(["keys", "rotate", "--file", str(keys)]) == 0
        new = gateway.issue("u1", TokenKind.access)[0]
        assert jwt.get_unverified_header(new)["kid"] == read_ring(keys).keys[-1].kid
        for token in (old, new):  # the old key verifies until it retires
            async with connect(live.socket_url("s1", token=token)) as ws:
                await ready(ws)
        claims = jwt.decode(new, options={"verify_signature": False})
        unknown = jwt.encode(
            claims, read_ring(keys).keys[-1].secret, algorithm="HS256", headers={"kid": "x"}
        )
        async with connect(live.socket_url("s1", token=unknown)) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
