from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.journey_emotion_out import JourneyEmotionOut





T = TypeVar("T", bound="JourneySessionOut")



@_attrs_define
class JourneySessionOut:
    """ 
        Attributes:
            created_at (None | str): ISO 8601, UTC
            emotions (list[JourneyEmotionOut]): by segment, then time, then name
            id (str):
            title (None | str):
            topics (list[str]):
     """

    created_at: None | str
    emotions: list[JourneyEmotionOut]
    id: str
    title: None | str
    topics: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.journey_emotion_out import JourneyEmotionOut # noqa: PLC0415
        created_at: None | str
        created_at = self.created_at

        emotions = []
        for emotions_item_data in self.emotions:
            emotions_item = emotions_item_data.to_dict()
            emotions.append(emotions_item)



        id = self.id

        title: None | str
        title = self.title

        topics = self.topics




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "emotions": emotions,
            "id": id,
            "title": title,
            "topics": topics,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.journey_emotion_out import JourneyEmotionOut # noqa: PLC0415
        d = dict(src_dict)
        def _parse_created_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_at = _parse_created_at(d.pop("created_at"))


        emotions = []
        _emotions = d.pop("emotions")
        for emotions_item_data in (_emotions):
            emotions_item = JourneyEmotionOut.from_dict(emotions_item_data)



            emotions.append(emotions_item)


        id = d.pop("id")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))


        topics = cast(list[str], d.pop("topics"))


        journey_session_out = cls(
            created_at=created_at,
            emotions=emotions,
            id=id,
            title=title,
            topics=topics,
        )


        journey_session_out.additional_properties = d
        return journey_session_out

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
