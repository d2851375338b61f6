from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="SigningSecretOut")



@_attrs_define
class SigningSecretOut:
    """ 
        Attributes:
            created_at (str):
            previous_valid_until (None | str):
            signing_secret (str): shown this once only
     """

    created_at: str
    previous_valid_until: None | str
    signing_secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        previous_valid_until: None | str
        previous_valid_until = self.previous_valid_until

        signing_secret = self.signing_secret


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "previous_valid_until": previous_valid_until,
            "signing_secret": signing_secret,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        def _parse_previous_valid_until(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_valid_until = _parse_previous_valid_until(d.pop("previous_valid_until"))


        signing_secret = d.pop("signing_secret")

        signing_secret_out = cls(
            created_at=created_at,
            previous_valid_until=previous_valid_until,
            signing_secret=signing_secret,
        )


        signing_secret_out.additional_properties = d
        return signing_secret_out

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
