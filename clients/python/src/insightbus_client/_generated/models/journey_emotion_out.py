from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="JourneyEmotionOut")



@_attrs_define
class JourneyEmotionOut:
    """ 
        Attributes:
            id (str):
            intensity (float):
            name (str):
            segment (int):
            timestamp (float | None): seconds from the content's start, if timed
     """

    id: str
    intensity: float
    name: str
    segment: int
    timestamp: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        intensity = self.intensity

        name = self.name

        segment = self.segment

        timestamp: float | None
        timestamp = self.timestamp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "intensity": intensity,
            "name": name,
            "segment": segment,
            "timestamp": timestamp,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        intensity = d.pop("intensity")

        name = d.pop("name")

        segment = d.pop("segment")

        def _parse_timestamp(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        timestamp = _parse_timestamp(d.pop("timestamp"))


        journey_emotion_out = cls(
            id=id,
            intensity=intensity,
            name=name,
            segment=segment,
            timestamp=timestamp,
        )


        journey_emotion_out.additional_properties = d
        return journey_emotion_out

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
