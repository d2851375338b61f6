"""The API's models, generated from its OpenAPI document (``_generated``; do not edit)."""

from insightbus_client._generated.models import *  # noqa: F403
from insightbus_client._generated.models import __all__ as __all__
