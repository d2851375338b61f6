"""``insightbus serve <service>``: one service alone in its process (the distributed mode).

The same process as ``python -m insightbus.<service>.main``: the service's bootstrap on the
adapters the ``INSIGHTBUS_*`` settings pick, with ``/livez``, ``/readyz`` and ``/metrics``.
It is what the image's containers run (``docker-compose.yml``, ``deploy/k8s/``).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from insightbus.common.settings import BusKind, Settings

AppFactory = Callable[[Settings], FastAPI]


def _gateway() -> AppFactory:
    from insightbus.gateway.bootstrap import create_app

    return create_app


def _analysis() -> AppFactory:
    from insightbus.analysis.bootstrap import create_app

    return create_app


def _classifier() -> AppFactory:
    from insightbus.classifier.bootstrap import create_app

    return create_app


def _notifier() -> AppFactory:
    from insightbus.notifier.bootstrap import create_app

    return create_app


#: Imported only when chosen: the model services' imports (scikit-learn, onnxruntime) take
#: seconds that ``serve gateway`` need not pay.
SERVICES: dict[str, Callable[[], AppFactory]] = {
    "gateway": _gateway,
    "analysis": _analysis,
    "classifier": _classifier,
    "notifier": _notifier,
}

#: The services that verify access tokens.
_VERIFY_TOKENS = frozenset({"gateway", "notifier"})


def refusal(service: str, settings: Settings) -> str | None:
    """Why these settings cannot run ``service`` apart, or None.

    Without a shared secret each process would generate one of its own into its data dir:
    the notifier would then reject every token the gateway issued, and a restarted pod
    would reject its own, a failure that shows up only at the first socket."""
    if (
        service in _VERIFY_TOKENS
        and settings.bus is BusKind.kafka
        and settings.jwt_secret is None
        and settings.jwt_keys_file is None
    ):
        return (
            "INSIGHTBUS_JWT_SECRET: must be set (or INSIGHTBUS_JWT_KEYS_FILE, a key ring) "
            "when the services run apart (INSIGHTBUS_BUS=kafka): every gateway and notifier "
            "must verify the same tokens"
        )
    return None


def run(service: str, settings: Settings) -> None:
    from insightbus.common.runtime import serve

    serve(settings, service, SERVICES[service]())
