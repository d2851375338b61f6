from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.api_key_out import ApiKeyOut





T = TypeVar("T", bound="SuccessApiKeyOut")



@_attrs_define
class SuccessApiKeyOut:
    """ 
        Attributes:
            data (ApiKeyOut):
            status (Literal['success'] | Unset):  Default: 'success'.
            success (bool | Unset):  Default: True.
     """

    data: ApiKeyOut
    status: Literal['success'] | Unset = 'success'
    success: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.api_key_out import ApiKeyOut # noqa: PLC0415
        data = self.data.to_dict()

        status = self.status

        success = self.success


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
        })
        if status is not UNSET:
            field_dict["status"] = status
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_key_out import ApiKeyOut # noqa: PLC0415
        d = dict(src_dict)
        data = ApiKeyOut.from_dict(d.pop("data"))




        status = cast(Literal['success'] | Unset , d.pop("status", UNSET))
        if status != 'success'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'success', got '{status}'")

        success = d.pop("success", UNSET)

        success_api_key_out = cls(
            data=data,
            status=status,
            success=success,
        )


        success_api_key_out.additional_properties = d
        return success_api_key_out

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
