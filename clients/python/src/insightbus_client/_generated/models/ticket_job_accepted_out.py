from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TicketJobAcceptedOut")



@_attrs_define
class TicketJobAcceptedOut:
    """ 
        Attributes:
            message (str):
            session_id (str):
            status (str):
            total_tickets (int):
     """

    message: str
    session_id: str
    status: str
    total_tickets: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        message = self.message

        session_id = self.session_id

        status = self.status

        total_tickets = self.total_tickets


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "message": message,
            "session_id": session_id,
            "status": status,
            "total_tickets": total_tickets,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        session_id = d.pop("session_id")

        status = d.pop("status")

        total_tickets = d.pop("total_tickets")

        ticket_job_accepted_out = cls(
            message=message,
            session_id=session_id,
            status=status,
            total_tickets=total_tickets,
        )


        ticket_job_accepted_out.additional_properties = d
        return ticket_job_accepted_out

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
