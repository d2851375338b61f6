"""A transformer text model exported to ONNX, run with onnxruntime (no torch at run time).

The analysis's fine-tuned emotion encoder and the classifier's sentence encoder are both
such graphs: token ids and an attention mask in, one row per text out (pooling and any
head are inside the graph). Their weights are int8 (dynamic quantization), so one core
encodes a short text in about a millisecond when texts come in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from tokenizers import Tokenizer

MAX_TOKENS = 128  # as in training; tickets, comments and clauses are short
BATCH = 16  # texts sorted by length, then 16 at a time: least padding, as fast as larger


class OnnxTextModel:
    def __init__(self, model: Path, tokenizer: Path, output: str, threads: int = 1) -> None:
        options = ort.SessionOptions()
        # One thread by default: services run one worker process per core, each its own model.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Denormal floats flushed to zero: a fifth of the run time on this kind of CPU
        # (bench/RESULTS.md), no change to the scores at four decimals.
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._output = output
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()

    def run(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """One output row per text. Texts are batched by length, so that a batch pads little."""
        encoded = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        out: NDArray[np.float64] | None = None
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            width = max(len(encoded[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            (rows,) = self._session.run([self._output], {"input_ids": ids, "attention_mask": mask})
            if out is None:
                out = np.zeros((len(texts), rows.shape[1]), dtype=np.float64)
            out[batch] = rows
        return out if out is not None else np.zeros((0, 0))
