"""PyTorch CPU reference for `jgrad train --model cnn --dataset fashion-mnist`: the same network and recipe.

Network (jgrad's Cnn for 28x28 images): two blocks of [3x3 conv, padding 1, no bias; BatchNorm2d; ReLU; 2x2 max-pool]
of 32 and 64 channels, then Flatten (3136), Linear 128, ReLU, Dropout 0.2, Linear 10. Recipe (as torch_recipe.py):
inputs standardised with the training set's mean/std, batch 128 shuffled, AdamW (lr 1e-3, weight decay 0.01), linear
warmup over the first 1/20 of the steps then cosine down to lr/100 (per batch), label smoothing 0.1, evaluation on the
10,000 test images (batch 1000) after each epoch. One JSON line per epoch with the training samples/s (evaluation
excluded, as jgrad's `samples_per_sec`), then a summary whose samples_per_sec is the mean over epochs.

Run beside `examples/target/jgrad train --model cnn --dataset fashion-mnist --epochs 10` in a quiet window:
    /usr/bin/python3 docs/bench/torch_cnn.py [--epochs 10] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import json
import math
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import load


def cnn():
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(128, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = ((x_train - mean) / std).view(-1, 1, 28, 28), ((x_test - mean) / std).view(-1, 1, 28, 28)
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=128, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)

    model = cnn()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    total = args.epochs * len(train)
    warmup = max(1, total // 20)

    def factor(step):  # jgrad's WarmupCosineLR(peak, total/20, total, peak/100), as a multiple of the peak
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return 0.01 + (1 - 0.01) * 0.5 * (1 + math.cos(math.pi * progress))

    schedule = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    rates = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        loss_sum, seen = 0.0, 0
        for x, y in train:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            loss_sum += loss.item() * len(y)
            seen += len(y)
        train_seconds = time.perf_counter() - t0
        model.eval()
        correct, test_loss = 0, 0.0
        with torch.no_grad():
            for x, y in test:
                out = model(x)
                test_loss += loss_fn(out, y).item() * len(y)
                correct += (out.argmax(1) == y).sum().item()
        rates.append(seen / train_seconds)
        print(json.dumps({"bench": "cnn", "event": "epoch", "backend": "torch", "epoch": epoch,
                          "train_loss": round(loss_sum / seen, 4), "test_loss": round(test_loss / len(y_test), 4),
                          "test_accuracy": correct / len(y_test), "samples_per_sec": round(rates[-1]),
                          "wall_seconds": round(time.perf_counter() - t0, 3)}), flush=True)
    print(json.dumps({"bench": "cnn", "event": "summary", "backend": "torch", "threads": args.threads,
                      "torch": torch.__version__, "epochs": args.epochs,
                      "samples_per_sec": round(sum(rates) / len(rates))}))


if __name__ == "__main__":
    main()
