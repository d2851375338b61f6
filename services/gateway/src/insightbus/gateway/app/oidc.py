"""Log in with an OpenID Connect provider: Authorization Code with PKCE, state and nonce.

``start`` keeps the login's state, nonce and PKCE verifier in the store (any replica can
finish it; it expires after ``flow_ttl_s``) under the state's digest, and answers where to
send the browser. ``finish`` spends the state once (a replayed callback finds nothing), has the
provider redeem the code and verify the ID token, then logs in the account of that identity:
linked before, or found by the provider's *verified* email, or created. The platform then
issues its own token pair, as for a password login.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from insightbus.common.errors import NotFound
from insightbus.common.retention import expires_after, has_expired
from insightbus.common.store import EXPIRE_AT, Collection, DuplicateKey
from insightbus.gateway.app.auth import Accounts, TokenPair
from insightbus.gateway.app.ports import IdentityProviders
from insightbus.gateway.domain.oidc import EmailNotVerified, ExternalIdentity, FlowRefused

log = logging.getLogger(__name__)

INVALID_STATE = "invalid or expired login state: start the login again"


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class OidcLogins:
    def __init__(
        self,
        flows: Collection,
        identities: Collection,
        accounts: Accounts,
        providers: IdentityProviders,
        *,
        flow_ttl_s: float,
    ) -> None:
        self._flows = flows
        self._identities = identities
        self._accounts = accounts
        self._providers = providers
        self._ttl_s = flow_ttl_s

    def _known(self, provider: str) -> None:
        if provider not in self._providers.names():
            raise NotFound("identity provider")

    async def start(self, provider: str, redirect_uri: str) -> tuple[str, str]:
        """Where to send the browser, and the state (which the browser also keeps, in a
        cookie, so that a callback started in another browser is refused)."""
        self._known(provider)
        state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
        await self._flows.insert(
            {
                "id": _digest(state),
                "provider": provider,
                "nonce": nonce,
                "verifier": verifier,
                "redirect_uri": redirect_uri,
                EXPIRE_AT: expires_after(self._ttl_s),
            }
        )
        url = await self._providers.authorization_url(
            provider,
            {
                "response_type": "code",
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": nonce,
                "code_challenge": create_s256_code_challenge(verifier),
                "code_challenge_method": "S256",
            },
        )
        return url, state

    async def finish(
        self, provider: str, *, state: str, code: str, browser_state: str | None
    ) -> TokenPair:
        self._known(provider)
        if browser_state is None or not hmac.compare_digest(browser_state, state):
            raise FlowRefused("this login was not started in this browser: start it again")
        flow = await self._flows.get(_digest(state))
        # Spent by whoever deletes it: of two callbacks with one state, one goes on.
        if flow is None or not await self._flows.delete({"id": flow["id"]}):
            raise FlowRefused(INVALID_STATE)
        if flow["provider"] != provider or has_expired(flow):
            raise FlowRefused(INVALID_STATE)
        identity = await self._providers.redeem(
            provider,
            code=code,
            verifier=flow["verifier"],
            redirect_uri=flow["redirect_uri"],
            nonce=flow["nonce"],
        )
        user_id = await self._user_of(provider, identity)
        return await self._accounts.issue(user_id)

    async def _user_of(self, provider: str, identity: ExternalIdentity) -> str:
        key = f"{provider}:{identity.subject}"
        linked = await self._identities.get(key)
        if linked is not None:
            return str(linked["user_id"])
        # A first login: the account of that email, or a new one; only a verified email
        # may claim an account (else anyone could register someone's address there).
        if identity.email is None or not identity.email_verified:
            raise EmailNotVerified
        user_id = await self._accounts.account_of_email(
            identity.email, identity.name or identity.email.split("@")[0], provider=provider
        )
        try:
            await self._identities.insert(
                {"id": key, "user_id": user_id, "provider": provider, "email": identity.email}
            )
        except DuplicateKey:  # the same first login twice at once: the first one links
            linked = await self._identities.get(key)
            if linked is not None:
                return str(linked["user_id"])
            raise
        return user_id
