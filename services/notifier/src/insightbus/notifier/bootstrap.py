"""The notifier's composition root (being moved here from service.py)."""

from insightbus.notifier.service import build_notifier

__all__ = ["build_notifier"]
