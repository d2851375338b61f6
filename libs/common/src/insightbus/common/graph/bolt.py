"""The graph over Bolt, with the official async ``neo4j`` driver: one adapter for a Neo4j
server and for FalkorDB (the embedded default and the tests' server).

One Cypher for both, kept to what FalkorDB's Bolt runs correctly (see DEVELOPERS.md for
what it does not); what must differ is a ``Dialect``:
- the schema: Neo4j gets a uniqueness constraint per label (MERGE is then safe across
  concurrent transactions), FalkorDB plain indexes (it has no constraint DDL, and runs one
  write at a time anyway);
- FalkorDB's Bolt listener hangs the next connection it accepts after a client closes one:
  a spare TCP connection, opened and closed just before each of ours, takes that hang;
- FalkorDB crashes on a Bolt message over 4 KiB (a smashed stack): its statements are kept
  below that, a run of findings split across several, a text too long for one cut short.

Every operation is one auto-commit statement (``session.run``): FalkorDB discards whatever
an explicit transaction wrote, at COMMIT as at ROLLBACK, and both servers apply a single
statement whole. All writes are MERGEs on ids, so running one twice changes nothing, and a
statement whose answer was lost with its connection is simply run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, LiteralString
from urllib.parse import urlsplit

from neo4j import AsyncDriver, AsyncGraphDatabase, basic_auth
from neo4j.exceptions import (
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from insightbus.common.graph.port import (
    RECURRING_TOPICS,
    SESSIONS_PER_TOPIC,
    ActionItemNode,
    EmotionNode,
    GraphUnavailable,
    InsightNode,
    Journey,
    JourneyEmotion,
    JourneySession,
    RecurringTopic,
    SessionNode,
    SessionRef,
    TopicMention,
)

log = logging.getLogger(__name__)

LABELS: tuple[LiteralString, ...] = (
    "User",
    "Session",
    "Emotion",
    "Topic",
    "Insight",
    "ActionItem",
    "DeletedSession",
)

# Errors that say "not now" rather than "not this": the connection, not the statement.
_UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError, TimeoutError)
_MAX_SPARES = 32

# The first lines of every write about a session: nothing happens to a deleted session (its
# id stays as a DeletedSession), and a session belongs to the user its first write named.
# ``count(gone) ... WHERE deleted = 0`` rather than ``WITH gone WHERE gone IS NULL``:
# FalkorDB moves that WHERE into the OPTIONAL MATCH, where it filters nothing.
_LIVE_SESSION: LiteralString = """
OPTIONAL MATCH (gone:DeletedSession {id: $session})
WITH count(gone) AS deleted
WHERE deleted = 0
MERGE (s:Session {id: $session})
ON CREATE SET s.user_id = $user
WITH s
WHERE s.user_id = $user
MERGE (u:User {id: $user})
MERGE (u)-[:OWNS]->(s)
WITH s
"""

PUT_SESSION: LiteralString = _LIVE_SESSION + "SET s.title = $title, s.created_at = $created_at"


def _put_contained(label: LiteralString) -> LiteralString:
    """MERGE each of ``$rows`` (maps of a node's properties, ``id`` included) as a ``label``
    node the session contains."""
    return (
        _LIVE_SESSION
        + "\nUNWIND $rows AS row\nMERGE (n:"
        + label
        + " {id: row.id})\nSET n += row\nMERGE (s)-[:CONTAINS]->(n)\n"
    )


PUT_EMOTIONS = _put_contained("Emotion")
PUT_INSIGHTS = _put_contained("Insight")
PUT_ACTION_ITEMS = _put_contained("ActionItem")

# The topic is the user's (one node per user and name); the session's score sits on the edge.
PUT_TOPICS: LiteralString = (
    _LIVE_SESSION
    + """
UNWIND $rows AS row
MERGE (t:Topic {id: row.id})
ON CREATE SET t.name = row.name, t.user_id = $user
MERGE (s)-[c:CONTAINS]->(t)
SET c.score = row.score, c.content_id = row.content_id
"""
)

REMOVE_ACTION_ITEM: LiteralString = "MATCH (a:ActionItem {id: $id}) DETACH DELETE a"

# Topics are kept here: other sessions may contain them (ORPHAN_TOPICS then goes).
REMOVE_SESSION: LiteralString = """
MERGE (gone:DeletedSession {id: $session})
WITH gone
OPTIONAL MATCH (s:Session {id: $session, user_id: $user})
OPTIONAL MATCH (s)-[:CONTAINS]->(c)
WHERE NOT c:Topic
DETACH DELETE c
WITH DISTINCT s
DETACH DELETE s
"""

ORPHAN_TOPICS: LiteralString = """
MATCH (t:Topic {user_id: $user})
WHERE NOT (t)<-[:CONTAINS]-()
DELETE t
"""

# The journey's three answers stay small whatever the user's history (FalkorDB hangs on a
# record over 64 KiB, and takes long over every record): the latest sessions' emotions, one
# row each; their topics, a row per session; the recurring topics, counted on the server.
# coalesce: a session known only from its results (no created_at yet) sorts as the oldest.
_LATEST_SESSIONS: LiteralString = """
MATCH (:User {id: $user})-[:OWNS]->(s:Session)
WITH s
ORDER BY coalesce(s.created_at, '') DESC, s.id DESC
LIMIT $limit
"""

JOURNEY_EMOTIONS: LiteralString = (
    _LATEST_SESSIONS
    + """
OPTIONAL MATCH (s)-[:CONTAINS]->(e:Emotion)
RETURN s.id AS session, s.title AS title, s.created_at AS created_at,
       e.id AS id, e.name AS name, e.intensity AS intensity, e.timestamp AS timestamp,
       e.segment AS segment
"""
)

JOURNEY_TOPICS: LiteralString = (
    _LATEST_SESSIONS
    + """
MATCH (s)-[:CONTAINS]->(t:Topic)
RETURN s.id AS session, collect(t.name) AS topics
"""
)

# Ordered before collect(): both servers keep that order in the list.
JOURNEY_RECURRING: LiteralString = """
MATCH (:User {id: $user})-[:OWNS]->(s:Session)-[:CONTAINS]->(t:Topic)
WITH t, s
ORDER BY coalesce(s.created_at, ''), s.id
WITH t, collect([s.id, s.title, s.created_at]) AS seen
WHERE size(seen) > 1
RETURN t.name AS topic, size(seen) AS sessions, seen[0..$per_topic] AS seen
ORDER BY sessions DESC, topic
LIMIT $topics
"""

DETECT_NEO4J: LiteralString = "CALL dbms.components() YIELD name RETURN name"


def iso(moment: datetime) -> str:
    """UTC, always with microseconds: as strings, the graph's times then sort in time order
    (FalkorDB's Bolt takes no temporal values, so times are stored as these strings)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def topic_id(user_id: str, name: str) -> str:
    """One topic node per user and name: recurring topics connect the user's sessions."""
    return hashlib.sha256(f"{user_id}\x00{name}".encode()).hexdigest()[:32]


async def spare_connection(host: str, port: int) -> None:
    """Open and close a plain TCP connection: FalkorDB's Bolt listener leaves the next
    connection it accepts after a client's close unanswered, so this one takes that."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
    except (OSError, TimeoutError):
        return  # the real connection will say what is wrong
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


def packed_size(value: Any) -> int:
    """An upper bound of the bytes ``value`` takes in a Bolt message (PackStream), for any
    value a statement here sends: each marker counted at its largest."""
    if isinstance(value, str):
        return 5 + len(value.encode())
    if isinstance(value, Mapping):
        return 5 + sum(packed_size(k) + packed_size(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return 5 + sum(packed_size(v) for v in value)
    return 9  # None, bool, int, float: 1 to 9


class Dialect:
    """What differs between the servers behind the same Cypher (subclassed by each)."""

    name = "bolt"
    #: Precede every new connection with a ``spare_connection`` (FalkorDB).
    spares_connections = False

    async def schema(self, graph: BoltGraph) -> None:
        raise NotImplementedError

    def encode(self, params: dict[str, Any]) -> dict[str, Any]:
        """Parameters as this server must receive them to store them as they are."""
        return params

    def batches(
        self, query: str, rows: Sequence[dict[str, Any]], params: Mapping[str, Any]
    ) -> list[list[dict[str, Any]]]:
        """``rows`` in the runs one statement each takes (``params`` go with every one)."""
        return [list(rows)] if rows else []


class Neo4jDialect(Dialect):
    name = "neo4j"

    async def schema(self, graph: BoltGraph) -> None:
        for label in LABELS:
            name = f"insightbus_{label.lower()}_id"
            await graph.run(
                f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            )
        await graph.run(
            "CREATE INDEX insightbus_topic_user_id IF NOT EXISTS FOR (n:Topic) ON (n.user_id)"
        )


class FalkorDBDialect(Dialect):
    name = "falkordb"
    spares_connections = True
    #: A statement's query and parameters, at most: FalkorDB's Bolt crashes ("stack smashing
    #: detected") on a message over 4 KiB, and the message carries a little more (the
    #: graph's name, the message's own markers).
    MESSAGE_BUDGET = 3_500

    def encode(self, params: dict[str, Any]) -> dict[str, Any]:
        # FalkorDB's Bolt writes string parameters into the query as '...' literals without
        # escaping them: an apostrophe ("it's") failed the statement, and a backslash was
        # read as an escape ("\n" came back a newline). Escaped here, they arrive intact.
        return {name: _escaped(value) for name, value in params.items()}

    def batches(
        self, query: str, rows: Sequence[dict[str, Any]], params: Mapping[str, Any]
    ) -> list[list[dict[str, Any]]]:
        room = self.MESSAGE_BUDGET - len(query.encode()) - packed_size(dict(params)) - 16
        runs: list[list[dict[str, Any]]] = []
        size = room
        for row in rows:
            row = _fit(row, room)
            needed = packed_size(row)
            if size + needed > room:
                runs.append([])
                size = 0
            runs[-1].append(row)
            size += needed
        return runs

    # No IF NOT EXISTS and no constraints: an index is created unless it is listed already.
    indexes: tuple[tuple[LiteralString, LiteralString], ...] = (
        *((label, "id") for label in LABELS),
        ("Topic", "user_id"),
    )

    async def schema(self, graph: BoltGraph) -> None:
        missing = [i for i in self.indexes if i not in await self._existing(graph)]
        for label, prop in missing:
            try:
                await graph.run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
            except Neo4jError:
                # Another process created it meanwhile (the error says no more than that
                # something failed): fine if it is there now.
                if (label, prop) not in await self._existing(graph):
                    raise

    @staticmethod
    async def _existing(graph: BoltGraph) -> set[tuple[str, str]]:
        try:
            rows = await graph.run("CALL db.indexes() YIELD label, properties")
        except Neo4jError:
            return set()  # a graph nothing was written to yet has no indexes to list
        return {(row["label"], prop) for row in rows for prop in row["properties"]}


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


@dataclass(frozen=True)
class BoltConfig:
    url: str
    user: str | None = None
    password: str | None = None
    database: str | None = None  # None: the server's default (Neo4j: "neo4j")
    # Short, so that a connection FalkorDB left hanging fails fast and is opened again.
    connection_timeout_s: float = 5.0


class BoltGraph:
    """``dialect`` None: asked of the server on first use (FalkorDB introduces itself as
    Neo4j, so it is told apart by what it cannot answer: ``dbms.components()``)."""

    def __init__(self, config: BoltConfig, dialect: Dialect | None = None) -> None:
        self._config = config
        self._dialect = dialect
        self._driver: AsyncDriver | None = None
        self._connections = 0  # opened by the driver (FalkorDB: each close needs a spare)
        self._prepared = False
        self._preparing = asyncio.Lock()

    @property
    def dialect(self) -> str | None:
        return self._dialect.name if self._dialect else None

    async def start(self) -> None:
        config = self._config
        auth = basic_auth(config.user or "", config.password) if config.password else None
        self._driver = AsyncGraphDatabase.driver(
            config.url,
            auth=auth,
            resolver=self._resolve,
            connection_timeout=config.connection_timeout_s,
            connection_acquisition_timeout=2 * config.connection_timeout_s,
            user_agent="insightbus",
        )

    async def close(self) -> None:
        driver, self._driver = self._driver, None
        self._prepared = False
        if driver is None:
            return
        await driver.close()
        if self._spares():
            # Take the hangs our closes left, for whoever connects next. Those the driver
            # closed earlier were taken by the spares of the connections opened since.
            host, port = self._address()
            for _ in range(min(self._connections, _MAX_SPARES)):
                await spare_connection(host, port)
        self._connections = 0

    async def healthy(self) -> bool:
        try:
            await self.run("RETURN 1 AS one")
        except (GraphUnavailable, Neo4jError, DriverError):
            return False
        return True

    # --- the port ------------------------------------------------------------------------

    async def put_session(self, session: SessionNode) -> None:
        await self._write(
            PUT_SESSION,
            session=session.id,
            user=session.user_id,
            title=session.title,
            created_at=iso(session.created_at),
        )

    async def put_emotions(self, emotions: Sequence[EmotionNode]) -> None:
        for (session, user), run in _by_session(emotions).items():
            rows = [
                {
                    "id": e.id,
                    "name": e.name,
                    "intensity": e.intensity,
                    "timestamp": e.timestamp,
                    "segment": e.segment,
                    "content_id": e.content_id,
                }
                for e in run
            ]
            await self._write_rows(PUT_EMOTIONS, rows, session=session, user=user)

    async def put_topics(self, mentions: Sequence[TopicMention]) -> None:
        for (session, user), run in _by_session(mentions).items():
            rows = [
                {
                    "id": topic_id(user, m.name),
                    "name": m.name,
                    "score": m.score,
                    "content_id": m.content_id,
                }
                for m in run
            ]
            await self._write_rows(PUT_TOPICS, rows, session=session, user=user)

    async def put_insights(self, insights: Sequence[InsightNode]) -> None:
        for (session, user), run in _by_session(insights).items():
            rows = [
                {
                    "id": i.id,
                    "kind": i.kind,
                    "title": i.title,
                    "description": i.description,
                    "confidence": i.confidence,
                    "content_id": i.content_id,
                }
                for i in run
            ]
            await self._write_rows(PUT_INSIGHTS, rows, session=session, user=user)

    async def put_action_items(self, items: Sequence[ActionItemNode]) -> None:
        for (session, user), run in _by_session(items).items():
            rows = [
                {
                    "id": a.id,
                    "title": a.title,
                    "description": a.description,
                    "status": a.status,
                    "due_date": iso(a.due_date) if a.due_date else None,
                    "source": a.source,
                    "created_at": iso(a.created_at),
                    "updated_at": iso(a.updated_at),
                }
                for a in run
            ]
            await self._write_rows(PUT_ACTION_ITEMS, rows, session=session, user=user)

    async def remove_action_item(self, action_item_id: str) -> None:
        await self._write(REMOVE_ACTION_ITEM, id=action_item_id)

    async def remove_session(self, user_id: str, session_id: str) -> None:
        # Two statements, each safe to repeat: a redelivery after a failure in between
        # finishes the job.
        await self._write(REMOVE_SESSION, session=session_id, user=user_id)
        await self._write(ORPHAN_TOPICS, user=user_id)

    async def journey(self, user_id: str, *, sessions: int) -> Journey:
        await self._know_dialect()  # no schema: a reader may not be allowed to make one
        emotions = await self.run(JOURNEY_EMOTIONS, user=user_id, limit=sessions)
        topics = await self.run(JOURNEY_TOPICS, user=user_id, limit=sessions)
        recurring = await self.run(
            JOURNEY_RECURRING, user=user_id, topics=RECURRING_TOPICS, per_topic=SESSIONS_PER_TOPIC
        )
        return _journey(emotions, topics, recurring)

    # --- running statements --------------------------------------------------------------

    async def run(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """One auto-commit statement; its records as dicts. A connection lost on the way
        is replaced once (the server may have restarted); ``GraphUnavailable`` after that."""
        try:
            return await self._run_once(query, params)
        except _UNAVAILABLE:
            pass
        try:
            return await self._run_once(query, params)
        except _UNAVAILABLE as exc:
            # Said where it matters: /readyz, the journey's 503, the projector's wait.
            log.debug("the graph does not answer", extra={"error": type(exc).__name__})
            raise GraphUnavailable("the graph does not answer right now") from exc

    async def _run_once(self, query: LiteralString, params: dict[str, Any]) -> list[dict[str, Any]]:
        driver = self._driver
        if driver is None:
            raise GraphUnavailable("the graph is not started")
        if self._dialect is not None:
            params = self._dialect.encode(params)
        async with driver.session(database=self._config.database) as session:
            result = await session.run(query, params)
            return await result.data()

    async def _write(self, query: LiteralString, **params: Any) -> None:
        await self._prepare()
        await self.run(query, **params)

    async def _write_rows(
        self, query: LiteralString, rows: list[dict[str, Any]], **params: Any
    ) -> None:
        """``query`` over ``rows`` (its ``$rows``), in as many statements as the server needs."""
        await self._prepare()
        assert self._dialect is not None
        for run in self._dialect.batches(query, rows, params):
            await self.run(query, rows=run, **params)

    async def _prepare(self) -> None:
        """Before the first write: learn the dialect and set up the schema, once, when the
        server answers (it may be down when the process starts)."""
        if self._prepared:
            return
        async with self._preparing:
            if self._prepared:
                return
            dialect = await self._know_dialect()
            await dialect.schema(self)
            self._prepared = True

    async def _know_dialect(self) -> Dialect:
        if self._dialect is None:
            self._dialect = await self._detect()
            log.info("graph server", extra={"dialect": self._dialect.name})
        return self._dialect

    async def _detect(self) -> Dialect:
        try:
            await self.run(DETECT_NEO4J)
        except Neo4jError:
            return FalkorDBDialect()
        return Neo4jDialect()

    def _spares(self) -> bool:
        # Until the server is known, plain bolt:// may be FalkorDB (it speaks nothing else).
        if self._dialect is not None:
            return self._dialect.spares_connections
        return urlsplit(self._config.url).scheme == "bolt"

    def _address(self) -> tuple[str, int]:
        parts = urlsplit(self._config.url)
        return parts.hostname or "localhost", parts.port or 7687

    async def _resolve(self, address: Any) -> list[Any]:
        """The driver's hook before each new connection (see ``spare_connection``)."""
        if self._spares():
            self._connections += 1
            await spare_connection(address.host, address.port)
        return [address]


def _fit(row: dict[str, Any], room: int) -> dict[str, Any]:
    """``row``, its longest texts cut short (with an ellipsis) until it fits in ``room``."""
    row = dict(row)
    while (excess := packed_size(row) - room) > 0:
        key = max((k for k, v in row.items() if isinstance(v, str)), key=lambda k: len(row[k]))
        encoded = row[key].encode()
        if len(encoded) <= 16:
            raise ValueError(f"a row of {packed_size(row)} bytes cannot fit in {room}")
        keep = max(0, len(encoded) - excess - 8)
        row[key] = encoded[:keep].decode(errors="ignore") + "…"
        log.warning(
            "a text too long for FalkorDB's Bolt messages was cut",
            extra={"property": key, "bytes": len(encoded), "kept": keep},
        )
    return row


def _by_session(items: Sequence[Any]) -> dict[tuple[str, str], list[Any]]:
    """A run of results, one statement per session (a document's results: one)."""
    runs: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        runs.setdefault((item.session_id, item.user_id), []).append(item)
    return runs


def _journey(
    emotion_rows: Sequence[Mapping[str, Any]],
    topic_rows: Sequence[Mapping[str, Any]],
    recurring_rows: Sequence[Mapping[str, Any]],
) -> Journey:
    refs: dict[str, SessionRef] = {}
    emotions: dict[str, list[JourneyEmotion]] = {}
    for row in emotion_rows:
        refs[row["session"]] = SessionRef(row["session"], row["title"], row["created_at"])
        found = emotions.setdefault(row["session"], [])
        if row["id"] is not None:
            found.append(
                JourneyEmotion(
                    id=row["id"],
                    name=row["name"],
                    intensity=float(row["intensity"]),
                    timestamp=row["timestamp"],
                    segment=int(row["segment"] or 0),
                )
            )
    topics = {row["session"]: tuple(sorted(set(row["topics"]))) for row in topic_rows}
    sessions = tuple(
        JourneySession(
            id=ref.id,
            title=ref.title,
            created_at=ref.created_at,
            emotions=tuple(
                sorted(emotions[ref.id], key=lambda e: (e.segment, e.timestamp or 0.0, e.name))
            ),
            topics=topics.get(ref.id, ()),
        )
        for ref in sorted(refs.values(), key=lambda ref: (ref.created_at or "", ref.id))
    )
    recurring = tuple(
        RecurringTopic(
            name=row["topic"],
            session_count=int(row["sessions"]),
            sessions=tuple(SessionRef(id, title, at) for id, title, at in row["seen"]),
        )
        for row in recurring_rows
    )
    return Journey(sessions=sessions, recurring_topics=recurring)
