"""Print the GraphQL schema (SDL): ``python -m insightbus.gateway.entrypoints.graphql``."""

from __future__ import annotations

import sys

from insightbus.gateway.entrypoints.graphql.schema import SCHEMA


def sdl() -> str:
    return SCHEMA.as_str() + "\n"


if __name__ == "__main__":
    sys.stdout.write(sdl())
