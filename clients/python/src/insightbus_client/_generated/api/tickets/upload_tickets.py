from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.success_ticket_job_accepted_out import SuccessTicketJobAcceptedOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    x_signature: None | str | Unset = UNSET,
    x_nonce: None | str | Unset = UNSET,
    x_timestamp: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_signature, Unset):
        headers["x-signature"] = x_signature

    if not isinstance(x_nonce, Unset):
        headers["x-nonce"] = x_nonce

    if not isinstance(x_timestamp, Unset):
        headers["x-timestamp"] = x_timestamp

    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/tickets/upload",
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessTicketJobAcceptedOut | None:
    if response.status_code == 202:
        response_202 = SuccessTicketJobAcceptedOut.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessTicketJobAcceptedOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    x_signature: None | str | Unset = UNSET,
    x_nonce: None | str | Unset = UNSET,
    x_timestamp: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessTicketJobAcceptedOut]:
    """ Upload a signed CSV of tickets for classification (JSON or multipart)

     Headers X-Signature, X-Nonce and X-Timestamp sign the file: see the README's "Signing a ticket
    file". JSON body {csv_content (base64), file_name, callback_url?}, or multipart/form-data with the
    file in 'file' and optional 'callback_url'.

    Args:
        x_signature (None | str | Unset):
        x_nonce (None | str | Unset):
        x_timestamp (None | str | Unset):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessTicketJobAcceptedOut]
     """


    kwargs = _get_kwargs(
        x_signature=x_signature,
x_nonce=x_nonce,
x_timestamp=x_timestamp,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    x_signature: None | str | Unset = UNSET,
    x_nonce: None | str | Unset = UNSET,
    x_timestamp: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | SuccessTicketJobAcceptedOut | None:
    """ Upload a signed CSV of tickets for classification (JSON or multipart)

     Headers X-Signature, X-Nonce and X-Timestamp sign the file: see the README's "Signing a ticket
    file". JSON body {csv_content (base64), file_name, callback_url?}, or multipart/form-data with the
    file in 'file' and optional 'callback_url'.

    Args:
        x_signature (None | str | Unset):
        x_nonce (None | str | Unset):
        x_timestamp (None | str | Unset):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessTicketJobAcceptedOut
     """


    return sync_detailed(
        client=client,
x_signature=x_signature,
x_nonce=x_nonce,
x_timestamp=x_timestamp,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    x_signature: None | str | Unset = UNSET,
    x_nonce: None | str | Unset = UNSET,
    x_timestamp: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessTicketJobAcceptedOut]:
    """ Upload a signed CSV of tickets for classification (JSON or multipart)

     Headers X-Signature, X-Nonce and X-Timestamp sign the file: see the README's "Signing a ticket
    file". JSON body {csv_content (base64), file_name, callback_url?}, or multipart/form-data with the
    file in 'file' and optional 'callback_url'.

    Args:
        x_signature (None | str | Unset):
        x_nonce (None | str | Unset):
        x_timestamp (None | str | Unset):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessTicketJobAcceptedOut]
     """


    kwargs = _get_kwargs(
        x_signature=x_signature,
x_nonce=x_nonce,
x_timestamp=x_timestamp,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    x_signature: None | str | Unset = UNSET,
    x_nonce: None | str | Unset = UNSET,
    x_timestamp: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | SuccessTicketJobAcceptedOut | None:
    """ Upload a signed CSV of tickets for classification (JSON or multipart)

     Headers X-Signature, X-Nonce and X-Timestamp sign the file: see the README's "Signing a ticket
    file". JSON body {csv_content (base64), file_name, callback_url?}, or multipart/form-data with the
    file in 'file' and optional 'callback_url'.

    Args:
        x_signature (None | str | Unset):
        x_nonce (None | str | Unset):
        x_timestamp (None | str | Unset):
        idempotency_key (None | str | Unset): any unique string (a UUID): the same key and request
            again, from the same user, answers the first result instead of starting anew (for 24 h);
            the same key with a different request is 422

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessTicketJobAcceptedOut
     """


    return (await asyncio_detailed(
        client=client,
x_signature=x_signature,
x_nonce=x_nonce,
x_timestamp=x_timestamp,
idempotency_key=idempotency_key,

    )).parsed
