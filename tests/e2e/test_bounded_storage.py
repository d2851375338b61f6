"""Nothing grows without bound: documents through ``insightbus up`` with a retention of one
second (``bus_retention_s``, ``inbox_retention_s``; purges every 0.25 s), and the embedded
log and the inboxes measured from outside every 100 ms while every event is still handled.

The bound (``bench/storage.py`` runs the same with 20,000 events; figures in
``bench/RESULTS.md``): the log holds what was published within the retention and the purge
interval, plus what a group has not acknowledged yet. Here a wave of documents takes longer
than that, so the log never holds more than two waves' events, whatever the total, and an
inbox no more than the ids of two waves. In bytes: ``bus.db`` at most 2 KiB an envelope
held (a page holds several; free pages go back every pass), its WAL what SQLite lets it
reach between checkpoints (1,000 pages, cut back to 8 MiB after a larger transaction).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from insightbus.common.testing.factories import eventually
from tests.conftest import StackFactory
from tests.e2e.soak import RETENTION_ENV, counters, soak, unhandled

WAVES, PER_WAVE = 5, 20  # about 4,000 events: some 15 s on two cores
KIB, MIB = 1024, 1024 * 1024


async def test_the_log_and_the_inboxes_stay_bounded_while_every_event_is_handled(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    stack = stack_factory(data, env=RETENTION_ENV)
    run = await soak(stack.base_url, data, waves=WAVES, per_wave=PER_WAVE)

    # Every event handled by every group that reads its topic; none dead-lettered.
    async with httpx.AsyncClient(base_url=stack.base_url) as client:

        async def all_handled() -> bool:
            return not any((await unhandled(client, data)).values())

        await eventually(all_handled, timeout=30)
        published, handled = await counters(client)
    assert not [t for t, n in published.items() if t.endswith(".dlq") and n]
    assert not [g for g, n in handled.items() if g.endswith(":dead_lettered") and n]

    wave = max(run.wave_events)
    assert run.events >= WAVES * PER_WAVE * 20  # a document is tens of events
    rows_bound = 2 * wave
    assert run.events > 2 * rows_bound, "the run must outgrow the bound to show it"
    assert run.peak("log_rows") <= rows_bound, (run.peak("log_rows"), run.wave_events)
    assert run.peak("bus_db_bytes") <= rows_bound * 2 * KIB + 256 * KIB
    assert run.peak("bus_wal_bytes") <= 9 * MIB
    for service, written in run.ids_written.items():
        assert written > 0, service
        ids_bound = 2 * written / WAVES
        assert run.peak_inbox(service) <= ids_bound, (service, run.peak_inbox(service), written)
        assert run.peak_inbox(service, "bytes") <= 64 * KIB
