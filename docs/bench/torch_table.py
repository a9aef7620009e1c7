"""PyTorch CPU reference for `jgrad train --dataset csv`: a CSV table of numbers with a header and the integer class
in its last column, read with numpy, a fifth of its rows held out for testing, each feature standardised with the
training part's mean and std, then the recipe of torch_recipe.py (the same MLP, 512-256 with dropout 0.2, batch 128,
AdamW, warmup + cosine, label smoothing 0.1). One JSON line per epoch, then a summary whose samples_per_sec is the
mean over epochs (as `jgrad train`'s).

With --test-table the test part is that file instead; with --impute mean|median|most_frequent, missing cells (empty)
are filled by scikit-learn's SimpleImputer fitted on the training part, before the standardisation.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_table.py \
         --table FILE.csv [--test-table TEST.csv] [--impute median] [--epochs 3] [--threads 2]
"""
import numpy as np
import torch
from torch import nn

from torch_recipe import arguments, fit


def options(ap):
    ap.add_argument("--table", required=True)
    ap.add_argument("--test-table")
    ap.add_argument("--impute", choices=["mean", "median", "most_frequent"])


def read(path):
    table = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)  # an empty cell is NaN
    return table[:, :-1].astype(np.float32), table[:, -1].astype(np.int64)


def main():
    args = arguments(options)
    x, y = read(args.table)
    if args.test_table:
        x_test, y_test = read(args.test_table)
        train, test = np.arange(len(y)), np.arange(len(y), len(y) + len(y_test))
        x, y = np.concatenate([x, x_test]), np.concatenate([y, y_test])
    else:
        order = np.random.default_rng(0).permutation(len(y))
        held = round(0.2 * len(y))
        test, train = order[:held], order[held:]
    if args.impute:
        from sklearn.impute import SimpleImputer
        imputer = SimpleImputer(strategy=args.impute).fit(x[train])
        x = imputer.transform(x).astype(np.float32)
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    std[std == 0] = 1
    x = (x - mean) / std
    classes = int(y.max()) + 1
    model = nn.Sequential(nn.Linear(x.shape[1], 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                          nn.Dropout(0.2), nn.Linear(256, classes))
    fit(model, "table", args, torch.from_numpy(x[train]), torch.from_numpy(y[train]), torch.from_numpy(x[test]),
        torch.from_numpy(y[test]))


if __name__ == "__main__":
    main()
