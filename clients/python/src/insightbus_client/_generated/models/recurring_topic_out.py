from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.session_ref_out import SessionRefOut





T = TypeVar("T", bound="RecurringTopicOut")



@_attrs_define
class RecurringTopicOut:
    """ 
        Attributes:
            name (str):
            session_count (int): how many of your sessions contain it (two or more)
            sessions (list[SessionRefOut]): the first 20 of them, oldest first
     """

    name: str
    session_count: int
    sessions: list[SessionRefOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.session_ref_out import SessionRefOut # noqa: PLC0415
        name = self.name

        session_count = self.session_count

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "session_count": session_count,
            "sessions": sessions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session_ref_out import SessionRefOut # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        session_count = d.pop("session_count")

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in (_sessions):
            sessions_item = SessionRefOut.from_dict(sessions_item_data)



            sessions.append(sessions_item)


        recurring_topic_out = cls(
            name=name,
            session_count=session_count,
            sessions=sessions,
        )


        recurring_topic_out.additional_properties = d
        return recurring_topic_out

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
