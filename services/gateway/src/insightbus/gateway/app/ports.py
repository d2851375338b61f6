"""What the gateway's use cases need from the outside, declared on their side."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from insightbus.gateway.domain.oidc import ExternalIdentity
from insightbus.gateway.domain.rate_limit import Decision


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, hashed: str | None, password: str) -> bool:
        """False for a wrong password, and always False (after the same work) for None."""
        ...

    def needs_rehash(self, hashed: str) -> bool: ...


#: The wording of demo tickets (customer requests), read when first needed.
TicketRequests = Callable[[], Sequence[str]]


class RateLimiter(Protocol):
    """Counts a client's requests in its current window and says whether one may pass."""

    async def hit(self, key: str) -> Decision: ...


class IdentityProviders(Protocol):
    """OpenID Connect providers, by name: what a login asks of them."""

    def names(self) -> frozenset[str]: ...

    async def authorization_url(self, provider: str, params: dict[str, str]) -> str:
        """The provider's authorization endpoint with our client id and scopes, and
        ``params``, in its query."""
        ...

    async def redeem(
        self, provider: str, *, code: str, verifier: str, redirect_uri: str, nonce: str
    ) -> ExternalIdentity:
        """Exchange the code (with its PKCE verifier) for an ID token, and verify that:
        signature by the provider's keys, issuer, audience, expiry, nonce."""
        ...
