"""A ticket job as its owner sees it, by status."""

from __future__ import annotations

from typing import Any, Final

#: Statuses a job can still move on from; completed and failed are final.
OPEN: Final = ("pending", "processing")
ENDED: Final = ("completed", "failed")


def job_view(doc: dict[str, Any], *, full: bool) -> dict[str, Any]:
    view = {
        "session_id": doc["id"],
        "status": doc["status"],
        "file_name": doc["file_name"],
        "total_tickets": doc["total_tickets"],
        "created_at": doc["created_at"],
    }
    if doc["status"] in OPEN:
        view["progress"] = doc.get("progress")
    if doc["status"] == "completed":
        view["completed_at"] = doc.get("completed_at")
        view["results"] = doc.get("results")
        if full:
            view["tickets"] = doc.get("tickets", [])
            view["unclassified"] = doc.get("unclassified", [])
    if doc["status"] == "failed":
        view["completed_at"] = doc.get("completed_at")
        view["error_message"] = doc.get("error_message")
    return view
