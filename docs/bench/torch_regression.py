"""PyTorch CPU reference for `jgrad train --dataset csv --task regression`: training and test CSV tables of numbers
with a header and the targets in the last --targets columns (default 1), read with numpy, each feature and each target
standardised with the training part's mean and std, then torch_recipe.py's recipe with one output a target and the mean
squared error, or --loss l1 or huber (--huber-delta, in the standardised targets' units), or quantile (the pinball loss
of --quantile, as scikit-learn's mean_pinball_loss; the summary adds its test value and the coverage, the share of
targets at or below the prediction, and scikit-learn's HistGradientBoostingRegressor(loss="quantile") beside them)
(the same MLP, 512-256 with dropout 0.2, AdamW, warmup + cosine; batch --batch). One JSON line per epoch;
the summary gives the test MSE, RMSE, MAE and R² in the targets' units (averaged over the targets as scikit-learn's
uniform average, and each target's own under per_target where there are several), scikit-learn's LinearRegression's R²
on the same parts beside them, and samples_per_sec as the mean over epochs (as `jgrad train`'s). With --importance,
scikit-learn's permutation_importance of the trained model on the test part (R², --repeats shuffles, random_state 0)
follows, one JSON line a column, most important first, and a line with its seconds (`jgrad eval --importance`'s
anchor).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_regression.py \
         --train TRAIN.csv --test TEST.csv [--targets 1] [--loss mse] [--quantile 0.5] [--epochs 10] [--batch 128]
         [--threads 2]
"""
import json
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import arguments, train_epoch, warmup_cosine


def read(path, targets):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    return table[:, :-targets].astype(np.float32), table[:, -targets:].astype(np.float32)


def pinball(q):
    """The pinball loss of quantile q, scikit-learn's mean_pinball_loss on (target, output)."""
    def loss(output, target):
        e = target - output
        return torch.where(e >= 0, q * e, (q - 1) * e).mean()
    return loss


def standardised(x_train, x_test):
    """Both parts' features standardised with the training part's mean and std (a constant column's std taken as 1)."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1
    return (x_train - mean) / std, (x_test - mean) / std


def train_mlp(args, bench, x_train, y_train, outputs, loss_fn):
    """torch_recipe.py's MLP (512-256, dropout 0.2) of `outputs` outputs on float tables: AdamW, warmup + cosine per
    batch, batch args.batch shuffled, args.epochs epochs, a JSON line an epoch. Returns the model in eval mode and each
    epoch's training samples/s."""
    model = nn.Sequential(nn.Linear(x_train.shape[1], 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                          nn.Dropout(0.2), nn.Linear(256, outputs))
    train = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)), batch_size=args.batch,
                       shuffle=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    rates = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        loss_sum, seen = train_epoch(model, train, opt, schedule, loss_fn)
        rates.append(seen / (time.perf_counter() - t0))
        print(json.dumps({"bench": bench, "event": "epoch", "backend": "torch", "epoch": epoch,
                          "train_loss": round(loss_sum / seen, 4), "samples_per_sec": round(rates[-1])}), flush=True)
    model.eval()
    return model, rates


def figures(error, truth):
    """MSE, RMSE, MAE and R² of one target column's errors (float64)."""
    mse = float((error ** 2).mean())
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.abs(error).mean()),
            "r2": float(1 - (error ** 2).sum() / ((truth - truth.mean()) ** 2).sum())}


def main():
    def extra(ap):
        ap.add_argument("--train", required=True)
        ap.add_argument("--test", required=True)
        ap.add_argument("--batch", type=int, default=128)
        ap.add_argument("--targets", type=int, default=1)
        ap.add_argument("--loss", choices=("mse", "l1", "huber", "quantile"), default="mse")
        ap.add_argument("--huber-delta", type=float, default=1.0)
        ap.add_argument("--quantile", type=float, default=0.5)
        ap.add_argument("--importance", action="store_true")
        ap.add_argument("--repeats", type=int, default=5)
    args = arguments(extra)
    x_train, y_train = read(args.train, args.targets)
    x_test, y_test = read(args.test, args.targets)
    with open(args.train) as f:
        header = f.readline().strip().split(",")
    names, columns = header[-args.targets:], header[:-args.targets]
    y_mean, y_std = y_train.mean(axis=0), y_train.std(axis=0)
    x_train, x_test = standardised(x_train, x_test)
    loss_fn = {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "huber": nn.HuberLoss(delta=args.huber_delta),
               "quantile": pinball(args.quantile)}[args.loss]
    model, rates = train_mlp(args, "regression", x_train, (y_train - y_mean) / y_std, args.targets, loss_fn)
    with torch.no_grad():
        predicted = model(torch.from_numpy(x_test)).numpy() * y_std + y_mean
    error = predicted.astype(np.float64) - y_test
    each = [figures(error[:, t], y_test[:, t].astype(np.float64)) for t in range(args.targets)]
    summary = {"bench": "regression", "event": "summary", "backend": "torch", "threads": args.threads,
               "torch": torch.__version__, "epochs": args.epochs, "loss": args.loss}
    for figure in ("mse", "mae", "r2"):
        summary["test_" + figure] = float(np.mean([e[figure] for e in each]))
    summary["test_rmse"] = float(np.sqrt(summary["test_mse"]))
    if args.targets > 1:
        summary["test_per_target"] = dict(zip(names, each))
    summary["samples_per_sec"] = round(sum(rates) / len(rates))
    if args.loss == "quantile":
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.metrics import mean_pinball_loss
        q = args.quantile
        summary["quantile"] = q
        summary["test_pinball_loss"] = float(np.mean([mean_pinball_loss(y_test[:, t], predicted[:, t], alpha=q)
                                                      for t in range(args.targets)]))
        summary["test_coverage"] = float((y_test <= predicted).mean())
        boosted = [HistGradientBoostingRegressor(loss="quantile", quantile=q, random_state=0)
                   .fit(x_train, y_train[:, t]).predict(x_test) for t in range(args.targets)]
        summary["hist_gradient_boosting_pinball_loss"] = float(np.mean([
            mean_pinball_loss(y_test[:, t], boosted[t], alpha=q) for t in range(args.targets)]))
        summary["hist_gradient_boosting_coverage"] = float(np.mean([(y_test[:, t] <= boosted[t]).mean()
                                                                    for t in range(args.targets)]))
    try:
        from sklearn.linear_model import LinearRegression
        summary["linear_regression_r2"] = LinearRegression().fit(x_train, y_train).score(x_test, y_test)
    except ImportError:
        pass
    print(json.dumps(summary))
    if args.importance:
        importance(model, x_test, y_test, y_mean, y_std, columns, args.repeats)


def importance(model, x_test, y_test, y_mean, y_std, columns, repeats):
    """scikit-learn's permutation_importance of the model (its inputs already standardised) on the test part."""
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import r2_score

    class Fitted:
        def fit(self, x, y):
            return self

        def predict(self, x):
            with torch.no_grad():
                return model(torch.from_numpy(np.ascontiguousarray(x))).numpy() * y_std + y_mean

        def score(self, x, y):
            return r2_score(y, self.predict(x))

    t0 = time.perf_counter()
    result = permutation_importance(Fitted(), x_test, y_test, n_repeats=repeats, random_state=0)
    seconds = time.perf_counter() - t0
    for rank, c in enumerate(np.argsort(-result.importances_mean), start=1):
        print(json.dumps({"event": "importance", "rank": rank, "column": columns[c],
                          "importance": float(result.importances_mean[c]),
                          "std": float(result.importances_std[c])}))
    print(json.dumps({"event": "importance_time", "seconds": seconds, "rows": len(x_test), "repeats": repeats}))


if __name__ == "__main__":
    main()
