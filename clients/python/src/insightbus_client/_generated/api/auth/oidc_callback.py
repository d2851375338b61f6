from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.success_token_pair_out import SuccessTokenPairOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    provider: str,
    *,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
    insightbus_oidc_state: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    cookies = {}
    if insightbus_oidc_state is not UNSET:
        cookies["insightbus_oidc_state"] = insightbus_oidc_state



    params: dict[str, Any] = {}

    json_code: None | str | Unset
    if isinstance(code, Unset):
        json_code = UNSET
    else:
        json_code = code
    params["code"] = json_code

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    else:
        json_state = state
    params["state"] = json_state

    json_error: None | str | Unset
    if isinstance(error, Unset):
        json_error = UNSET
    else:
        json_error = error
    params["error"] = json_error


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/oidc/{provider}/callback".format(provider=quote(str(provider), safe=""),),
        "params": params,
        "cookies": cookies,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SuccessTokenPairOut | None:
    if response.status_code == 200:
        response_200 = SuccessTokenPairOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | SuccessTokenPairOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
    insightbus_oidc_state: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessTokenPairOut]:
    """ Where the provider sends the browser back: the platform's token pair

    Args:
        provider (str):
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):
        insightbus_oidc_state (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessTokenPairOut]
     """


    kwargs = _get_kwargs(
        provider=provider,
code=code,
state=state,
error=error,
insightbus_oidc_state=insightbus_oidc_state,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
    insightbus_oidc_state: None | str | Unset = UNSET,

) -> ErrorBody | SuccessTokenPairOut | None:
    """ Where the provider sends the browser back: the platform's token pair

    Args:
        provider (str):
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):
        insightbus_oidc_state (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessTokenPairOut
     """


    return sync_detailed(
        provider=provider,
client=client,
code=code,
state=state,
error=error,
insightbus_oidc_state=insightbus_oidc_state,

    ).parsed

async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
    insightbus_oidc_state: None | str | Unset = UNSET,

) -> Response[ErrorBody | SuccessTokenPairOut]:
    """ Where the provider sends the browser back: the platform's token pair

    Args:
        provider (str):
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):
        insightbus_oidc_state (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SuccessTokenPairOut]
     """


    kwargs = _get_kwargs(
        provider=provider,
code=code,
state=state,
error=error,
insightbus_oidc_state=insightbus_oidc_state,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
    insightbus_oidc_state: None | str | Unset = UNSET,

) -> ErrorBody | SuccessTokenPairOut | None:
    """ Where the provider sends the browser back: the platform's token pair

    Args:
        provider (str):
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):
        insightbus_oidc_state (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SuccessTokenPairOut
     """


    return (await asyncio_detailed(
        provider=provider,
client=client,
code=code,
state=state,
error=error,
insightbus_oidc_state=insightbus_oidc_state,

    )).parsed
