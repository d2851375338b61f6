from enum import StrEnum

class ActionItemStatus(StrEnum):
    DISMISSED = "dismissed"
    DONE = "done"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
