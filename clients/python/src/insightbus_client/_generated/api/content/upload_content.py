from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.success_content_accepted_out import SuccessContentAcceptedOut
from ...models.upload_content_body import UploadContentBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    session_id: str,
    *,
    body: UploadContentBody,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/sessions/{session_id}/content".format(session_id=quote(str(session_id), safe=""),),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessContentAcceptedOut | None:
    if response.status_code == 202:
        response_202 = SuccessContentAcceptedOut.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessContentAcceptedOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadContentBody,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessContentAcceptedOut]:
    """ Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis

    Args:
        session_id (str):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422
        body (UploadContentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessContentAcceptedOut]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadContentBody,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | SuccessContentAcceptedOut | None:
    """ Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis

    Args:
        session_id (str):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422
        body (UploadContentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessContentAcceptedOut
     """


    return sync_detailed(
        session_id=session_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadContentBody,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessContentAcceptedOut]:
    """ Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis

    Args:
        session_id (str):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422
        body (UploadContentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessContentAcceptedOut]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadContentBody,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | SuccessContentAcceptedOut | None:
    """ Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis

    Args:
        session_id (str):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422
        body (UploadContentBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessContentAcceptedOut
     """


    return (await asyncio_detailed(
        session_id=session_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
