"""The gateway's GraphQL entrypoint (Strawberry) at ``/graphql``: another way in to the same
use cases as the REST routes. ``python -m insightbus.gateway.entrypoints.graphql`` prints
the schema (``make graphql-schema`` writes ``libs/common/schemas/schema.graphql``)."""
