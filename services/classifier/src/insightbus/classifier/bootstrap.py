"""The classifier's composition root (being moved here from service.py)."""

from insightbus.classifier.service import build_classifier

__all__ = ["build_classifier"]
