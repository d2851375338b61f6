"""The bus port and its adapters."""

from insightbus.common.bus.port import Handler, MessageBus, Subscription

__all__ = ["Handler", "MessageBus", "Subscription"]
