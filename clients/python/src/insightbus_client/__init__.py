"""The insightbus SDK (placeholder while it is built)."""
