from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.analysis_status_out_status import AnalysisStatusOutStatus
from typing import cast






T = TypeVar("T", bound="AnalysisStatusOut")



@_attrs_define
class AnalysisStatusOut:
    """ 
        Attributes:
            content_id (None | str):
            error (None | str):
            model (None | str): the emotion model that ran, once completed: 'minilm-l6-goemotions+tfidf' or 'tfidf-logreg'
                (the fallback)
            progress (int):
            stage (None | str):
            status (AnalysisStatusOutStatus):
            updated_at (None | str):
     """

    content_id: None | str
    error: None | str
    model: None | str
    progress: int
    stage: None | str
    status: AnalysisStatusOutStatus
    updated_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_id: None | str
        content_id = self.content_id

        error: None | str
        error = self.error

        model: None | str
        model = self.model

        progress = self.progress

        stage: None | str
        stage = self.stage

        status = self.status.value

        updated_at: None | str
        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_id": content_id,
            "error": error,
            "model": model,
            "progress": progress,
            "stage": stage,
            "status": status,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_content_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        content_id = _parse_content_id(d.pop("content_id"))


        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))


        progress = d.pop("progress")

        def _parse_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stage = _parse_stage(d.pop("stage"))


        status = AnalysisStatusOutStatus(d.pop("status"))




        def _parse_updated_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))


        analysis_status_out = cls(
            content_id=content_id,
            error=error,
            model=model,
            progress=progress,
            stage=stage,
            status=status,
            updated_at=updated_at,
        )


        analysis_status_out.additional_properties = d
        return analysis_status_out

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
