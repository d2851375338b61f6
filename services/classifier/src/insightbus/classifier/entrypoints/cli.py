"""``insightbus classifier ...``: train and evaluate ticket category models on your own data."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    classifier = commands.add_parser("classifier", help="the ticket classifier's commands")
    sub = classifier.add_subparsers(dest="classifier_command", required=True)
    for name, helptext in (
        ("train", "train a category model on a labelled CSV"),
        ("evaluate", "score a category model on a labelled CSV it was not trained on"),
    ):
        command = sub.add_parser(name, help=helptext)
        command.add_argument("--data", type=Path, required=True, help="CSV with a header row")
        command.add_argument("--text-column", required=True, help="the column with the ticket text")
        command.add_argument("--label-column", required=True, help="the column with its category")
        if name == "train":
            command.add_argument("--out", type=Path, required=True, help="folder for the model")
            command.add_argument(
                "--without-encoder",
                action="store_true",
                help="TF-IDF only: about ten times faster per ticket, a point or two less accurate",
            )
            command.set_defaults(run=_train)
        else:
            command.add_argument(
                "--model", type=Path, required=True, help="folder of a trained model"
            )
            command.set_defaults(run=_evaluate)


def _fail(command: str, exc: Exception) -> int:
    print(f"insightbus classifier {command}: {exc}", file=sys.stderr)
    return 2


def _train(args: argparse.Namespace) -> int:
    from insightbus.classifier.domain.labelled_data import read_labelled

    try:
        texts, labels = read_labelled(args.data, args.text_column, args.label_column)
        # After the data is read: a bad file is told at once, without importing scikit-learn.
        from insightbus.classifier.domain.category_model import CategoryModel

        started = time.perf_counter()
        model = CategoryModel.train(
            texts, labels, encoder=None if args.without_encoder else "shipped"
        )
        seconds = time.perf_counter() - started
        model.save(
            args.out, train_rows=len(texts), training_seconds=round(seconds, 1), data=str(args.data)
        )
    except (OSError, ValueError) as exc:
        return _fail("train", exc)
    json.dump(
        {
            "model": str(args.out),
            "kind": model.name,
            "labels": len(model.labels),
            "n": len(texts),
            "training_seconds": round(seconds, 1),
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    # Imported here: scikit-learn takes seconds to import, and every `insightbus` command
    # (--help, up, topology) builds this parser.
    from sklearn.metrics import accuracy_score, f1_score

    from insightbus.classifier.domain.category_model import CategoryModel
    from insightbus.classifier.domain.labelled_data import read_labelled

    try:
        model = CategoryModel.load(args.model)
        texts, labels = read_labelled(args.data, args.text_column, args.label_column)
    except (OSError, ValueError) as exc:
        return _fail("evaluate", exc)
    started = time.perf_counter()
    predicted = [p.label for p in model.predict(texts)]
    elapsed = time.perf_counter() - started
    scores = {
        "model": model.name,
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
        "n": len(texts),
        "ms_per_ticket": round(elapsed * 1000 / len(texts), 4),
        "unknown_labels": sorted(set(labels) - set(model.labels)),
    }
    json.dump(scores, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
