from enum import StrEnum

class ActionItemSource(StrEnum):
    ANALYSIS = "analysis"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
