from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="EmotionOut")



@_attrs_define
class EmotionOut:
    """ 
        Attributes:
            content_id (str):
            excerpt (str):
            id (str):
            intensity (float):
            name (str):
            segment (int):
            speaker (None | str):
            timestamp (float | None):
     """

    content_id: str
    excerpt: str
    id: str
    intensity: float
    name: str
    segment: int
    speaker: None | str
    timestamp: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_id = self.content_id

        excerpt = self.excerpt

        id = self.id

        intensity = self.intensity

        name = self.name

        segment = self.segment

        speaker: None | str
        speaker = self.speaker

        timestamp: float | None
        timestamp = self.timestamp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_id": content_id,
            "excerpt": excerpt,
            "id": id,
            "intensity": intensity,
            "name": name,
            "segment": segment,
            "speaker": speaker,
            "timestamp": timestamp,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_id = d.pop("content_id")

        excerpt = d.pop("excerpt")

        id = d.pop("id")

        intensity = d.pop("intensity")

        name = d.pop("name")

        segment = d.pop("segment")

        def _parse_speaker(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        speaker = _parse_speaker(d.pop("speaker"))


        def _parse_timestamp(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        timestamp = _parse_timestamp(d.pop("timestamp"))


        emotion_out = cls(
            content_id=content_id,
            excerpt=excerpt,
            id=id,
            intensity=intensity,
            name=name,
            segment=segment,
            speaker=speaker,
            timestamp=timestamp,
        )


        emotion_out.additional_properties = d
        return emotion_out

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
