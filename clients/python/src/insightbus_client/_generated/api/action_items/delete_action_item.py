from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.success_action_item_deleted_out import SuccessActionItemDeletedOut
from typing import cast



def _get_kwargs(
    session_id: str,
    item_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/sessions/{session_id}/action-items/{item_id}".format(session_id=quote(str(session_id), safe=""),item_id=quote(str(item_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessActionItemDeletedOut | None:
    if response.status_code == 200:
        response_200 = SuccessActionItemDeletedOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessActionItemDeletedOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: str,
    item_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorBody | SuccessActionItemDeletedOut]:
    """ Delete an action item

    Args:
        session_id (str):
        item_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessActionItemDeletedOut]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
item_id=item_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    session_id: str,
    item_id: str,
    *,
    client: AuthenticatedClient,

) -> ErrorBody | SuccessActionItemDeletedOut | None:
    """ Delete an action item

    Args:
        session_id (str):
        item_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessActionItemDeletedOut
     """


    return sync_detailed(
        session_id=session_id,
item_id=item_id,
client=client,

    ).parsed

async def asyncio_detailed(
    session_id: str,
    item_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorBody | SuccessActionItemDeletedOut]:
    """ Delete an action item

    Args:
        session_id (str):
        item_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessActionItemDeletedOut]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
item_id=item_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    session_id: str,
    item_id: str,
    *,
    client: AuthenticatedClient,

) -> ErrorBody | SuccessActionItemDeletedOut | None:
    """ Delete an action item

    Args:
        session_id (str):
        item_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessActionItemDeletedOut
     """


    return (await asyncio_detailed(
        session_id=session_id,
item_id=item_id,
client=client,

    )).parsed
