from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CreatedApiKeyOut")



@_attrs_define
class CreatedApiKeyOut:
    """ 
        Attributes:
            allowed_ips (list[str]):
            created_at (str):
            id (str):
            key (str): send it as X-API-Key; shown this once only
            last_used_at (None | str):
            name (str):
            prefix (str):
     """

    allowed_ips: list[str]
    created_at: str
    id: str
    key: str
    last_used_at: None | str
    name: str
    prefix: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowed_ips = self.allowed_ips



        created_at = self.created_at

        id = self.id

        key = self.key

        last_used_at: None | str
        last_used_at = self.last_used_at

        name = self.name

        prefix = self.prefix


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allowed_ips": allowed_ips,
            "created_at": created_at,
            "id": id,
            "key": key,
            "last_used_at": last_used_at,
            "name": name,
            "prefix": prefix,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed_ips = cast(list[str], d.pop("allowed_ips"))


        created_at = d.pop("created_at")

        id = d.pop("id")

        key = d.pop("key")

        def _parse_last_used_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))


        name = d.pop("name")

        prefix = d.pop("prefix")

        created_api_key_out = cls(
            allowed_ips=allowed_ips,
            created_at=created_at,
            id=id,
            key=key,
            last_used_at=last_used_at,
            name=name,
            prefix=prefix,
        )


        created_api_key_out.additional_properties = d
        return created_api_key_out

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
