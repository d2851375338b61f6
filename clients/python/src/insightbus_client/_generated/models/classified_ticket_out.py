from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.classified_ticket_out_impact import ClassifiedTicketOutImpact
from ..models.classified_ticket_out_priority import ClassifiedTicketOutPriority
from ..models.classified_ticket_out_sentiment import ClassifiedTicketOutSentiment
from ..models.classified_ticket_out_urgency import ClassifiedTicketOutUrgency






T = TypeVar("T", bound="ClassifiedTicketOut")



@_attrs_define
class ClassifiedTicketOut:
    """ 
        Attributes:
            category (str):
            confidence_score (float):
            impact (ClassifiedTicketOutImpact):
            issue_key (str):
            priority (ClassifiedTicketOutPriority):
            sentiment (ClassifiedTicketOutSentiment):
            sla_due_date (str):
            summary (str):
            urgency (ClassifiedTicketOutUrgency):
     """

    category: str
    confidence_score: float
    impact: ClassifiedTicketOutImpact
    issue_key: str
    priority: ClassifiedTicketOutPriority
    sentiment: ClassifiedTicketOutSentiment
    sla_due_date: str
    summary: str
    urgency: ClassifiedTicketOutUrgency
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        category = self.category

        confidence_score = self.confidence_score

        impact = self.impact.value

        issue_key = self.issue_key

        priority = self.priority.value

        sentiment = self.sentiment.value

        sla_due_date = self.sla_due_date

        summary = self.summary

        urgency = self.urgency.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "confidence_score": confidence_score,
            "impact": impact,
            "issue_key": issue_key,
            "priority": priority,
            "sentiment": sentiment,
            "sla_due_date": sla_due_date,
            "summary": summary,
            "urgency": urgency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        confidence_score = d.pop("confidence_score")

        impact = ClassifiedTicketOutImpact(d.pop("impact"))




        issue_key = d.pop("issue_key")

        priority = ClassifiedTicketOutPriority(d.pop("priority"))




        sentiment = ClassifiedTicketOutSentiment(d.pop("sentiment"))




        sla_due_date = d.pop("sla_due_date")

        summary = d.pop("summary")

        urgency = ClassifiedTicketOutUrgency(d.pop("urgency"))




        classified_ticket_out = cls(
            category=category,
            confidence_score=confidence_score,
            impact=impact,
            issue_key=issue_key,
            priority=priority,
            sentiment=sentiment,
            sla_due_date=sla_due_date,
            summary=summary,
            urgency=urgency,
        )


        classified_ticket_out.additional_properties = d
        return classified_ticket_out

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
