from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ticket_job_out_status import TicketJobOutStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.ticket_job_progress_out import TicketJobProgressOut
  from ..models.ticket_job_results_out import TicketJobResultsOut





T = TypeVar("T", bound="TicketJobOut")



@_attrs_define
class TicketJobOut:
    """ A job as listed: its results' totals once completed, its reason once failed.

        Attributes:
            created_at (str):
            file_name (str):
            session_id (str):
            status (TicketJobOutStatus):
            total_tickets (int):
            completed_at (None | str | Unset): once completed or failed
            error_message (None | str | Unset): once failed
            progress (None | TicketJobProgressOut | Unset): while open
            results (None | TicketJobResultsOut | Unset): once completed
     """

    created_at: str
    file_name: str
    session_id: str
    status: TicketJobOutStatus
    total_tickets: int
    completed_at: None | str | Unset = UNSET
    error_message: None | str | Unset = UNSET
    progress: None | TicketJobProgressOut | Unset = UNSET
    results: None | TicketJobResultsOut | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket_job_progress_out import TicketJobProgressOut # noqa: PLC0415
        from ..models.ticket_job_results_out import TicketJobResultsOut # noqa: PLC0415
        created_at = self.created_at

        file_name = self.file_name

        session_id = self.session_id

        status = self.status.value

        total_tickets = self.total_tickets

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = self.completed_at

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, TicketJobProgressOut):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        results: dict[str, Any] | None | Unset
        if isinstance(self.results, Unset):
            results = UNSET
        elif isinstance(self.results, TicketJobResultsOut):
            results = self.results.to_dict()
        else:
            results = self.results


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "file_name": file_name,
            "session_id": session_id,
            "status": status,
            "total_tickets": total_tickets,
        })
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if progress is not UNSET:
            field_dict["progress"] = progress
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_job_progress_out import TicketJobProgressOut # noqa: PLC0415
        from ..models.ticket_job_results_out import TicketJobResultsOut # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        file_name = d.pop("file_name")

        session_id = d.pop("session_id")

        status = TicketJobOutStatus(d.pop("status"))




        total_tickets = d.pop("total_tickets")

        def _parse_completed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))


        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))


        def _parse_progress(data: object) -> None | TicketJobProgressOut | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = TicketJobProgressOut.from_dict(data)



                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketJobProgressOut | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))


        def _parse_results(data: object) -> None | TicketJobResultsOut | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                results_type_0 = TicketJobResultsOut.from_dict(data)



                return results_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketJobResultsOut | Unset, data)

        results = _parse_results(d.pop("results", UNSET))


        ticket_job_out = cls(
            created_at=created_at,
            file_name=file_name,
            session_id=session_id,
            status=status,
            total_tickets=total_tickets,
            completed_at=completed_at,
            error_message=error_message,
            progress=progress,
            results=results,
        )


        ticket_job_out.additional_properties = d
        return ticket_job_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
