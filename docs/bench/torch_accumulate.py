"""PyTorch CPU reference for `jgrad train --accumulate K`: torch_recipe.py's recipe (Fashion-MNIST, 784-512-256-10
ReLU MLP, dropout 0.2, AdamW, warmup + cosine over the optimizer steps, label smoothing 0.1) with batches of 128/K
whose gradients add up K at a time before each step, as the PyTorch documentation's gradient accumulation writes it:
each loss divided by K, `backward()` on each, `step()` and `zero_grad()` after every K-th batch and after the epoch's
last. Prints torch_recipe.py's JSON lines; the summary's samples_per_sec is the mean over epochs.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_accumulate.py \
         --accumulate 2 [--epochs 3] [--threads 2]
"""
import json
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import accuracy, arguments, recipe_mlp, standardised, warmup_cosine


def main():
    args = arguments(lambda ap: ap.add_argument("--accumulate", type=int, default=2))
    k = args.accumulate
    x, y, x_test, y_test = standardised(args.data)
    train = DataLoader(TensorDataset(x, y), batch_size=128 // k, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    model = recipe_mlp()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * -(-len(train) // k))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    rates = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        for i, (xb, yb) in enumerate(train):
            (loss_fn(model(xb), yb) / k).backward()
            if (i + 1) % k == 0 or i + 1 == len(train):
                opt.step()
                schedule.step()
                opt.zero_grad()
        rates.append(len(x) / (time.perf_counter() - t0))
        test_accuracy = accuracy(model, test, len(y_test))
        print(json.dumps({"bench": "accumulate", "event": "epoch", "epoch": epoch, "samples_per_sec": round(rates[-1]),
                          "test_accuracy": test_accuracy}), flush=True)
    print(json.dumps({"bench": "accumulate", "event": "summary", "backend": "torch", "accumulate": k,
                      "epochs": args.epochs, "samples_per_sec": round(sum(rates) / len(rates)),
                      "test_accuracy": test_accuracy}))


if __name__ == "__main__":
    main()
