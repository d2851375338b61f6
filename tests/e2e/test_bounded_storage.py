"""Nothing grows without bound: documents through ``insightbus up`` with a retention of half
a second (``bus_retention_s``, ``inbox_retention_s``; purges every 0.1 s), and the embedded
log and the inboxes measured from outside every 100 ms while every event is still handled.

The bound (see ``tests/e2e/soak.py``; ``bench/storage.py`` runs the same with 20,000 events,
figures in ``bench/RESULTS.md``): an envelope goes within a purge interval (and a slack of
2 s for a loaded machine) of being acknowledged by every group and older than the
retention, and an inbox id as soon after its expiry; so the log holds what the last few
seconds published plus what a group has not acknowledged, whatever the total, and here
never half of what went through. In bytes: ``bus.db`` at most 2 KiB an envelope it holds
(a page holds several; free pages go back every pass), its WAL what SQLite lets it reach
between checkpoints (1,000 pages, cut back to 8 MiB after a larger transaction).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from insightbus.common.testing.factories import eventually
from tests.conftest import StackFactory
from tests.e2e.soak import Retention, counters, soak, unhandled

WAVES, PER_WAVE = 5, 20  # about 4,000 events: some 15 s on two cores
KIB, MIB = 1024, 1024 * 1024


async def test_the_log_and_the_inboxes_stay_bounded_while_every_event_is_handled(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    data, rule = tmp_path / "data", Retention()
    stack = stack_factory(data, env=rule.env())
    run = await soak(stack.base_url, data, waves=WAVES, per_wave=PER_WAVE, rule=rule)

    # Every event handled by every group that reads its topic; none dead-lettered.
    async with httpx.AsyncClient(base_url=stack.base_url) as client:

        async def all_handled() -> bool:
            return not any((await unhandled(client, data)).values())

        try:
            await eventually(all_handled, timeout=30)
        except TimeoutError:
            raise AssertionError(f"not handled: {await unhandled(client, data)}") from None
        published, handled = await counters(client)
    assert not [t for t, n in published.items() if t.endswith(".dlq") and n]
    assert not [g for g, n in handled.items() if g.endswith(":dead_lettered") and n]
    assert run.events >= WAVES * PER_WAVE * 20  # a document is tens of events

    # The retention's rule held in every sample: nothing stayed past its time.
    assert run.against_the_rule() == []
    # So the log held a window, not the run; its file follows what it holds.
    peak_rows = run.peak("log_rows")
    assert peak_rows <= run.events / 2, (peak_rows, run.events)
    assert run.peak("bus_db_bytes") <= peak_rows * 2 * KIB + 256 * KIB
    assert run.peak("bus_wal_bytes") <= 9 * MIB
    for service, written in run.ids_written.items():
        assert written > 0, service
        assert run.peak_inbox(service) <= written / 2, (service, run.peak_inbox(service))
        assert run.peak_inbox(service, "bytes") <= 64 * KIB
