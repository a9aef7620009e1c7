"""PyTorch CPU reference for `jgrad train --mixup ALPHA`: torch_recipe.py's recipe (Fashion-MNIST, 784-512-256-10 ReLU
MLP, dropout 0.2, AdamW, warmup + cosine, label smoothing 0.1, batch 128) on batches mixed as timm's
Mixup(mixup_alpha=ALPHA) mixes them, written out: lambda drawn from Beta(ALPHA, ALPHA) each batch, x blended with
x.flip(0), the loss lambda * CE(out, y) + (1 - lambda) * CE(out, y.flip(0)) (timm's mixed smoothed targets under its
SoftTargetCrossEntropy, the same loss). Prints torch_recipe.py's JSON lines; samples_per_sec is the mean over epochs.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_mixup.py \
         --mixup 0.2 [--epochs 10] [--threads 2]
"""
import json
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import arguments, standardised, warmup_cosine


def main():
    args = arguments(lambda ap: ap.add_argument("--mixup", type=float, default=0.2))
    rng = np.random.default_rng(args.seed)
    x, y, x_test, y_test = standardised(args.data)
    train = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                          nn.Dropout(0.2), nn.Linear(256, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    rates = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        for xb, yb in train:
            lam = float(rng.beta(args.mixup, args.mixup))
            out = model(lam * xb + (1 - lam) * xb.flip(0))
            loss = lam * loss_fn(out, yb) + (1 - lam) * loss_fn(out, yb.flip(0))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
        rates.append(len(x) / (time.perf_counter() - t0))
        model.eval()
        with torch.no_grad():
            correct = sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in test)
        print(json.dumps({"bench": "mixup", "event": "epoch", "epoch": epoch, "samples_per_sec": round(rates[-1]),
                          "test_accuracy": correct / len(y_test)}), flush=True)
    print(json.dumps({"bench": "mixup", "event": "summary", "backend": "torch", "mixup": args.mixup,
                      "epochs": args.epochs, "samples_per_sec": round(sum(rates) / len(rates)),
                      "test_accuracy": correct / len(y_test)}))


if __name__ == "__main__":
    main()
