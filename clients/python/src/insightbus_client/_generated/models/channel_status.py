from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Literal, cast






T = TypeVar("T", bound="ChannelStatus")



@_attrs_define
class ChannelStatus:
    """ 
        Attributes:
            connected_users (int): users with at least one channel open
            status (Literal['active'] | Unset):  Default: 'active'.
     """

    connected_users: int
    status: Literal['active'] | Unset = 'active'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        connected_users = self.connected_users

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "connected_users": connected_users,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connected_users = d.pop("connected_users")

        status = cast(Literal['active'] | Unset , d.pop("status", UNSET))
        if status != 'active'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'active', got '{status}'")

        channel_status = cls(
            connected_users=connected_users,
            status=status,
        )


        channel_status.additional_properties = d
        return channel_status

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
