"""PyTorch CPU reference for `jgrad train --mixup ALPHA [--cutmix ALPHA]`: torch_recipe.py's recipe (Fashion-MNIST,
784-512-256-10 ReLU MLP, dropout 0.2, AdamW, warmup + cosine, label smoothing 0.1, batch 128), or with --model cnn
torch_cnn.py's network at its rate of 5e-3, on batches mixed as timm's Mixup(mixup_alpha, cutmix_alpha) mixes them in
its batch mode, written out: with both, each batch cuts with probability 1/2; lambda drawn from Beta(ALPHA, ALPHA);
mixup blends x with x.flip(0), CutMix pastes x.flip(0)'s box of sides sqrt(1 - lambda) of the image's around a uniform
pixel (clipped) and sets lambda to the share outside it; the loss lambda * CE(out, y) + (1 - lambda) * CE(out,
y.flip(0)) (timm's mixed smoothed targets under its SoftTargetCrossEntropy, the same loss). Prints torch_recipe.py's
JSON lines; samples_per_sec is the mean over epochs.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_mixup.py \
         --mixup 0.2 [--cutmix 1] [--model cnn] [--epochs 10] [--threads 2]
"""
import json
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_cnn import cnn
from torch_recipe import accuracy, arguments, recipe_mlp, standardised, warmup_cosine


def mixed(xb, rng, mixup, cutmix):
    """timm's batch mode: the blended or cut batch and lambda."""
    cut = cutmix > 0 and (mixup == 0 or rng.random() < 0.5)
    lam = float(rng.beta(cutmix, cutmix) if cut else rng.beta(mixup, mixup))
    if not cut:
        return lam * xb + (1 - lam) * xb.flip(0), lam
    h, w = xb.shape[-2:]
    ratio = np.sqrt(1 - lam)
    cut_h, cut_w = int(h * ratio), int(w * ratio)
    cy, cx = rng.integers(0, h), rng.integers(0, w)
    yl, yh = np.clip(cy - cut_h // 2, 0, h), np.clip(cy + cut_h // 2, 0, h)
    xl, xh = np.clip(cx - cut_w // 2, 0, w), np.clip(cx + cut_w // 2, 0, w)
    out = xb.clone()
    out[..., yl:yh, xl:xh] = xb.flip(0)[..., yl:yh, xl:xh]
    return out, 1 - (yh - yl) * (xh - xl) / (h * w)


def main():
    def extra(ap):
        ap.add_argument("--mixup", type=float, default=0.2)
        ap.add_argument("--cutmix", type=float, default=0)
        ap.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    args = arguments(extra)
    rng = np.random.default_rng(args.seed)
    x, y, x_test, y_test = standardised(args.data)
    if args.model == "cnn":
        x, x_test = x.view(-1, 1, 28, 28), x_test.view(-1, 1, 28, 28)
    train = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    model = cnn() if args.model == "cnn" else recipe_mlp()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3 if args.model == "cnn" else 1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    rates = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        for xb, yb in train:
            xm, lam = mixed(xb, rng, args.mixup, args.cutmix)
            out = model(xm)
            loss = lam * loss_fn(out, yb) + (1 - lam) * loss_fn(out, yb.flip(0))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
        rates.append(len(x) / (time.perf_counter() - t0))
        test_accuracy = accuracy(model, test, len(y_test))
        print(json.dumps({"bench": "mixup", "event": "epoch", "epoch": epoch, "samples_per_sec": round(rates[-1]),
                          "test_accuracy": test_accuracy}), flush=True)
    print(json.dumps({"bench": "mixup", "event": "summary", "backend": "torch", "mixup": args.mixup,
                      "cutmix": args.cutmix, "model": args.model, "epochs": args.epochs,
                      "samples_per_sec": round(sum(rates) / len(rates)),
                      "test_accuracy": test_accuracy}))


if __name__ == "__main__":
    main()
