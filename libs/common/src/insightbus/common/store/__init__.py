"""The document-store port and its adapters."""

from insightbus.common.store.port import (
    Collection,
    Document,
    DocumentStore,
    DuplicateKey,
    Filter,
    Index,
    Sort,
)

__all__ = ["Collection", "Document", "DocumentStore", "DuplicateKey", "Filter", "Index", "Sort"]
