from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.insight_out_evidence import InsightOutEvidence





T = TypeVar("T", bound="InsightOut")



@_attrs_define
class InsightOut:
    """ 
        Attributes:
            confidence (float):
            content_id (str):
            description (str):
            evidence (InsightOutEvidence):
            id (str):
            kind (str):
            title (str):
     """

    confidence: float
    content_id: str
    description: str
    evidence: InsightOutEvidence
    id: str
    kind: str
    title: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.insight_out_evidence import InsightOutEvidence # noqa: PLC0415
        confidence = self.confidence

        content_id = self.content_id

        description = self.description

        evidence = self.evidence.to_dict()

        id = self.id

        kind = self.kind

        title = self.title


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "confidence": confidence,
            "content_id": content_id,
            "description": description,
            "evidence": evidence,
            "id": id,
            "kind": kind,
            "title": title,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.insight_out_evidence import InsightOutEvidence # noqa: PLC0415
        d = dict(src_dict)
        confidence = d.pop("confidence")

        content_id = d.pop("content_id")

        description = d.pop("description")

        evidence = InsightOutEvidence.from_dict(d.pop("evidence"))




        id = d.pop("id")

        kind = d.pop("kind")

        title = d.pop("title")

        insight_out = cls(
            confidence=confidence,
            content_id=content_id,
            description=description,
            evidence=evidence,
            id=id,
            kind=kind,
            title=title,
        )


        insight_out.additional_properties = d
        return insight_out

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
