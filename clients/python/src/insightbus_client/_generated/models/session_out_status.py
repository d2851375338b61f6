from enum import StrEnum

class SessionOutStatus(StrEnum):
    COMPLETED = "completed"
    CREATED = "created"
    FAILED = "failed"
    PENDING = "pending"
    PROCESSING = "processing"

    def __str__(self) -> str:
        return str(self.value)
