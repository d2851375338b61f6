from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.list_deliveries_status_type_0 import ListDeliveriesStatusType0
from ...models.success_delivery_page import SuccessDeliveryPage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    webhook_id: str,
    *,
    status: ListDeliveriesStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListDeliveriesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    params["offset"] = offset


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhooks/{webhook_id}/deliveries".format(webhook_id=quote(str(webhook_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessDeliveryPage | None:
    if response.status_code == 200:
        response_200 = SuccessDeliveryPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessDeliveryPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    status: ListDeliveriesStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Response[ErrorBody | SuccessDeliveryPage]:
    """ The endpoint's deliveries, newest first

    Args:
        webhook_id (str):
        status (ListDeliveriesStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessDeliveryPage]
     """


    kwargs = _get_kwargs(
        webhook_id=webhook_id,
status=status,
limit=limit,
offset=offset,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    status: ListDeliveriesStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> ErrorBody | SuccessDeliveryPage | None:
    """ The endpoint's deliveries, newest first

    Args:
        webhook_id (str):
        status (ListDeliveriesStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessDeliveryPage
     """


    return sync_detailed(
        webhook_id=webhook_id,
client=client,
status=status,
limit=limit,
offset=offset,

    ).parsed

async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    status: ListDeliveriesStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Response[ErrorBody | SuccessDeliveryPage]:
    """ The endpoint's deliveries, newest first

    Args:
        webhook_id (str):
        status (ListDeliveriesStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessDeliveryPage]
     """


    kwargs = _get_kwargs(
        webhook_id=webhook_id,
status=status,
limit=limit,
offset=offset,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    status: ListDeliveriesStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> ErrorBody | SuccessDeliveryPage | None:
    """ The endpoint's deliveries, newest first

    Args:
        webhook_id (str):
        status (ListDeliveriesStatusType0 | None | Unset):
        limit (int | Unset): page size Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessDeliveryPage
     """


    return (await asyncio_detailed(
        webhook_id=webhook_id,
client=client,
status=status,
limit=limit,
offset=offset,

    )).parsed
