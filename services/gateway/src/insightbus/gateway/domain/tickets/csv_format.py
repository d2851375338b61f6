"""Reading tickets from the body of an uploaded CSV (its comment lines already removed).

Columns: ``issue_key``, ``summary``, ``description`` (required), ``reporter`` and
``created_at`` (optional, ISO 8601); others are ignored, in any order. Every row problem is
collected, with its row and column, so that a client can fix the file in one go.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from insightbus.common.errors import Invalid, TooLarge
from insightbus.common.events.tickets import Ticket

REQUIRED = ("issue_key", "summary", "description")
OPTIONAL = ("reporter", "created_at")
MAX_FIELD = {"issue_key": 64, "summary": 500, "description": 20_000, "reporter": 200}
MAX_REPORTED_ERRORS = 100


class MalformedCsv(Invalid):
    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, details or [])


class TooManyRows(TooLarge):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file has more than {limit} tickets", {"max_rows": limit})
        self.limit = limit


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def parse_tickets(body: bytes, *, max_rows: int) -> list[Ticket]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedCsv(f"the file is not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise MalformedCsv("the file is empty: expected a header row and tickets") from None
    except csv.Error as exc:
        raise MalformedCsv(f"the header row cannot be read: {exc}") from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise MalformedCsv(
            f"the header row lacks the column(s) {', '.join(missing)}",
            [{"row": 0, "column": name, "message": "missing column"} for name in missing],
        )
    columns = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}

    tickets: list[Ticket] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    row = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(row + 1, None, f"unreadable CSV: {exc}"))
            break  # the reader cannot resynchronise after a broken quote
        if not any(field.strip() for field in fields):
            continue  # blank lines carry no ticket
        row += 1
        if row > max_rows:
            raise TooManyRows(max_rows)
        ticket = _ticket(row, fields, len(header), columns, errors)
        if ticket is None:
            continue
        if (first := seen.setdefault(ticket.issue_key, row)) != row:
            errors.append(RowError(row, "issue_key", f"duplicate of row {first}"))
            continue
        tickets.append(ticket)
    if errors:
        raise MalformedCsv(
            f"{len(errors)} row problem(s); nothing was accepted",
            [e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        )
    if not tickets:
        raise MalformedCsv("the file has a header row but no tickets")
    return tickets


def _ticket(
    row: int,
    fields: list[str],
    width: int,
    columns: dict[str, int],
    errors: list[RowError],
) -> Ticket | None:
    if len(fields) != width:
        errors.append(RowError(row, None, f"expected {width} fields, found {len(fields)}"))
        return None
    values = {name: fields[index].strip() for name, index in columns.items()}
    before = len(errors)
    for name in ("issue_key", "summary"):
        if not values[name]:
            errors.append(RowError(row, name, "required"))
    for name, limit in MAX_FIELD.items():
        if len(values.get(name, "")) > limit:
            errors.append(RowError(row, name, f"longer than {limit} characters"))
    created_at = None
    if raw := values.get("created_at"):
        try:
            created_at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            errors.append(RowError(row, "created_at", "not an ISO 8601 date-time"))
        else:
            if created_at.tzinfo is None:  # a naive time is taken as UTC
                created_at = created_at.replace(tzinfo=UTC)
    if len(errors) > before:
        return None
    return Ticket(
        row=row,
        issue_key=values["issue_key"],
        summary=values["summary"],
        description=values["description"],
        reporter=values.get("reporter") or None,
        created_at=created_at,
    )
