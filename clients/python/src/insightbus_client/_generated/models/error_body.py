from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Literal, cast






T = TypeVar("T", bound="ErrorBody")



@_attrs_define
class ErrorBody:
    """ 
        Attributes:
            error (str):
            details (Any | Unset):
            status (Literal['error'] | Unset):  Default: 'error'.
            success (bool | Unset):  Default: False.
     """

    error: str
    details: Any | Unset = UNSET
    status: Literal['error'] | Unset = 'error'
    success: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        error = self.error

        details = self.details

        status = self.status

        success = self.success


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "error": error,
        })
        if details is not UNSET:
            field_dict["details"] = details
        if status is not UNSET:
            field_dict["status"] = status
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error = d.pop("error")

        details = d.pop("details", UNSET)

        status = cast(Literal['error'] | Unset , d.pop("status", UNSET))
        if status != 'error'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'error', got '{status}'")

        success = d.pop("success", UNSET)

        error_body = cls(
            error=error,
            details=details,
            status=status,
            success=success,
        )


        error_body.additional_properties = d
        return error_body

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
