"""PyTorch GPU reference for `jgrad train --backend cuda`: the recipe of torch_recipe.py (MLP) or torch_cnn.py (CNN)
with the data already on the GPU, in two forms a PyTorch user writes:
  --mode eager   the loop as written, batches gathered on the device from a device permutation (no DataLoader), the
                 loss summed on the device and read once per epoch (a stronger anchor than `loss.item()` per step);
  --mode graph   the same step (gather, forward, loss, backward, capturable AdamW) captured once in a CUDA graph
                 (`torch.cuda.graph`) and replayed; the learning rate lives in a device tensor set before each replay;
                 the last partial batch of an epoch runs eagerly.
`--precision bf16` wraps forward and loss in `torch.autocast(dtype=torch.bfloat16)`. One JSON line per epoch with
the training samples/s (evaluation excluded), then a summary whose samples_per_sec is the mean over epochs, as
`jgrad train`'s.

Run on the GPU machine:  python3 torch_recipe_gpu.py --data DIR [--model mlp|cnn] [--mode eager|graph]
                         [--precision fp32|bf16] [--epochs 10]
"""
import argparse
import json
import math
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_recipe import standardised  # noqa: E402

BATCH = 128
PEAK_LR = {"mlp": 1e-3, "cnn": 5e-3}  # jgrad's defaults under AdamW


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(256, 10))


def cnn():
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(128, 10))


def schedule(total, peak):
    """jgrad's WarmupCosineLR(peak, total/20, total, peak/100) as a function of the step."""
    warmup = max(1, total // 20)

    def lr(step):
        if step < warmup:
            return peak * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return peak * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress)))
    return lr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    ap.add_argument("--mode", choices=("eager", "graph"), default="eager")
    ap.add_argument("--precision", choices=("fp32", "bf16"), default="fp32")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    dev = torch.device("cuda")
    shape = (-1, 784) if args.model == "mlp" else (-1, 1, 28, 28)
    x_train, y_train, x_test, y_test = (t.to(dev) for t in standardised(args.data))
    x_train, x_test = x_train.view(shape), x_test.view(shape)
    model = (mlp() if args.model == "mlp" else cnn()).to(dev)
    graphed = args.mode == "graph"
    peak = PEAK_LR[args.model]
    opt = torch.optim.AdamW(model.parameters(), lr=torch.tensor(peak, device=dev) if graphed else peak,
                            weight_decay=0.01, capturable=graphed)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    n = x_train.shape[0]
    full = n // BATCH
    steps_per_epoch = math.ceil(n / BATCH)
    lr_at = schedule(args.epochs * steps_per_epoch, peak)
    loss_sum = torch.zeros((), device=dev)
    index = torch.zeros(BATCH, dtype=torch.long, device=dev)

    def step(idx):
        x, y = x_train.index_select(0, idx), y_train.index_select(0, idx)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss_sum.add_(loss.detach().float() * idx.shape[0])

    def set_lr(step_number):
        group = opt.param_groups[0]
        if graphed:
            group["lr"].fill_(lr_at(step_number))
        else:
            group["lr"] = lr_at(step_number)

    graph = None
    side = torch.cuda.Stream()
    rates, global_step = [], 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        loss_sum.zero_()
        perm = torch.randperm(n, device=dev)
        for b in range(steps_per_epoch):
            idx = perm[b * BATCH:(b + 1) * BATCH]
            set_lr(global_step)
            global_step += 1
            if graphed and b < full and graph is not None:
                index.copy_(idx)
                graph.replay()
                continue
            opt.zero_grad(set_to_none=True)
            if graphed and b < full and graph is None and global_step > 3:
                # Warm-up steps ran eagerly; capture on a side stream as torch.cuda.graph requires.
                index.copy_(idx)
                torch.cuda.synchronize()
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    step(index)
                graph.replay()
                continue
            if graphed:
                # Warm-up runs on a side stream, as torch.cuda.graph asks.
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    step(idx)
                torch.cuda.current_stream().wait_stream(side)
            else:
                step(idx)
        torch.cuda.synchronize()
        train_seconds = time.perf_counter() - t0
        model.eval()
        correct = torch.zeros((), dtype=torch.long, device=dev)
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            for i in range(0, x_test.shape[0], 1000):
                out = model(x_test[i:i + 1000])
                correct += (out.argmax(1) == y_test[i:i + 1000]).sum()
        rates.append(n / train_seconds)
        print(json.dumps({"bench": "recipe-gpu", "event": "epoch", "backend": "torch-cuda", "model": args.model,
                          "mode": args.mode, "precision": args.precision, "epoch": epoch,
                          "train_loss": round(loss_sum.item() / n, 4),
                          "test_accuracy": correct.item() / x_test.shape[0], "samples_per_sec": round(rates[-1]),
                          "train_seconds": round(train_seconds, 4)}), flush=True)
    print(json.dumps({"bench": "recipe-gpu", "event": "summary", "backend": "torch-cuda", "model": args.model,
                      "mode": args.mode, "precision": args.precision, "torch": torch.__version__,
                      "gpu": torch.cuda.get_device_name(), "epochs": args.epochs,
                      "samples_per_sec": round(sum(rates) / len(rates)),
                      "best_epoch_samples_per_sec": round(max(rates))}), flush=True)


if __name__ == "__main__":
    main()
