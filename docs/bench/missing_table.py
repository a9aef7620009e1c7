"""A table with missing values, for `train --impute` and its PyTorch anchor (`torch_table.py --impute`).

20 float features N(0, 1) and a class of 5, the argmax of a fixed random linear map of all 20 (every feature carries
part of the class, so a missing one costs accuracy); then each feature cell is left empty with probability --missing,
independently (missing completely at random). Writes DIR/train.csv and DIR/test.csv (--rows and a quarter as many),
and DIR/train-complete.csv, the training rows with no cell missing, as they were before the cells were dropped.

Run: /usr/bin/python3 docs/bench/missing_table.py --out DIR [--rows 200000] [--missing 0.2] [--seed 0]
"""
import argparse
import os

import numpy as np


def write(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"f{i}" for i in range(x.shape[1])) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join("" if np.isnan(v) else f"{v:.5g}" for v in row) + f",{label}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--missing", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    w = rng.normal(size=(20, 5))
    n = args.rows + args.rows // 4
    x = rng.normal(size=(n, 20)).astype(np.float32)
    y = np.argmax(x @ w, axis=1)
    gappy = np.where(rng.random(x.shape) < args.missing, np.nan, x)
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "train.csv"), gappy[:args.rows], y[:args.rows])
    write(os.path.join(args.out, "test.csv"), gappy[args.rows:], y[args.rows:])
    write(os.path.join(args.out, "train-complete.csv"), x[:args.rows], y[:args.rows])
    complete = ~np.isnan(gappy[:args.rows]).any(axis=1)
    print(f"{args.rows} training rows, {complete.sum()} of them complete; {n - args.rows} test rows")


if __name__ == "__main__":
    main()
