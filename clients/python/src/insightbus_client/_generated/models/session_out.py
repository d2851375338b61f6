from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.session_out_status import SessionOutStatus






T = TypeVar("T", bound="SessionOut")



@_attrs_define
class SessionOut:
    """ 
        Attributes:
            created_at (str):
            description (str):
            id (str):
            status (SessionOutStatus):
            title (str):
            updated_at (str):
     """

    created_at: str
    description: str
    id: str
    status: SessionOutStatus
    title: str
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        description = self.description

        id = self.id

        status = self.status.value

        title = self.title

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "description": description,
            "id": id,
            "status": status,
            "title": title,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        description = d.pop("description")

        id = d.pop("id")

        status = SessionOutStatus(d.pop("status"))




        title = d.pop("title")

        updated_at = d.pop("updated_at")

        session_out = cls(
            created_at=created_at,
            description=description,
            id=id,
            status=status,
            title=title,
            updated_at=updated_at,
        )


        session_out.additional_properties = d
        return session_out

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
