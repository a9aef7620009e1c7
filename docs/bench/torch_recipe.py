"""PyTorch CPU reference for `jgrad train`'s default recipe, written as a PyTorch user writes it: Fashion-MNIST
(standardised with the training set's mean/std), 784-512-256-10 ReLU MLP with dropout 0.2 after each hidden layer,
batch 128 shuffled by a DataLoader over in-memory tensors, AdamW (lr 1e-3, weight decay 0.01), linear warmup over the
first 1/20 of the steps then cosine down to lr/100 (stepped per batch), label smoothing 0.1, evaluation on the 10,000
test images (batch 1000) after each epoch. One JSON line per epoch with the training samples/s (evaluation excluded,
as jgrad's `samples_per_sec`), then a summary whose samples_per_sec is the mean over epochs (as `jgrad train`'s).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_recipe.py \
         [--epochs 10] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def idx(path):
    """An IDX file (gzipped or raw) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(root, split):
    def find(stem):
        for name in (stem + ".gz", stem):
            if os.path.exists(os.path.join(root, name)):
                return os.path.join(root, name)
        raise FileNotFoundError(os.path.join(root, stem))
    x = idx(find(split + "-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    y = idx(find(split + "-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())


def standardised(data):
    """The training and test sets, standardised with the training set's mean and std (as `jgrad train`)."""
    x_train, y_train = load(data, "train")
    x_test, y_test = load(data, "t10k")
    mean, std = x_train.mean(), x_train.std()
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


def fit(model, bench, args, x_train, y_train, x_test, y_test, lr=1e-3):
    """The recipe: batch 128 shuffled, AdamW, warmup + cosine per batch, label smoothing 0.1, evaluation at batch 1000
    after each epoch; one JSON line per epoch, then a summary whose samples_per_sec is the mean over epochs."""
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=128, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=getattr(args, "label_smoothing", 0.1))

    rates = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        loss_sum, seen = train_epoch(model, train, opt, schedule, loss_fn)
        train_seconds = time.perf_counter() - t0
        model.eval()
        correct, test_loss, outputs = 0, 0.0, []
        with torch.no_grad():
            for x, y in test:
                out = model(x)
                test_loss += loss_fn(out, y).item() * len(y)
                correct += (out.argmax(1) == y).sum().item()
                outputs.append(out)
        rates.append(seen / train_seconds)
        print(json.dumps({"bench": bench, "event": "epoch", "backend": "torch", "epoch": epoch,
                          "train_loss": round(loss_sum / seen, 4), "test_loss": round(test_loss / len(y_test), 4),
                          "test_accuracy": correct / len(y_test), "samples_per_sec": round(rates[-1]),
                          "wall_seconds": round(time.perf_counter() - t0, 3)}), flush=True)
    print(json.dumps({"bench": bench, "event": "summary", "backend": "torch", "threads": args.threads,
                      "torch": torch.__version__, "epochs": args.epochs,
                      "samples_per_sec": round(sum(rates) / len(rates)),
                      "test_accuracy": correct / len(y_test), "test_ece": ece(torch.cat(outputs), y_test)}))


def ece(logits, labels, bins=15):
    """Guo et al.'s expected calibration error of the predicted class's softmax probability, bins (b/15, (b+1)/15]."""
    p = torch.softmax(logits.double(), dim=1)
    confidence, predicted = p.max(dim=1)
    right = (predicted == labels).double()
    index = (torch.ceil(confidence * bins).long() - 1).clamp(0, bins - 1)
    total = 0.0
    for b in range(bins):
        inside = index == b
        if inside.any():
            total += inside.sum().item() * abs(right[inside].mean().item() - confidence[inside].mean().item())
    return total / len(labels)


def accuracy(model, test, n):
    """The share of n test examples whose largest logit is their label, in eval mode."""
    model.eval()
    with torch.no_grad():
        return sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in test) / n


def recipe_mlp():
    """The recipe's network: 784-512-256-10, ReLU, dropout 0.2 after each hidden layer (jgrad train's default MLP)."""
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(256, 10))


def warmup_cosine(opt, total):
    """jgrad's WarmupCosineLR(peak, total/20, total, peak/100), stepped once a batch."""
    warmup = max(1, total // 20)

    def factor(step):  # as a multiple of the peak
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return 0.01 + (1 - 0.01) * 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def train_epoch(model, train, opt, schedule, loss_fn):
    """One epoch in train mode; returns the loss summed over its examples and their count."""
    model.train()
    loss_sum, seen = 0.0, 0
    for x, y in train:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        loss_sum += loss.item() * len(y)
        seen += len(y)
    return loss_sum, seen


def arguments(extra=None):
    """The common options, plus those that extra(parser) adds."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    if extra:
        extra(ap)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return args


def main():
    args = arguments(lambda ap: ap.add_argument("--label-smoothing", type=float, default=0.1))
    data = standardised(args.data)
    model = recipe_mlp()
    fit(model, "recipe", args, *data)


if __name__ == "__main__":
    main()
