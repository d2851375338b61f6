"""Where the CPU-heavy analysis steps run.

The model's featurization and the topic scoring are pure Python and NumPy work that
holds the GIL; run on a thread they would take turns with the event loop that serves
HTTP, WebSockets and the bus. A small process pool puts them on another core. Each worker
loads the model once. ``workers=0`` runs them on a thread instead (tests, tiny machines).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from insightbus.analysis.domain import (
    ActionItemSuggestion,
    Block,
    Emotion,
    EmotionModel,
    Insight,
    Segment,
    Topic,
    derive_insights,
    detect_emotions,
    extract_topics,
    segment_blocks,
    suggest_action_items,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

_model_path: Path | None = None


def _init_worker(model_path: Path | None) -> None:
    global _model_path
    _model_path = model_path
    model = EmotionModel.load(model_path)
    _ = model.word_idf  # computed once here rather than on the first upload


def _model() -> EmotionModel:
    return EmotionModel.load(_model_path)


# The steps: top-level functions, so that a process pool can pickle them by name.


def segments_of(blocks: Sequence[Block]) -> list[Segment]:
    return segment_blocks(blocks)


def emotions_of(segments: Sequence[Segment]) -> list[Emotion]:
    return detect_emotions(_model(), segments)


def topics_of(segments: Sequence[Segment]) -> list[Topic]:
    return extract_topics(segments, 8, _model().word_idf)


def insights_and_actions_of(
    segments: Sequence[Segment], emotions: Sequence[Emotion], topics: Sequence[Topic]
) -> tuple[list[Insight], list[ActionItemSuggestion]]:
    return derive_insights(segments, emotions, topics), suggest_action_items(segments)


class Compute:
    def __init__(self, workers: int = 1, model_path: Path | None = None) -> None:
        self._workers = workers
        self._model_path = model_path
        self._pool: Executor | None = None
        self._warming: asyncio.Future[list[bool]] | None = None

    async def start(self) -> None:
        if self._workers > 0:
            # spawn, not fork: forking a process that runs an event loop and threads
            # can copy held locks into the child.
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self._model_path,),
            )
            # Start the workers and load the model now, not on the first upload, but in
            # the background: the process serves requests meanwhile (importing scikit-learn
            # and loading the model take several seconds per worker), and an upload that
            # comes first waits in the pool's queue.
            self._warming = asyncio.gather(*(self.run(_ready) for _ in range(self._workers)))
            self._warming.add_done_callback(_log_failure)
        else:
            await asyncio.to_thread(_init_worker, self._model_path)

    async def stop(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
            self._warming = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        result: T = await loop.run_in_executor(self._pool, functools.partial(fn, *args))
        return result


def _ready() -> bool:
    return True


def _log_failure(warming: asyncio.Future[list[bool]]) -> None:
    if not warming.cancelled() and (exc := warming.exception()) is not None:
        log.error("the analysis workers could not start: %s", exc)
