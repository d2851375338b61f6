"""A session (as stored), and the statuses it goes through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

Document = dict[str, Any]


AnalysisStatus = Literal["pending", "processing", "completed", "failed"]
SessionStatus = Literal["created", "pending", "processing", "completed", "failed"]

#: Statuses an analysis can still move on from; completed and failed are final.
OPEN_ANALYSIS: Final[tuple[AnalysisStatus, ...]] = ("pending", "processing")


@dataclass(frozen=True, slots=True)
class Session:
    """``status`` is "created" until content arrives, then mirrors the analysis of the
    latest upload (``content_id``), whose progress the other analysis fields hold."""

    id: str
    user_id: str
    title: str
    description: str
    status: SessionStatus
    created_at: str
    updated_at: str
    content_id: str | None = None
    progress: int = 0
    stage: str | None = None
    error: str | None = None
    model: str | None = None  # the emotion model that analysed it, once completed
    analysis_updated_at: str | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> Session:
        return cls(
            id=doc["id"],
            user_id=doc["user_id"],
            title=doc["title"],
            description=doc.get("description") or "",
            status=doc["status"],
            created_at=doc["created_at"],
            updated_at=doc["updated_at"],
            # Sessions stored by the first gateway version named it latest_content_id.
            content_id=doc.get("content_id", doc.get("latest_content_id")),
            progress=doc.get("progress") or 0,
            stage=doc.get("stage"),
            error=doc.get("error"),
            model=doc.get("model"),
            analysis_updated_at=doc.get("analysis_updated_at"),
        )

    def to_doc(self) -> Document:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "content_id": self.content_id,
            "progress": self.progress,
            "stage": self.stage,
            "error": self.error,
            "model": self.model,
            "analysis_updated_at": self.analysis_updated_at,
        }

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    def analysis(self) -> dict[str, Any]:
        """Where the analysis of the latest upload is; "pending" before any upload."""
        return {
            "status": "pending" if self.content_id is None else self.status,
            "progress": self.progress,
            "stage": self.stage,
            "error": self.error,
            "model": self.model,
            "content_id": self.content_id,
            "updated_at": self.analysis_updated_at,
        }

    def analysis_fields(self) -> Document:
        """The stored fields an upload resets (and an undo restores)."""
        return {
            "status": self.status,
            "content_id": self.content_id,
            "progress": self.progress,
            "stage": self.stage,
            "error": self.error,
            "model": self.model,
            "analysis_updated_at": self.analysis_updated_at,
            "updated_at": self.updated_at,
        }
