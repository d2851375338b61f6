"""The gateway's use cases and projectors. They raise domain errors, never HTTP errors, and
reach the outside only through ports (``ports.py``, and libs/common's Collection, Outbox)."""
