from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.action_item_source import ActionItemSource
from ..models.action_item_status import ActionItemStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ActionItem")



@_attrs_define
class ActionItem:
    """ 
        Attributes:
            created_at (datetime.datetime):
            id (str):
            session_id (str):
            source (ActionItemSource):
            status (ActionItemStatus):
            title (str):
            updated_at (datetime.datetime):
            description (None | str | Unset):
            due_date (datetime.datetime | None | Unset):
     """

    created_at: datetime.datetime
    id: str
    session_id: str
    source: ActionItemSource
    status: ActionItemStatus
    title: str
    updated_at: datetime.datetime
    description: None | str | Unset = UNSET
    due_date: datetime.datetime | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        session_id = self.session_id

        source = self.source.value

        status = self.status.value

        title = self.title

        updated_at = self.updated_at.isoformat()

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


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "created_at": created_at,
            "id": id,
            "session_id": session_id,
            "source": source,
            "status": status,
            "title": title,
            "updated_at": updated_at,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if due_date is not UNSET:
            field_dict["due_date"] = due_date

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        session_id = d.pop("session_id")

        source = ActionItemSource(d.pop("source"))




        status = ActionItemStatus(d.pop("status"))




        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




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


        action_item = cls(
            created_at=created_at,
            id=id,
            session_id=session_id,
            source=source,
            status=status,
            title=title,
            updated_at=updated_at,
            description=description,
            due_date=due_date,
        )

        return action_item

