"""The classifier's refusals."""

from __future__ import annotations

from insightbus.common.errors import DomainError, TooLarge, Unavailable


class JobFailed(DomainError):
    """The job as a whole cannot be classified; reported as tickets.failed, not retried."""


class TooManyTickets(JobFailed, TooLarge):
    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"the job has {total} tickets; the limit is {limit}")


class ModelUnavailable(JobFailed, Unavailable):
    """The models could not be loaded: no job can be classified (the message says why)."""
