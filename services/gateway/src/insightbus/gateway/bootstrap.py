"""The gateway's composition root (being moved here from service.py)."""

from insightbus.gateway.service import build_gateway

__all__ = ["build_gateway"]
