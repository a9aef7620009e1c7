"""PyTorch CPU reference for `jgrad bench train`: 784-512-256-10 ReLU MLP, cross-entropy, SGD momentum 0.9 (lr 0.01),
batch 128, 16 preloaded random batches; one JSON line per window of 50 steps, then the median.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_mlp.py [threads]
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(1)
batch, steps, windows = 128, 50, 7
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(),
                            torch.nn.Linear(256, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
xs = [torch.randn(batch, 784) for _ in range(16)]
ys = [torch.tensor([(r * 7 + i) % 10 for r in range(batch)]) for i in range(16)]


def step(i):
    loss = loss_fn(model(xs[i % 16]), ys[i % 16])
    opt.zero_grad(set_to_none=False)
    loss.backward()
    opt.step()


for i in range(3 * steps):
    step(i)
rates = []
for w in range(windows):
    t0 = time.perf_counter()
    for i in range(steps):
        step(i)
    rates.append(steps * batch / (time.perf_counter() - t0))
    print(json.dumps({"bench": "train", "event": "window", "backend": "torch", "samples_per_sec": round(rates[-1])}))
print(json.dumps({"bench": "train", "event": "summary", "backend": "torch", "threads": threads,
                  "torch": torch.__version__, "samples_per_sec": round(sorted(rates)[windows // 2])}))
