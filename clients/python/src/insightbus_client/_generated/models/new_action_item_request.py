from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.new_action_item_request_status import NewActionItemRequestStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="NewActionItemRequest")



@_attrs_define
class NewActionItemRequest:
    """ 
        Attributes:
            title (str):
            description (None | str | Unset):
            due_date (datetime.datetime | None | Unset):
            status (NewActionItemRequestStatus | Unset):  Default: NewActionItemRequestStatus.OPEN.
     """

    title: str
    description: None | str | Unset = UNSET
    due_date: datetime.datetime | None | Unset = UNSET
    status: NewActionItemRequestStatus | Unset = NewActionItemRequestStatus.OPEN





    def to_dict(self) -> dict[str, Any]:
        title = self.title

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        due_date: None | str | Unset
        if isinstance(self.due_date, Unset):
            due_date = UNSET
        elif isinstance(self.due_date, datetime.datetime):
            due_date = self.due_date.isoformat()
        else:
            due_date = self.due_date

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "title": title,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if due_date is not UNSET:
            field_dict["due_date"] = due_date
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_due_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_date_type_0 = datetime.datetime.fromisoformat(data)



                return due_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        due_date = _parse_due_date(d.pop("due_date", UNSET))


        _status = d.pop("status", UNSET)
        status: NewActionItemRequestStatus | Unset
        if isinstance(_status,  Unset):
            status = UNSET
        else:
            status = NewActionItemRequestStatus(_status)




        new_action_item_request = cls(
            title=title,
            description=description,
            due_date=due_date,
            status=status,
        )

        return new_action_item_request

