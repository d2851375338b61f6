from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.list_action_items_status_type_0 import ListActionItemsStatusType0
from ...models.success_action_item_page import SuccessActionItemPage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    session_id: str,
    *,
    status: ListActionItemsStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListActionItemsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    params["offset"] = offset


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/sessions/{session_id}/action-items".format(session_id=quote(str(session_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessActionItemPage | None:
    if response.status_code == 200:
        response_200 = SuccessActionItemPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessActionItemPage]:
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
    status: ListActionItemsStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,

) -> Response[ErrorBody | SuccessActionItemPage]:
    """ A session's action items

    Args:
        session_id (str):
        status (ListActionItemsStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 100.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessActionItemPage]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
status=status,
limit=limit,
offset=offset,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    session_id: str,
    *,
    client: AuthenticatedClient,
    status: ListActionItemsStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,

) -> ErrorBody | SuccessActionItemPage | None:
    """ A session's action items

    Args:
        session_id (str):
        status (ListActionItemsStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 100.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessActionItemPage
     """


    return sync_detailed(
        session_id=session_id,
client=client,
status=status,
limit=limit,
offset=offset,

    ).parsed

async def asyncio_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    status: ListActionItemsStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,

) -> Response[ErrorBody | SuccessActionItemPage]:
    """ A session's action items

    Args:
        session_id (str):
        status (ListActionItemsStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 100.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessActionItemPage]
     """


    kwargs = _get_kwargs(
        session_id=session_id,
status=status,
limit=limit,
offset=offset,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    session_id: str,
    *,
    client: AuthenticatedClient,
    status: ListActionItemsStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,

) -> ErrorBody | SuccessActionItemPage | None:
    """ A session's action items

    Args:
        session_id (str):
        status (ListActionItemsStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 100.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessActionItemPage
     """


    return (await asyncio_detailed(
        session_id=session_id,
client=client,
status=status,
limit=limit,
offset=offset,

    )).parsed
