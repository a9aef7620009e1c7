"""PyTorch CPU reference for `jgrad bench train --model cnn|resnet`: the training step timed over preloaded batches.

The network of torch_cnn.py (`--relu-first` for the textbook order; `--model resnet --depth N` its ResNet), AdamW (lr
5e-3, weight decay 0.01), label smoothing 0.1, batch 128, 16 batches of standard-normal inputs and random labels already
in memory; a warm-up window of 30 steps, then timed windows of 20 steps. Prints one JSON line: samples/s per window and
their median.

Run beside `examples/target/jgrad bench train --model cnn --threads T --optimizer adamw --dropout 0.2
--label-smoothing 0.1 --windows 5 --steps 20`, interleaved:
    /usr/bin/python3 docs/bench/torch_cnn_step.py [--threads 2] [--windows 5] [--relu-first] [--model resnet
        --depth 20]
"""
import argparse
import json
import time

import torch
from torch import nn

from torch_cnn import cnn, resnet


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--relu-first", action="store_true")
    ap.add_argument("--model", choices=["cnn", "resnet"], default="cnn")
    ap.add_argument("--depth", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = resnet(depth=args.depth) if args.model == "resnet" else cnn(relu_first=args.relu_first)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)  # jgrad's CNN default
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    xs = [torch.randn(128, 1, 28, 28) for _ in range(16)]
    ys = [torch.randint(0, 10, (128,)) for _ in range(16)]

    def window(steps):
        t0 = time.perf_counter()
        for s in range(steps):
            loss = loss_fn(model(xs[s % 16]), ys[s % 16])
            opt.zero_grad()
            loss.backward()
            opt.step()
        return steps * 128 / (time.perf_counter() - t0)

    window(30)
    rates = [window(20) for _ in range(args.windows)]
    print(json.dumps({"bench": "torch_cnn_step", "model": args.model, "depth": args.depth, "threads": args.threads,
                      "relu_first": args.relu_first,
                      "samples_per_sec": [round(r) for r in rates], "median": round(sorted(rates)[len(rates) // 2])}))


if __name__ == "__main__":
    main()
