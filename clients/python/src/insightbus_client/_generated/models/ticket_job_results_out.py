from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.ticket_job_results_out_counts_by_category import TicketJobResultsOutCountsByCategory
  from ..models.ticket_job_results_out_counts_by_priority import TicketJobResultsOutCountsByPriority





T = TypeVar("T", bound="TicketJobResultsOut")



@_attrs_define
class TicketJobResultsOut:
    """ 
        Attributes:
            classified (int):
            counts_by_category (TicketJobResultsOutCountsByCategory):
            counts_by_priority (TicketJobResultsOutCountsByPriority):
            processing_time_ms (float):
            total_tickets (int):
            unclassified (int):
     """

    classified: int
    counts_by_category: TicketJobResultsOutCountsByCategory
    counts_by_priority: TicketJobResultsOutCountsByPriority
    processing_time_ms: float
    total_tickets: int
    unclassified: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket_job_results_out_counts_by_category import TicketJobResultsOutCountsByCategory # noqa: PLC0415
        from ..models.ticket_job_results_out_counts_by_priority import TicketJobResultsOutCountsByPriority # noqa: PLC0415
        classified = self.classified

        counts_by_category = self.counts_by_category.to_dict()

        counts_by_priority = self.counts_by_priority.to_dict()

        processing_time_ms = self.processing_time_ms

        total_tickets = self.total_tickets

        unclassified = self.unclassified


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "classified": classified,
            "counts_by_category": counts_by_category,
            "counts_by_priority": counts_by_priority,
            "processing_time_ms": processing_time_ms,
            "total_tickets": total_tickets,
            "unclassified": unclassified,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_job_results_out_counts_by_category import TicketJobResultsOutCountsByCategory # noqa: PLC0415
        from ..models.ticket_job_results_out_counts_by_priority import TicketJobResultsOutCountsByPriority # noqa: PLC0415
        d = dict(src_dict)
        classified = d.pop("classified")

        counts_by_category = TicketJobResultsOutCountsByCategory.from_dict(d.pop("counts_by_category"))




        counts_by_priority = TicketJobResultsOutCountsByPriority.from_dict(d.pop("counts_by_priority"))




        processing_time_ms = d.pop("processing_time_ms")

        total_tickets = d.pop("total_tickets")

        unclassified = d.pop("unclassified")

        ticket_job_results_out = cls(
            classified=classified,
            counts_by_category=counts_by_category,
            counts_by_priority=counts_by_priority,
            processing_time_ms=processing_time_ms,
            total_tickets=total_tickets,
            unclassified=unclassified,
        )


        ticket_job_results_out.additional_properties = d
        return ticket_job_results_out

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
