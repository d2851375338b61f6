"""The analysis's composition root (being moved here from service.py)."""

from insightbus.analysis.service import build_analysis

__all__ = ["build_analysis"]
