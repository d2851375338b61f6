from enum import StrEnum

class NewActionItemRequestStatus(StrEnum):
    DISMISSED = "dismissed"
    DONE = "done"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
