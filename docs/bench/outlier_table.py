"""Writes scikit-learn's Friedman #1 regression table with gross errors in part of its training targets, for `jgrad
train --task regression --loss mse|l1|huber` and `torch_regression.py --loss …`: make_friedman1(n_samples=--rows,
n_features=20, noise=1, random_state=--seed), the first --train rows to TRAIN.csv with --outliers of them (picked by
numpy's default_rng(--seed)) given a target --shift higher plus U(0, --shift) (a sensor's stuck reading, a typo'd
digit), the rest, untouched, to TEST.csv. numpy's savetxt (%.6g), a header x0..x19,y.

Run: /usr/bin/python3 docs/bench/outlier_table.py OUT_DIR [--rows 250000] [--train 200000] [--outliers 0.05]
         [--shift 50] [--seed 0]
"""
import argparse

import numpy as np
from sklearn.datasets import make_friedman1

from multi_target_table import write_parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=250000)
    ap.add_argument("--train", type=int, default=200000)
    ap.add_argument("--outliers", type=float, default=0.05)
    ap.add_argument("--shift", type=float, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    x, y = make_friedman1(n_samples=args.rows, n_features=20, noise=1.0, random_state=args.seed)
    rng = np.random.default_rng(args.seed)
    wrong = rng.choice(args.train, size=int(args.outliers * args.train), replace=False)
    y = y.copy()
    y[wrong] += args.shift + rng.uniform(0, args.shift, wrong.size)
    write_parts(args.out, np.column_stack([x, y]), [f"x{i}" for i in range(20)] + ["y"], args.train)


if __name__ == "__main__":
    main()
