"""The analysis's refusals."""

from __future__ import annotations

from insightbus.common.errors import DomainError, Invalid, Unsupported


class AnalysisError(DomainError):
    """The content cannot be analysed; reported as analysis.failed, not retried."""


class NothingToAnalyse(AnalysisError, Invalid):
    """The content has no text."""

    def __init__(self) -> None:
        super().__init__("the content has no text to analyse")


class NotEnglish(AnalysisError, Unsupported):
    """The content is confidently in a language the models do not read."""
