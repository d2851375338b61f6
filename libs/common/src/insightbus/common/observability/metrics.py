"""Prometheus metrics shared by every service (one registry per process)."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "insightbus_events_published_total", "Events published to the bus", ["topic"]
)
EVENTS_HANDLED = Counter(
    "insightbus_events_handled_total",
    "Events handled by consumer groups",
    ["group", "type", "outcome"],
)
HANDLER_SECONDS = Histogram(
    "insightbus_handler_seconds", "Time spent in event handlers", ["group", "type"]
)
HTTP_REQUESTS = Counter(
    "insightbus_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "insightbus_http_request_seconds", "HTTP request latency", ["method", "route"]
)
CONSUMER_LAG = Gauge(
    "insightbus_consumer_lag",
    "Records in a partition not yet handled by the group (the broker's high watermark as"
    " last fetched, minus the next offset to handle)",
    ["group", "topic", "partition"],
)
