"""Request and response bodies of the auth routes."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from insightbus.gateway.app.auth import TokenPair

# Deliberately loose (one @, a dot in the domain, no spaces): the only real check of an
# address is a mail that arrives, and strict regexes reject valid ones.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+$")


def _normalized_email(value: str) -> str:
    value = value.strip().lower()  # emails are unique case-insensitively
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


Email = Annotated[str, AfterValidator(_normalized_email)]


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: str = Field(min_length=8, max_length=128)
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: str = Field(min_length=1, max_length=128)


class UserOut(BaseModel):
    id: str
    email: str
    name: str


class RegisteredOut(BaseModel):
    user: UserOut


class TokenPairOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme, not a secret)
    expires_in: int = Field(description="seconds until the access token expires")


def token_pair(pair: TokenPair) -> dict[str, object]:
    """The answer of every route that logs a user in (a password, a refresh, a provider)."""
    return TokenPairOut(**asdict(pair)).model_dump()
