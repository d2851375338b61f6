from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="NewSessionRequest")



@_attrs_define
class NewSessionRequest:
    """ 
        Attributes:
            title (str):
            description (str | Unset):  Default: ''.
     """

    title: str
    description: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        title = self.title

        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "title": title,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        description = d.pop("description", UNSET)

        new_session_request = cls(
            title=title,
            description=description,
        )

        return new_session_request

