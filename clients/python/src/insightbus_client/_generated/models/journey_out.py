from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.journey_session_out import JourneySessionOut
  from ..models.recurring_topic_out import RecurringTopicOut





T = TypeVar("T", bound="JourneyOut")



@_attrs_define
class JourneyOut:
    """ 
        Attributes:
            recurring_topics (list[RecurringTopicOut]): the 20 topics most of all your sessions share (two or more), the
                most first
            sessions (list[JourneySessionOut]): your latest sessions, oldest first
     """

    recurring_topics: list[RecurringTopicOut]
    sessions: list[JourneySessionOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.journey_session_out import JourneySessionOut # noqa: PLC0415
        from ..models.recurring_topic_out import RecurringTopicOut # noqa: PLC0415
        recurring_topics = []
        for recurring_topics_item_data in self.recurring_topics:
            recurring_topics_item = recurring_topics_item_data.to_dict()
            recurring_topics.append(recurring_topics_item)



        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "recurring_topics": recurring_topics,
            "sessions": sessions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.journey_session_out import JourneySessionOut # noqa: PLC0415
        from ..models.recurring_topic_out import RecurringTopicOut # noqa: PLC0415
        d = dict(src_dict)
        recurring_topics = []
        _recurring_topics = d.pop("recurring_topics")
        for recurring_topics_item_data in (_recurring_topics):
            recurring_topics_item = RecurringTopicOut.from_dict(recurring_topics_item_data)



            recurring_topics.append(recurring_topics_item)


        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in (_sessions):
            sessions_item = JourneySessionOut.from_dict(sessions_item_data)



            sessions.append(sessions_item)


        journey_out = cls(
            recurring_topics=recurring_topics,
            sessions=sessions,
        )


        journey_out.additional_properties = d
        return journey_out

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
