"""PyTorch references for the GPU targets of issue 6, as JSON lines like jgrad's:
  - float32 matmul GFLOP/s at n³ with TF32 off (jgrad's SGEMM must reach 80% of it at 4096³);
  - eager training samples/s of a ReLU MLP 784-hidden-10, SGD momentum 0.9, as `jgrad bench train --hidden H
    --batch B`: by default 512,256 at batch 128 and 4096,4096 at batch 1024, the two run-gpu-tests.sh times.

Run on the GPU machine (run-gpu-tests.sh does):
  python3 torch_gpu.py [--device cuda] [--sizes 1024,2048,4096] [--models 512,256:128/4096,4096:1024]
It also runs on the CPU (--device cpu) to check the script itself.
"""
import argparse
import json
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--device", default="cuda")
parser.add_argument("--sizes", default="1024,2048,4096")
parser.add_argument("--models", default="512,256:128/4096,4096:1024", help="HIDDEN:BATCH, separated by /")
args = parser.parse_args()
dev = torch.device(args.device)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


def median_ms(fn, reps, rounds=5):
    times = []
    for _ in range(rounds):
        sync()
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / reps * 1e3)
    times.sort()
    return times[len(times) // 2]


for n in [int(s) for s in args.sizes.split(",")]:
    a = torch.rand(n, n, device=dev) * 2 - 1
    b = torch.rand(n, n, device=dev) * 2 - 1
    c = torch.empty(n, n, device=dev)
    for _ in range(3):
        torch.matmul(a, b, out=c)
    ms = median_ms(lambda: torch.matmul(a, b, out=c), reps=10 if dev.type == "cuda" else 1)
    print(json.dumps({"bench": "gemm", "backend": "torch-" + dev.type, "m": n, "n": n, "k": n, "trans": "NN",
                      "gflops": round(2 * n ** 3 / ms / 1e6, 1), "median_ms": round(ms, 3)}), flush=True)



def bench_train(hidden, batch):
    torch.manual_seed(1)
    widths = [784] + hidden
    layers = []
    for i in range(len(hidden)):
        layers += [torch.nn.Linear(widths[i], widths[i + 1]), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(widths[-1], 10)).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    xs = [torch.randn(batch, 784, device=dev) for _ in range(16)]
    ys = [torch.tensor([(r * 7 + i) % 10 for r in range(batch)], device=dev) for i in range(16)]
    state = {"i": 0}

    def step():
        i = state["i"]
        loss = loss_fn(model(xs[i % 16]), ys[i % 16])
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        loss.item()  # jgrad's trainer reads every loss, so the reference does too
        state["i"] = i + 1

    for _ in range(150):
        step()
    ms = median_ms(step, reps=50, rounds=7)
    print(json.dumps({"bench": "train", "event": "summary", "backend": "torch-" + dev.type,
                      "hidden": "[" + ",".join(map(str, hidden)) + "]", "batch": batch, "optimizer": "sgd",
                      "samples_per_sec": round(batch * 1e3 / ms), "step_ms": round(ms, 3),
                      "torch": torch.__version__}), flush=True)


for model_spec in args.models.split("/"):
    hidden, batch = model_spec.split(":")
    bench_train([int(h) for h in hidden.split(",")], int(batch))
