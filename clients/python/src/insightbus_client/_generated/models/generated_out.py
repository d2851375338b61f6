from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="GeneratedOut")



@_attrs_define
class GeneratedOut:
    """ 
        Attributes:
            csv_content (str): base64 of the signed CSV file
            file_name (str):
            row_count (int):
            session_id (str):
     """

    csv_content: str
    file_name: str
    row_count: int
    session_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        csv_content = self.csv_content

        file_name = self.file_name

        row_count = self.row_count

        session_id = self.session_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "csv_content": csv_content,
            "file_name": file_name,
            "row_count": row_count,
            "session_id": session_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        csv_content = d.pop("csv_content")

        file_name = d.pop("file_name")

        row_count = d.pop("row_count")

        session_id = d.pop("session_id")

        generated_out = cls(
            csv_content=csv_content,
            file_name=file_name,
            row_count=row_count,
            session_id=session_id,
        )


        generated_out.additional_properties = d
        return generated_out

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
