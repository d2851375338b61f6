from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.new_webhook_request_events_item import NewWebhookRequestEventsItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NewWebhookRequest")



@_attrs_define
class NewWebhookRequest:
    """ 
        Attributes:
            events (list[NewWebhookRequestEventsItem]):
            url (str):
            description (str | Unset):  Default: ''.
     """

    events: list[NewWebhookRequestEventsItem]
    url: str
    description: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)



        url = self.url

        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "events": events,
            "url": url,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in (_events):
            events_item = NewWebhookRequestEventsItem(events_item_data)



            events.append(events_item)


        url = d.pop("url")

        description = d.pop("description", UNSET)

        new_webhook_request = cls(
            events=events,
            url=url,
            description=description,
        )

        return new_webhook_request

