"""Settings for every insightbus process, in one place (env prefix ``INSIGHTBUS_``).

Each service reads the same model; a composition root picks the adapters from it.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


class BusKind(StrEnum):
    embedded = "embedded"  # durable in-process bus, for one process
    kafka = "kafka"


class StoreKind(StrEnum):
    sqlite = "sqlite"
    mongo = "mongo"


class GraphKind(StrEnum):
    on = "on"  # at graph_url; without one, `insightbus up` runs a FalkorDB of its own
    off = "off"


_GRAPH_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class OidcProvider(BaseModel):
    """An OpenID Connect provider users may log in with (``INSIGHTBUS_OIDC_PROVIDERS``)."""

    model_config = ConfigDict(extra="forbid")

    # Its discovery document is at issuer + "/.well-known/openid-configuration", and the ID
    # tokens' ``iss`` must be exactly this.
    issuer: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr | None = None  # None: a public client (PKCE alone)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    # Hosts besides the issuer's its discovery document may name for the token endpoint
    # and the keys (Google: oauth2.googleapis.com, www.googleapis.com); nothing else is
    # ever fetched.
    endpoint_hosts: list[str] = Field(default_factory=list)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, issuer: str) -> str:
        parts = urlsplit(issuer)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError("an issuer is an https:// URL (http:// on loopback only)")
        if not parts.hostname or parts.query or parts.fragment or parts.username:
            raise ValueError("an issuer is scheme://host[:port][/path], nothing else")
        return issuer.rstrip("/")


class Settings(BaseSettings):
    # Errors name the variable and the rule, never the value: URLs and secrets come here.
    model_config = SettingsConfigDict(
        env_prefix="INSIGHTBUS_", env_nested_delimiter="__", hide_input_in_errors=True
    )

    environment: str = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    sentry_dsn: SecretStr | None = None

    bus: BusKind = BusKind.embedded
    bus_partitions: int = Field(default=4, ge=1, le=256)
    bus_max_attempts: int = Field(default=3, ge=1, le=20)
    bus_retry_backoff_s: float = Field(default=0.2, ge=0)
    bus_max_message_bytes: int = 16 * 1024 * 1024
    kafka_bootstrap_servers: str = "localhost:9092"
    kafka_client_id: str = "insightbus"
    kafka_session_timeout_ms: int = Field(default=10_000, ge=1_000)
    kafka_heartbeat_interval_ms: int = Field(default=1_000, ge=100)
    # How long the broker may hold a fetch that found nothing. aiokafka's default (500 ms)
    # assumes a broker that answers a waiting fetch the moment a record arrives; tansu does
    # not, and there a record waited up to the whole of it at every hop (bench/RESULTS.md:
    # p50 53 ms, max 308 ms at 500; p50 4 ms, max 13 ms at 100).
    kafka_fetch_max_wait_ms: int = Field(default=100, ge=10, le=10_000)

    store: StoreKind = StoreKind.sqlite
    mongo_url: SecretStr = SecretStr("mongodb://localhost:27017")
    mongo_database: str = "insightbus"

    # The graph the analysis projects its findings into and the journey reads. No URL: the
    # embedded stack starts FalkorDB itself, its data under data_dir/graph; services
    # running apart need a server they share (a Neo4j).
    graph: GraphKind = GraphKind.on
    graph_url: SecretStr | None = None
    graph_user: str = "neo4j"
    graph_password: SecretStr | None = None
    graph_database: str | None = None  # None: the server's default (the embedded one's: insightbus)

    # Tokens: HS256 with a shared secret. When unset, the embedded stack keeps a
    # generated one in data_dir so tokens survive restarts.
    jwt_secret: SecretStr | None = None
    # Rotating keys (`insightbus keys rotate`): a JSON key ring every replica of the gateway
    # and the notifier reads (a mounted Secret); looked at again every jwt_keys_reload_s.
    # Unset: data_dir/jwt-keys.json when jwt_secret is unset too (the embedded stack).
    # jwt_secret, when set, stays a key (kid "default") that verifies and, alone, signs.
    jwt_keys_file: Path | None = None
    jwt_keys_reload_s: float = Field(default=5.0, ge=0)
    jwt_issuer: str = "insightbus"
    access_token_ttl_s: int = Field(default=15 * 60, ge=1)
    refresh_token_ttl_s: int = Field(default=14 * 24 * 3600, ge=60)

    # Log in with OpenID Connect providers, by name ("google": {"issuer": ..., "client_id":
    # ..., "client_secret": ...}): /api/v1/auth/oidc/<name>/login. A login must finish
    # within oidc_flow_ttl_s. public_url: the gateway's address as browsers reach it
    # ("https://api.example.com"), for the redirect URI registered at the provider; None:
    # the request's own.
    oidc_providers: dict[str, OidcProvider] = Field(default_factory=dict)
    oidc_flow_ttl_s: float = Field(default=600, gt=0)
    public_url: str | None = None

    # Analysis: processes that run the model (0 = a thread in the service's process).
    analysis_workers: int = Field(default=2, ge=0, le=64)
    analysis_model_path: Path | None = None  # None: the model shipped with the package
    # "auto": the fine-tuned encoder fused with TF-IDF when its files are there (they ship);
    # "tfidf": TF-IDF alone (faster, less accurate).
    analysis_emotion_model: Literal["auto", "tfidf"] = "auto"

    # Ticket classification. Model folders: None means the model shipped with the package.
    classifier_model_path: Path | None = None
    sentiment_model_path: Path | None = None
    classifier_workers: int = Field(default=2, ge=0, le=64)
    # SLA policy: hours to resolve a ticket, per priority.
    sla_critical_hours: float = Field(default=4, gt=0)
    sla_high_hours: float = Field(default=8, gt=0)
    sla_medium_hours: float = Field(default=24, gt=0)
    sla_low_hours: float = Field(default=72, gt=0)
    tickets_max_rows: int = Field(default=10_000, ge=1)
    tickets_max_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    signature_tolerance_s: int = Field(default=300, ge=1)

    # Webhooks. Delays between attempts (jitter is added); then the delivery has failed.
    webhook_retry_schedule_s: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    webhook_timeout_s: float = Field(default=15, gt=0)
    # Disable an endpoint whose deliveries have failed for this long, and tell its owner.
    webhook_disable_after_s: float = Field(default=5 * 24 * 3600, gt=0)
    # How long the previous secret still signs after a rotation.
    webhook_secret_overlap_s: float = Field(default=24 * 3600, ge=0)
    # Socket presence (the notifier): each replica writes its connections to the shared store
    # and refreshes them every presence_ttl_s / 3; a record not refreshed for presence_ttl_s
    # (its replica died) counts as left. Replicas read the others' every presence_interval_s.
    presence_ttl_s: float = Field(default=15, gt=0)
    presence_interval_s: float = Field(default=1.0, gt=0)
    # Hosts or networks (CIDR) webhooks may reach although private or loopback; tests
    # and on-premises receivers use it. Everything else must resolve to public addresses.
    webhook_allowed_hosts: list[str] = Field(default_factory=list)
    # Where the gateway's GraphQL subscriptions reach the notifier's sockets (ws://host:port).
    # Unset: the address the gateway itself answered on (the embedded stack's, one process);
    # the distributed mode sets it to the notifier's service.
    notifier_internal_url: str | None = None

    # What is kept how long (nothing grows without bound, and nothing still needed goes):
    # - the embedded bus log: what every group has acknowledged, for bus_retention_s (an
    #   envelope a group has not acknowledged stays, however old);
    # - the ids of handled envelopes (inboxes), for inbox_retention_s: at least as long as
    #   the log keeps an envelope, so a group that reads the log again finds them;
    # - webhook deliveries and ticket jobs, for their retention once they have ended (one
    #   still pending or running never goes);
    # - each session's log of live messages (the notifier's, for resuming sockets), each
    #   message for session_log_retention_s; a deleted session's marker for
    #   inbox_retention_s (as long as a late copy of its creation may come);
    # - spent upload nonces and refresh tokens until they could no longer be accepted
    #   (2 x signature_tolerance_s, the token's expiry): no setting of their own.
    # SQLite purges every purge_interval_s (so does the bus log); MongoDB's TTL monitor
    # runs every 60 s on its own.
    bus_retention_s: float = Field(default=7 * 24 * 3600, gt=0)
    inbox_retention_s: float = Field(default=14 * 24 * 3600, gt=0)
    webhook_delivery_retention_s: float = Field(default=30 * 24 * 3600, gt=0)
    ticket_job_retention_s: float = Field(default=30 * 24 * 3600, gt=0)
    session_log_retention_s: float = Field(default=30 * 24 * 3600, gt=0)
    # An upload's Idempotency-Key answers its first result this long (then it may start anew).
    idempotency_key_ttl_s: float = Field(default=24 * 3600, gt=0)
    purge_interval_s: float = Field(default=60, gt=0)

    rate_limit_per_minute: int = Field(default=100, ge=1)
    # Web pages on these origins ("https://app.example.com") may call the API with
    # credentials (CORS). None by default: same-origin only.
    cors_origins: list[str] = Field(default_factory=list)
    # Proxies (addresses or CIDRs) whose X-Forwarded-For / X-Forwarded-Proto is believed: the
    # client address (rate limits, API key allow-lists) is the one they name. Anyone else's
    # header is ignored. Uvicorn's default; in Kubernetes, the ingress controller's pods.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    # Send Strict-Transport-Security: set it where the platform is reached over HTTPS only.
    hsts: bool = False
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            # A wildcard with credentials would let any site act as the logged-in user.
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: give scheme://host[:port], no path, no '*'"
                )
        return [origin.lower() for origin in origins]

    @field_validator("oidc_providers")
    @classmethod
    def _provider_names(cls, providers: dict[str, OidcProvider]) -> dict[str, OidcProvider]:
        for name in providers:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", name):
                raise ValueError(f"{name!r}: a provider's name is lower case letters, digits, -")
        return providers

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, url: str | None) -> str | None:
        if url is not None and not _ORIGIN.fullmatch(url.rstrip("/")):
            raise ValueError("give scheme://host[:port], no path")
        return url.rstrip("/") if url else None

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an address or CIDR network") from None
        return proxies

    @field_validator("inbox_retention_s")
    @classmethod
    def _inbox_outlives_the_log(cls, value: float, info: ValidationInfo) -> float:
        # An id forgotten while the log still holds its envelope lets a reread handle it twice.
        log = info.data.get("bus_retention_s")
        if log is not None and value < log:
            raise ValueError(f"must be at least bus_retention_s ({log:g} s)")
        return value

    @field_validator("graph_url")
    @classmethod
    def _graph_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is None or not url.get_secret_value():
            return None
        parts = urlsplit(url.get_secret_value())
        if parts.scheme not in _GRAPH_SCHEMES or not parts.hostname:
            raise ValueError(f"give a Bolt URL: {' | '.join(_GRAPH_SCHEMES)}://host[:port]")
        if parts.username or parts.password:
            raise ValueError("credentials go in INSIGHTBUS_GRAPH_USER and _PASSWORD, not the URL")
        return url

    @cached_property
    def resolved_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir.resolve()

    def sqlite_path(self, service: str) -> Path:
        """Each service owns its data: one database file per service."""
        return self.resolved_data_dir / f"{service}.db"
