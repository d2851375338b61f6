"""Reading the one file of a ``multipart/form-data`` upload, straight off the request stream.

FastAPI's ``UploadFile`` parameters read (and spool) the whole body before the route runs;
reading the stream here lets an oversized upload be refused as soon as it crosses the
limit, and a wrong file type as soon as its part headers arrive, before its first byte.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from insightbus.common.errors import BadRequest, Invalid, TooLarge

#: What a form may carry besides the file (boundaries, part headers, small fields).
FORM_OVERHEAD_BYTES = 64 * 1024
_MAX_HEADER_BYTES = 8 * 1024
#: Plain fields kept besides the file (e.g. a callback URL): a few, and small.
_MAX_FIELDS = 8
_MAX_FIELD_BYTES = 4 * 1024


class NotMultipart(Exception):
    """The request is not ``multipart/form-data`` (so it has no file part)."""


class MalformedMultipart(Exception):
    """The body is not a readable multipart form."""


class MissingFile(Exception):
    """The form has no file in the expected field."""


class UploadTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str  # "" when the part had none (only taken with ``named=False``)
    data: bytes
    fields: dict[str, str] = field(default_factory=dict)  # the form's small plain fields


def check_declared_length(content_length: str | None, max_bytes: int) -> None:
    """Refuse by the declared length, before reading anything."""
    declared = int(content_length) if content_length and content_length.isdigit() else 0
    if declared > max_bytes + FORM_OVERHEAD_BYTES:
        raise UploadTooLarge(max_bytes)


def boundary_of(content_type: str | None) -> bytes:
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data":
        raise NotMultipart("send the file as multipart/form-data, in the 'file' field")
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedMultipart("the multipart Content-Type has no boundary")
    return boundary


def too_large(max_bytes: int) -> TooLarge:
    return TooLarge(
        f"the file is larger than the limit of {max_bytes} bytes", {"max_bytes": max_bytes}
    )


async def read_upload(
    request: Request,
    max_bytes: int,
    *,
    field: str,
    accept_filename: Callable[[str], object] = lambda _: None,
    named: bool = True,
) -> UploadedFile:
    """The request's file in ``field``, or the domain error that says what is wrong with it.
    With ``named=False`` a part without a file name is the file too (``curl -F 'file=<x'``)."""
    try:
        boundary = boundary_of(request.headers.get("content-type"))
        check_declared_length(request.headers.get("content-length"), max_bytes)
        return await read_file_field(
            request.stream(),
            boundary,
            field=field,
            max_bytes=max_bytes,
            accept_filename=accept_filename,
            named=named,
        )
    except UploadTooLarge as exc:
        raise too_large(exc.limit) from None
    except (MissingFile, NotMultipart) as exc:
        # A body that is not multipart has no file part either: the same 422 as FastAPI's
        # for a missing field. 415 is kept for file types we cannot parse.
        raise Invalid(
            str(exc),
            [{"loc": ["body", field], "msg": "field required", "type": "missing"}],
        ) from None
    except MalformedMultipart as exc:
        raise BadRequest(str(exc)) from None


async def read_file_field(
    stream: AsyncIterator[bytes],
    boundary: bytes,
    *,
    field: str,
    max_bytes: int,
    accept_filename: Callable[[str], object] = lambda _: None,
    named: bool = True,
) -> UploadedFile:
    """The file in ``field``. ``accept_filename`` may raise to refuse the file by name;
    it runs as soon as the part's headers are read. ``named=False`` takes a part without
    a file name too (its ``filename`` is then "")."""
    reader = _FilePartReader(field.encode(), max_bytes, accept_filename, named)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reader.on_part_begin,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
        },
    )
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > max_bytes + FORM_OVERHEAD_BYTES:
                raise UploadTooLarge(max_bytes)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise MalformedMultipart("the multipart body cannot be parsed") from None
    return reader.result()


class _FilePartReader:
    """python-multipart callbacks that keep the wanted file part and skip the others."""

    def __init__(
        self, field: bytes, max_bytes: int, accept: Callable[[str], object], named: bool = True
    ) -> None:
        self._field = field
        self._named = named
        self._max_bytes = max_bytes
        self._accept = accept
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._in_file = False
        self._filename: str | None = None
        self._data = bytearray()
        self._complete = False
        self._fields: dict[str, str] = {}
        self._field_name: str | None = None
        self._field_value = bytearray()

    def on_part_begin(self) -> None:
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]
        self._check_header_size()

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        self._check_header_size()

    def on_header_end(self) -> None:
        if bytes(self._header_name).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") != self._field:
            if b"filename" not in options and len(self._fields) < _MAX_FIELDS:
                self._field_name = options.get(b"name", b"").decode("utf-8", errors="replace")
                self._field_value.clear()
            return
        if self._filename is not None:
            raise MalformedMultipart(f"send one file in '{self._field.decode()}', not several")
        if b"filename" not in options and self._named:
            raise MissingFile(f"'{self._field.decode()}' must be a file, not a plain form field")
        # parse_options_header hands back the header's raw bytes; browsers send UTF-8.
        self._filename = options.get(b"filename", b"").decode("utf-8", errors="replace").strip()
        self._accept(self._filename)
        self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._field_name is not None:
            self._field_value += data[start:end]
            if len(self._field_value) > _MAX_FIELD_BYTES:
                raise MalformedMultipart(f"the form field '{self._field_name}' is too long")
            return
        if not self._in_file:
            return  # other parts are skipped (their size counts towards the form's total)
        if len(self._data) + (end - start) > self._max_bytes:
            raise UploadTooLarge(self._max_bytes)
        self._data += data[start:end]

    def on_part_end(self) -> None:
        if self._field_name is not None:
            self._fields[self._field_name] = self._field_value.decode("utf-8", errors="replace")
            self._field_name = None
        if self._in_file:
            self._in_file = False
            self._complete = True

    def result(self) -> UploadedFile:
        if self._filename is None:
            raise MissingFile(f"the form has no '{self._field.decode()}' file field")
        if not self._complete:
            raise MalformedMultipart("the multipart body ended in the middle of the file")
        return UploadedFile(self._filename, bytes(self._data), dict(self._fields))

    def _check_header_size(self) -> None:
        if len(self._header_name) + len(self._header_value) > _MAX_HEADER_BYTES:
            raise MalformedMultipart("a multipart part header is too long")
