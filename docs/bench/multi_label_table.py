"""Writes a multi-label table for `jgrad train --task multilabel --label-column l0,l1,l2,l3,l4` and
`torch_multilabel.py --labels 5`: scikit-learn's make_multilabel_classification (documents of 20 word counts drawn from
--labels topics, 2 topics a document on average (--mean-labels), topic i's presence in label li), a header
f0..f19,l0..; the first --train rows to OUT/train.csv, the rest to OUT/test.csv (multi_target_table.write_parts).

Run: /usr/bin/python3 docs/bench/multi_label_table.py OUT_DIR [--rows 250000] [--train 200000] [--labels 5]
         [--mean-labels 2] [--seed 0]
"""
import argparse

import numpy as np
from sklearn.datasets import make_multilabel_classification

from multi_target_table import write_parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=250000)
    ap.add_argument("--train", type=int, default=200000)
    ap.add_argument("--labels", type=int, default=5)
    ap.add_argument("--mean-labels", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    x, y = make_multilabel_classification(n_samples=args.rows, n_features=20, n_classes=args.labels,
                                          n_labels=args.mean_labels, random_state=args.seed)
    write_parts(args.out, np.column_stack([x, y]),
                [f"f{i}" for i in range(20)] + [f"l{i}" for i in range(args.labels)], args.train)


if __name__ == "__main__":
    main()
