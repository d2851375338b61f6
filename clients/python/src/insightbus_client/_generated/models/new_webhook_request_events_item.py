from enum import StrEnum

class NewWebhookRequestEventsItem(StrEnum):
    ACTION_ITEM_CREATED = "action_item.created"
    ACTION_ITEM_DELETED = "action_item.deleted"
    ACTION_ITEM_UPDATED = "action_item.updated"
    ANALYSIS_COMPLETE = "analysis.complete"
    TICKETS_CLASSIFIED = "tickets.classified"

    def __str__(self) -> str:
        return str(self.value)
