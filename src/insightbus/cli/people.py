"""``insightbus analyse`` and ``insightbus tickets classify``: the platform for people, through
the SDK (``insightbus_client``), with a progress bar and tables (rich). Every failure is one
line on stderr and exit status 1: a bad file, wrong credentials, a server that is down."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from insightbus_client import AsyncClient, InsightbusError, classified_csv
from insightbus_client.models import TicketJobDetailOut
from insightbus_client.tickets import embedded_signature

DEFAULT_SERVER = "http://127.0.0.1:8000"


class Refused(Exception):
    """A problem on our side of the call (a missing credential, an unreadable file)."""


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--server",
        default=os.environ.get("INSIGHTBUS_SERVER", DEFAULT_SERVER),
        help=f"the gateway's URL (INSIGHTBUS_SERVER; default {DEFAULT_SERVER})",
    )
    command.add_argument(
        "--email", default=os.environ.get("INSIGHTBUS_EMAIL"), help="or INSIGHTBUS_EMAIL"
    )
    command.add_argument(
        "--password", default=os.environ.get("INSIGHTBUS_PASSWORD"), help="or INSIGHTBUS_PASSWORD"
    )
    command.add_argument(
        "--api-key",
        default=os.environ.get("INSIGHTBUS_API_KEY"),
        help="an API key instead of email and password (INSIGHTBUS_API_KEY)",
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analyse = commands.add_parser(
        "analyse",
        help="upload a file for analysis, follow it, and show its emotions, topics and insights",
    )
    analyse.add_argument("file", type=Path, help=".txt, .md, .json transcript, .vtt or .srt")
    analyse.add_argument("--title", help="the session's title (default: the file's name)")
    _common(analyse)
    analyse.set_defaults(run=lambda args: _run("insightbus analyse", _analyse(args)))

    tickets = commands.add_parser("tickets", help="ticket files")
    sub = tickets.add_subparsers(dest="tickets_command", required=True)
    classify = sub.add_parser(
        "classify", help="sign and upload a ticket CSV, follow the job, write the classified CSV"
    )
    classify.add_argument("file", type=Path, help="a ticket CSV (issue_key, summary, description)")
    classify.add_argument(
        "-o", "--output", type=Path, help="where to write it (default: FILE.classified.csv)"
    )
    classify.add_argument(
        "--signing-secret",
        default=os.environ.get("INSIGHTBUS_SIGNING_SECRET"),
        help="your signing secret (INSIGHTBUS_SIGNING_SECRET); without one, a file from "
        "/api/csv/generate goes with its own signature, any other is signed with a new "
        "secret (created for you; the previous one keeps working for 24 h)",
    )
    _common(classify)
    classify.set_defaults(run=lambda args: _run("insightbus tickets classify", _classify(args)))


def _run(command: str, work: Awaitable[int]) -> int:
    try:
        return asyncio.run(_guarded(work))
    except (InsightbusError, Refused) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130


async def _guarded(work: Awaitable[int]) -> int:
    return await work


async def _client(args: argparse.Namespace) -> AsyncClient:
    client = AsyncClient(args.server, api_key=args.api_key)
    if args.api_key:
        return client
    if not args.email or not args.password:
        await client.aclose()
        raise Refused(
            "give --email and --password (or INSIGHTBUS_EMAIL and INSIGHTBUS_PASSWORD), "
            "or an API key (--api-key, INSIGHTBUS_API_KEY)"
        )
    try:
        await client.login(args.email, args.password)
    except BaseException:
        await client.aclose()
        raise
    return client


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror or exc}") from None


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


async def _analyse(args: argparse.Namespace) -> int:
    data = _read(args.file)
    out, err = Console(), Console(stderr=True)
    async with await _client(args) as client:
        session = await client.create_session(args.title or args.file.name)
        accepted = await client.upload(session.id, data, filename=args.file.name)
        with _progress(err) as progress:
            task = progress.add_task("uploaded", total=100)
            await _follow(client, session.id, accepted.content_id, progress, task)
        emotions = [e async for e in client.emotions(session.id)]
        topics = [t async for t in client.topics(session.id)]
        insights = [i async for i in client.insights(session.id)]

    table = Table(title="Emotions over time")
    for column in ("at", "emotion", "intensity", "excerpt"):
        table.add_column(column, overflow="fold")
    emotions.sort(key=lambda e: (e.segment, e.timestamp or 0.0, -e.intensity))
    for e in emotions:
        at = f"{e.timestamp:.0f} s" if e.timestamp is not None else f"#{e.segment + 1}"
        table.add_row(at, e.name, f"{e.intensity:.2f}", e.excerpt)
    out.print(table)
    table = Table(title="Topics")
    for column in ("topic", "score", "keywords"):
        table.add_column(column, overflow="fold")
    for t in topics:
        table.add_row(t.label, f"{t.score:.2f}", ", ".join(t.keywords))
    out.print(table)
    table = Table(title="Insights")
    for column in ("insight", "confidence", "why"):
        table.add_column(column, overflow="fold")
    for i in insights:
        table.add_row(i.title, f"{i.confidence:.2f}", i.description)
    out.print(table)
    return 0


async def _follow(
    client: AsyncClient, session_id: str, content_id: str, progress: Progress, task: TaskID
) -> None:
    """Live events with a token; an API key (no socket) polls the status instead."""
    if client.tokens.access_token is not None:
        async for message in client.follow_analysis(session_id, content_id):
            data = message.get("data") or {}
            if message["type"] == "analysis_progress":
                progress.update(task, completed=data["progress"], description=data["stage"])
            elif message["type"] == "analysis_complete":
                progress.update(task, completed=100, description="complete")
        return
    while True:
        status = await client.analysis_status(session_id)
        progress.update(task, completed=status.progress, description=status.stage or "pending")
        if str(status.status) == "failed":
            raise InsightbusError(f"the analysis failed: {status.error}")
        if str(status.status) == "completed":
            progress.update(task, completed=100, description="complete")
            return
        await asyncio.sleep(0.25)


async def _classify(args: argparse.Namespace) -> int:
    raw = _read(args.file)
    output: Path = args.output or args.file.with_suffix(".classified.csv")
    out, err = Console(), Console(stderr=True)
    async with await _client(args) as client:
        secret = args.signing_secret
        if secret is None and embedded_signature(raw) is None:
            if client.tokens.access_token is None:
                raise Refused("an API key cannot create a signing secret: give --signing-secret")
            secret = (await client.rotate_signing_secret()).signing_secret
            err.print("created a new signing secret (the previous one keeps working for 24 h)")
        accepted = await client.upload_tickets(raw, signing_secret=secret, file_name=args.file.name)
        with _progress(err) as progress:
            task = progress.add_task("classifying", total=accepted.total_tickets or 1)
            job = await client.wait_for_ticket_job(
                accepted.session_id, on_progress=_ticket_progress(progress, task)
            )
    ended = job.to_dict()
    if ended["status"] != "completed":
        reason = ended.get("error_message") or "no reason given"
        raise InsightbusError(f"the job failed: {reason}")
    try:
        await asyncio.to_thread(output.write_bytes, classified_csv(job))
    except OSError as exc:
        raise Refused(f"cannot write {output}: {exc.strerror or exc}") from None
    counts = (ended.get("results") or {}).get("counts_by_priority", {})
    classified, unclassified = ended.get("tickets") or [], ended.get("unclassified") or []
    table = Table(title=f"{len(classified)} classified, {len(unclassified)} not")
    table.add_column("priority")
    table.add_column("tickets")
    for priority, n in counts.items():
        table.add_row(priority, str(n))
    out.print(table)
    out.print(f"wrote {output}")
    return 0


def _ticket_progress(progress: Progress, task: TaskID) -> Callable[[TicketJobDetailOut], None]:
    def update(typed: TicketJobDetailOut) -> None:
        job = typed.to_dict()
        done = (job.get("progress") or {}).get("processed")
        if job["status"] == "completed":
            progress.update(task, completed=progress.tasks[0].total, description="classified")
        elif done is not None:
            progress.update(task, completed=done, description=job["status"])

    return update
