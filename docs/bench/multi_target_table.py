"""Writes a regression table of three targets in units a thousand times apart, for `jgrad train --task regression
--label-column y1,y2,y3` and `torch_regression.py --targets 3`: 20 features drawn from U(0, 1) (11 of them noise) and
scikit-learn's three Friedman functions of their own features, each with its own noise: y1 = Friedman #1 of x0..x4
(noise 1), y2 = Friedman #2 and y3 = Friedman #3 of x5..x8 mapped to their ranges (a = 100·x5, b = 40π + 520π·x6,
c = x7, d = 1 + 10·x8; noise 50 and 0.1). Written with numpy's savetxt (%.6g), a header x0..x19,y1,y2,y3; the first
--train rows to TRAIN.csv, the rest to TEST.csv.

Run: /usr/bin/python3 docs/bench/multi_target_table.py OUT_DIR [--rows 250000] [--train 200000] [--seed 0]
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=250000)
    ap.add_argument("--train", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    x = rng.uniform(size=(args.rows, 20))
    y1 = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
          + rng.normal(0, 1, args.rows))
    a, b, c, d = 100 * x[:, 5], 40 * np.pi + 520 * np.pi * x[:, 6], x[:, 7], 1 + 10 * x[:, 8]
    inner = b * c - 1 / (b * d)
    y2 = np.sqrt(a ** 2 + inner ** 2) + rng.normal(0, 50, args.rows)
    y3 = np.arctan(inner / a) + rng.normal(0, 0.1, args.rows)
    write_parts(args.out, np.column_stack([x, y1, y2, y3]), [f"x{i}" for i in range(20)] + ["y1", "y2", "y3"],
                args.train)


def write_parts(out, table, columns, train):
    """OUT/train.csv (the first `train` rows) and OUT/test.csv (the rest), %.6g under a header of `columns`."""
    os.makedirs(out, exist_ok=True)
    for name, part in (("train", table[:train]), ("test", table[train:])):
        np.savetxt(os.path.join(out, name + ".csv"), part, fmt="%.6g", delimiter=",", header=",".join(columns),
                   comments="")


if __name__ == "__main__":
    main()
