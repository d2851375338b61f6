"""Convert a GoEmotions tsv (label ids) into the evaluate command's CSV (label names).

python services/analysis/scripts/goemotions_to_csv.py dev.tsv labels.txt > dev.csv
"""

import csv
import sys
from pathlib import Path


def main() -> None:
    tsv, labels_file = Path(sys.argv[1]), Path(sys.argv[2])
    labels = labels_file.read_text().split()
    out = csv.writer(sys.stdout)
    out.writerow(["text", "labels"])
    for line in tsv.read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        out.writerow([text, "|".join(labels[int(i)] for i in ids.split(","))])


if __name__ == "__main__":
    main()
