"""PyTorch CPU reference for `jgrad train --ema DECAY`: torch_recipe.py's recipe (Fashion-MNIST, 784-512-256-10 ReLU
MLP, dropout 0.2, AdamW, warmup + cosine, label smoothing 0.1, batch 128) with an exponential moving average of the
weights as the PyTorch documentation writes it: AveragedModel with get_ema_multi_avg_fn(DECAY) (torch.lerp with weight
1 - DECAY, spelled out where the installed PyTorch predates it), updated once before the first step and after every
step; each epoch scores the average (and, for comparison, the last weights). The training time includes the updates.
Prints torch_recipe.py's JSON lines; the summary's samples_per_sec is the mean over epochs.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_ema.py \
         --ema 0.999 [--schedule constant] [--epochs 10] [--threads 2]
"""
import json
import time

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import accuracy, arguments, recipe_mlp, standardised, warmup_cosine


def averaged(model, decay):
    try:
        from torch.optim.swa_utils import get_ema_multi_avg_fn
        return AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
    except ImportError:
        return AveragedModel(model, use_buffers=True, avg_fn=lambda a, m, n: torch.lerp(a, m, 1 - decay))


def main():
    def extra(ap):
        ap.add_argument("--ema", type=float, default=0.999)
        ap.add_argument("--schedule", choices=["cosine", "constant"], default="cosine")
    args = arguments(extra)
    x, y, x_test, y_test = standardised(args.data)
    train = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    model = recipe_mlp()
    ema = averaged(model, args.ema)
    ema.update_parameters(model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = (warmup_cosine(opt, args.epochs * len(train)) if args.schedule == "cosine"
                else torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    rates = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        for xb, yb in train:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
            schedule.step()
            ema.update_parameters(model)
        rates.append(len(x) / (time.perf_counter() - t0))
        averaged_accuracy = accuracy(ema, test, len(y_test))
        last_accuracy = accuracy(model, test, len(y_test))
        print(json.dumps({"bench": "ema", "event": "epoch", "epoch": epoch, "samples_per_sec": round(rates[-1]),
                          "test_accuracy": averaged_accuracy, "last_weights_accuracy": last_accuracy}), flush=True)
    print(json.dumps({"bench": "ema", "event": "summary", "backend": "torch", "ema": args.ema,
                      "schedule": args.schedule, "epochs": args.epochs,
                      "samples_per_sec": round(sum(rates) / len(rates)), "test_accuracy": averaged_accuracy,
                      "last_weights_accuracy": last_accuracy}))


if __name__ == "__main__":
    main()
