"""The document-store port and its adapters."""

from insightbus.common.store.port import (
    EXPIRE_AT,
    Collection,
    Document,
    DocumentStore,
    DuplicateKey,
    Filter,
    Index,
    Sort,
    expiry_index,
)

__all__ = [
    "EXPIRE_AT",
    "Collection",
    "Document",
    "DocumentStore",
    "DuplicateKey",
    "Filter",
    "Index",
    "Sort",
    "expiry_index",
]
