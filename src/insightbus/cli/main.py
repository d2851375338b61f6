"""The ``insightbus`` command: run the embedded stack, and each service's own commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from insightbus.common.settings import Settings


def _port(value: str) -> int:
    port = int(value)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError("port must be between 1 and 65535")
    return port


def build_parser() -> argparse.ArgumentParser:
    from insightbus.analysis.entrypoints import cli as analysis_cli
    from insightbus.classifier.entrypoints import cli as classifier_cli

    parser = argparse.ArgumentParser(
        prog="insightbus", description="insightbus: session insights over an event bus."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run every service in one process (embedded mode)")
    up.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    up.add_argument("--port", type=_port, help="port to listen on (default 8000)")
    up.add_argument("--data-dir", type=Path, help="where data is kept (default ./var)")
    up.set_defaults(run=_up)

    from insightbus.cli.serve import SERVICES

    serve = commands.add_parser(
        "serve",
        help="run one service alone (the distributed mode: set INSIGHTBUS_BUS=kafka, "
        "INSIGHTBUS_STORE=mongo and a shared INSIGHTBUS_JWT_SECRET)",
    )
    serve.add_argument("service", choices=sorted(SERVICES))
    serve.add_argument("--host", help="address to listen on (default INSIGHTBUS_HOST)")
    serve.add_argument("--port", type=_port, help="port to listen on (default INSIGHTBUS_PORT)")
    serve.set_defaults(run=_serve)

    schemas = commands.add_parser("schemas", help="print the JSON schema of every event")
    schemas.add_argument(
        "--release",
        type=Path,
        metavar="DIR",
        help="instead, write the schema of each version not yet released into DIR "
        "(libs/common/schemas/released); a released one is never rewritten",
    )
    schemas.set_defaults(run=_schemas)

    asyncapi = commands.add_parser(
        "asyncapi", help="print the AsyncAPI 3.0 document of the topics and events"
    )
    asyncapi.set_defaults(run=_asyncapi)

    topology = commands.add_parser(
        "topology", help="print who publishes and who consumes each event type"
    )
    topology.set_defaults(run=_topology)

    analysis_cli.register(commands)
    classifier_cli.register(commands)
    from insightbus.cli import keys, people

    people.register(commands)
    keys.register(commands)
    return parser


def _settings(command: str, **overrides: Any) -> Settings | None:
    """The environment's settings with the command line's ``overrides`` (those given); a
    bad one is reported in one line each, and None returned."""
    try:
        given: dict[str, Any] = {
            key: value for key, value in overrides.items() if value is not None
        }
        return Settings(**given)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            print(f"{command}: INSIGHTBUS_{field.upper()}: {error['msg']}", file=sys.stderr)
        return None


def _up(args: argparse.Namespace) -> int:
    from insightbus.cli.embedded import create_embedded_app
    from insightbus.common.runtime import serve

    settings = _settings("insightbus up", host=args.host, port=args.port, data_dir=args.data_dir)
    if settings is None:
        return 2
    print(f"insightbus: starting, data in {settings.resolved_data_dir}", file=sys.stderr)

    def announce() -> None:  # once the model workers are warm: the first upload is fast
        print(
            f"insightbus: up on http://{settings.host}:{settings.port} (API docs at /docs); "
            "Ctrl-C stops it",
            file=sys.stderr,
        )

    serve(settings, "embedded", lambda s: create_embedded_app(s, on_ready=announce))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from insightbus.cli import serve

    command = f"insightbus serve {args.service}"
    settings = _settings(command, host=args.host, port=args.port)
    if settings is None:
        return 2
    if (why := serve.refusal(args.service, settings)) is not None:
        print(f"{command}: {why}", file=sys.stderr)
        return 2
    serve.run(args.service, settings)
    return 0


def _schemas(args: argparse.Namespace) -> int:
    import json

    from insightbus.common.events import json_schemas

    if args.release is not None:
        from insightbus.common.events.releases import release_new

        for path in release_new(args.release):
            print(f"released {path}", file=sys.stderr)
        return 0
    json.dump(json_schemas(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def _asyncapi(_: argparse.Namespace) -> int:
    import json

    from insightbus.common.events.asyncapi import document

    json.dump(document(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def _topology(_: argparse.Namespace) -> int:
    from insightbus.cli.topology import render, service_topologies

    print(render(service_topologies()))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
