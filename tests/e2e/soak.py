"""The soak behind the storage bound: documents through ``insightbus up`` in waves while the
embedded log (``bus.db``) and the inboxes are measured, from outside, as the disk holds them.

Used by ``tests/e2e/test_bounded_storage.py`` (a few thousand events, in ``make test``) and
``bench/storage.py`` (20,000 and more, figures in ``bench/RESULTS.md``). Each wave uploads
documents in sessions of their own and waits until every analysis has completed; a sampler
reads the files every 100 ms meanwhile.

The rule each sample checks is the retention's own, whatever the throughput: an envelope
goes within a purge interval (plus ``slack_s``: a pass's own time, and the event loop's
delays on a loaded machine) of being both acknowledged by every group and older than the
retention, and an inbox id within as long of its expiry. So the log holds what was
published in the last ``retention_s + purge_s + slack_s``, plus what a group has not
acknowledged yet; an inbox, the ids of what was handled in the last
``inbox retention + purge_s + slack_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.corpus import documents


@dataclass(frozen=True)
class Retention:
    """Short, so that a run of seconds shows what a week shows in production."""

    retention_s: float = 0.5  # the bus's and the inboxes'
    purge_s: float = 0.1
    slack_s: float = 2.0

    def env(self) -> dict[str, str]:
        return {
            "INSIGHTBUS_BUS_RETENTION_S": str(self.retention_s),
            "INSIGHTBUS_INBOX_RETENTION_S": str(self.retention_s),
            "INSIGHTBUS_PURGE_INTERVAL_S": str(self.purge_s),
            "INSIGHTBUS_ANALYSIS_EMOTION_MODEL": "tfidf",  # the bound is not the model's
            "INSIGHTBUS_LOG_LEVEL": "WARNING",
        }


# Where each service keeps the ids of what it handled (service, collection).
INBOXES = (("analysis", "inbox"), ("gateway", "inbox"), ("classifier", "inbox"))


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@dataclass
class Sample:
    at: float
    log_rows: int
    log_body_bytes: int  # the envelopes it holds
    bus_db_bytes: int  # bus.db
    bus_wal_bytes: int  # bus.db-wal
    inbox_rows: dict[str, int]
    inbox_bytes: dict[str, int]  # the inbox table and its indexes, in pages (dbstat)
    # Against the rule (see the module's docstring): should be 0 in every sample.
    stale_envelopes: int = 0
    stale_ids: dict[str, int] = field(default_factory=dict)


# The envelopes every group reading their topic has acknowledged (as committed).
_ACKNOWLEDGED = """
SELECT offset, at FROM log WHERE offset <= (
    SELECT MIN(committed) FROM offsets o WHERE o.topic = log.topic AND o.partition = log.partition
)
"""


def sample(
    data_dir: Path, rule: Retention | None = None, acked_at: dict[int, float] | None = None
) -> Sample:
    """``acked_at``: when earlier samples first saw each envelope acknowledged (updated
    here), since an envelope may go only once it is acknowledged *and* old enough."""
    rule = rule or Retention()
    acked_at = {} if acked_at is None else acked_at
    now = time.time()
    with contextlib.closing(_read_only(data_dir / "bus.db")) as db:
        rows, body = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM log"
        ).fetchone()
        acknowledged = db.execute(_ACKNOWLEDGED).fetchall()
    stale = 0
    for offset, at in acknowledged:
        since = acked_at.setdefault(int(offset), now)
        prunable_since = max(since, float(at) + rule.retention_s)
        stale += now - prunable_since > rule.purge_s + rule.slack_s
    inbox_rows, inbox_bytes, stale_ids = {}, {}, {}
    for service, name in INBOXES:
        with contextlib.closing(_read_only(data_dir / f"{service}.db")) as db:
            table = f"c_{name}"
            found = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            if not found:
                continue
            inbox_rows[service] = int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            inbox_bytes[service] = int(
                db.execute(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN"
                    " (SELECT name FROM sqlite_master WHERE tbl_name = ?)",
                    (table,),
                ).fetchone()[0]
            )
            expired_before_ms = (now - rule.purge_s - rule.slack_s) * 1000  # stored as ms
            stale_ids[service] = int(
                db.execute(
                    f'SELECT COUNT(*) FROM "{table}"'  # noqa: S608
                    " WHERE json_extract(doc, '$.expire_at') < ?",
                    (expired_before_ms,),
                ).fetchone()[0]
            )
    wal = data_dir / "bus.db-wal"
    return Sample(
        at=now,
        log_rows=int(rows),
        log_body_bytes=int(body),
        bus_db_bytes=(data_dir / "bus.db").stat().st_size,
        bus_wal_bytes=wal.stat().st_size if wal.exists() else 0,
        inbox_rows=inbox_rows,
        inbox_bytes=inbox_bytes,
        stale_envelopes=int(stale),
        stale_ids=stale_ids,
    )


_METRIC = re.compile(r"^(\w+)\{([^}]*)\} ([0-9.e+]+)$")


async def counters(client: httpx.AsyncClient) -> tuple[dict[str, float], dict[str, float]]:
    """Events published by topic, and handled by group, outcome (from /metrics)."""
    published: dict[str, float] = defaultdict(float)
    handled: dict[str, float] = defaultdict(float)
    text = (await client.get("/metrics")).text
    for line in text.splitlines():
        m = _METRIC.match(line)
        if not m:
            continue
        name, value = m.group(1), float(m.group(3))
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        if name == "insightbus_events_published_total":
            published[labels["topic"]] += value
        elif name == "insightbus_events_handled_total":
            handled[f"{labels['group']}:{labels['outcome']}"] += value
            handled[f"{labels['group']}:{labels['type']}:{labels['outcome']}"] += value
    return published, handled


def group_topics(data_dir: Path) -> dict[str, set[str]]:
    """Which topics each consumer group reads, as the log records it."""
    with contextlib.closing(_read_only(data_dir / "bus.db")) as db:
        pairs = db.execute("SELECT DISTINCT grp, topic FROM offsets").fetchall()
    groups: dict[str, set[str]] = defaultdict(set)
    for group, topic in pairs:
        groups[str(group)].add(str(topic))
    return groups


async def unhandled(client: httpx.AsyncClient, data_dir: Path) -> dict[str, float]:
    """Per group, envelopes published to its topics that it has not handled (yet)."""
    published, handled = await counters(client)
    return {
        group: sum(published[t] for t in topics) - handled[f"{group}:ok"]
        for group, topics in group_topics(data_dir).items()
    }


@dataclass
class Soak:
    samples: list[Sample] = field(default_factory=list)
    wave_events: list[float] = field(default_factory=list)  # published per wave
    documents: int = 0
    events: float = 0.0
    seconds: float = 0.0
    ids_written: dict[str, float] = field(default_factory=dict)  # per inbox, in all

    def peak(self, attr: str) -> int:
        return max(int(getattr(s, attr)) for s in self.samples)

    def peak_inbox(self, service: str, what: str = "rows") -> int:
        return max(getattr(s, f"inbox_{what}").get(service, 0) for s in self.samples)

    def against_the_rule(self) -> list[Sample]:
        """The samples that broke the retention rule (see the module's docstring)."""
        return [s for s in self.samples if s.stale_envelopes or any(s.stale_ids.values())]

    @property
    def envelope_bytes(self) -> float:
        """The mean envelope, as the log stores it."""
        held = [s for s in self.samples if s.log_rows]
        return sum(s.log_body_bytes for s in held) / max(1, sum(s.log_rows for s in held))

    @property
    def unpruned_bytes(self) -> float:
        """What the log would hold without retention (its envelopes alone)."""
        return self.events * self.envelope_bytes


@contextlib.asynccontextmanager
async def sampling(
    data_dir: Path, into: list[Sample], rule: Retention, every_s: float = 0.1
) -> AsyncIterator[None]:
    acked_at: dict[int, float] = {}

    async def loop() -> None:
        while True:
            into.append(sample(data_dir, rule, acked_at))
            await asyncio.sleep(every_s)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        into.append(sample(data_dir, rule, acked_at))


async def _signed_up(base_url: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    email = f"soak-{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery"
    r = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": password, "name": "Soak"}
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    client.headers["Authorization"] = f"Bearer {r.json()['data']['access_token']}"
    return client


async def _analysed(client: httpx.AsyncClient, text: str) -> None:
    r = await client.post("/api/v1/sessions", json={"title": "soak"})
    assert r.status_code == 201, r.text
    session = r.json()["data"]["session"]["id"]
    r = await client.post(
        f"/api/v1/sessions/{session}/content", files={"file": ("doc.txt", text.encode())}
    )
    assert r.status_code == 202, r.text
    while True:  # waiting for a state, not for time to pass
        r = await client.get(f"/api/v1/sessions/{session}/analysis/status")
        status = r.json()["data"]["status"]
        if status in ("completed", "failed"):
            assert status == "completed", r.text
            return
        await asyncio.sleep(0.05)


async def soak(
    base_url: str,
    data_dir: Path,
    *,
    waves: int,
    per_wave: int,
    clients: int = 8,
    rule: Retention | None = None,
) -> Soak:
    """``waves`` x ``per_wave`` documents, ``clients`` at a time; returns the samples."""
    rule = rule or Retention()
    result = Soak()
    docs = documents(waves * per_wave, size=1024, seed=11)
    client = await _signed_up(base_url)
    started = time.perf_counter()
    try:
        async with sampling(data_dir, result.samples, rule):
            for wave in range(waves):
                before = sum((await counters(client))[0].values())
                queue = docs[wave * per_wave : (wave + 1) * per_wave]

                async def worker(queue: list[str] = queue) -> None:
                    while queue:
                        await _analysed(client, queue.pop())

                await asyncio.gather(*(worker() for _ in range(clients)))
                after = sum((await counters(client))[0].values())
                result.wave_events.append(after - before)
            result.documents = len(docs)
            result.events = sum(result.wave_events)
            # The analysis remembers each upload; the gateway each suggested action item.
            handled = (await counters(client))[1]
            result.ids_written = {
                "analysis": handled["analysis:content.uploaded:ok"],
                "gateway": handled["gateway:action_item.suggested:ok"],
            }
    finally:
        result.seconds = time.perf_counter() - started
        await client.aclose()
    return result
