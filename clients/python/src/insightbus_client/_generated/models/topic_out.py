from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="TopicOut")



@_attrs_define
class TopicOut:
    """ 
        Attributes:
            content_id (str):
            id (str):
            keywords (list[str]):
            label (str):
            score (float):
            segments (list[int]):
     """

    content_id: str
    id: str
    keywords: list[str]
    label: str
    score: float
    segments: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_id = self.content_id

        id = self.id

        keywords = self.keywords



        label = self.label

        score = self.score

        segments = self.segments




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_id": content_id,
            "id": id,
            "keywords": keywords,
            "label": label,
            "score": score,
            "segments": segments,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_id = d.pop("content_id")

        id = d.pop("id")

        keywords = cast(list[str], d.pop("keywords"))


        label = d.pop("label")

        score = d.pop("score")

        segments = cast(list[int], d.pop("segments"))


        topic_out = cls(
            content_id=content_id,
            id=id,
            keywords=keywords,
            label=label,
            score=score,
            segments=segments,
        )


        topic_out.additional_properties = d
        return topic_out

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
