"""Webhooks: users' endpoints, signed deliveries of their events, retried until they land.

routes (HTTP) -> service (endpoints, secrets, the delivery log) -> store (documents);
fanout turns bus events into persisted deliveries; worker sends what is due through
sender (SSRF-guarded HTTP), signing each attempt (signing) and scheduling retries (retry).
"""
