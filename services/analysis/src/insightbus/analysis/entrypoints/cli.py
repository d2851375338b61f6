"""``insightbus analysis ...``: commands of the analysis service."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analysis = commands.add_parser("analysis", help="the analysis service's commands")
    sub = analysis.add_subparsers(dest="analysis_command", required=True)
    evaluate = sub.add_parser(
        "evaluate", help="score the emotion model on a labelled CSV (columns text, labels)"
    )
    evaluate.add_argument("--data", type=Path, required=True, help="CSV: text, labels (a|b)")
    evaluate.add_argument("--model", type=Path, help="model artifact (default: the shipped one)")
    evaluate.add_argument("--per-label", action="store_true", help="include per-label F1")
    evaluate.set_defaults(run=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    if not args.data.is_file():  # told at once, before seconds of loading the model
        print(f"insightbus analysis evaluate: no such file: {args.data}", file=sys.stderr)
        return 2
    from insightbus.analysis.domain.emotions import EmotionModel
    from insightbus.analysis.domain.evaluation import evaluate, load_labelled_csv

    try:
        model = EmotionModel.load(args.model)
        texts, gold = load_labelled_csv(args.data, model.labels)
    except (OSError, ValueError) as exc:
        print(f"insightbus analysis evaluate: {exc}", file=sys.stderr)
        return 2
    scores = {"model": model.name, **evaluate(model, texts, gold)}
    if not args.per_label:
        scores.pop("per_label_f1")
    json.dump(scores, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="insightbus")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
