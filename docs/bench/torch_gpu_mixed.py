"""PyTorch references for the mixed-precision and CNN GPU targets, as JSON lines like jgrad's bench output:
  - bf16 (and fp16) matmul TFLOP/s at n³ (cuBLAS through torch.matmul): jgrad's own bf16 GEMM must reach 0.5× at 4096³;
  - autocast-bf16 training samples/s of the ReLU MLP 784-4096-4096-10 at batch 1024 (SGD momentum 0.9), against
    `jgrad bench train --hidden 4096,4096 --batch 1024 --precision bf16`;
  - training samples/s of the issue's CNN on 1×28×28 inputs at batch 128 (conv3x3 32 + BN + ReLU + 2×2 max-pool,
    conv3x3 64 + BN + ReLU + 2×2 max-pool, 3136→128→10 with dropout 0.2; cuDNN, float32), against
    `jgrad train --model cnn --backend cuda`.

Run on the GPU machine (run-gpu-tests.sh does):  python3 torch_gpu_mixed.py [--device cuda] [--sizes 1024,2048,4096]
It also runs on the CPU (--device cpu --sizes 128 --steps 3) to check the script itself.
"""
import argparse
import json
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--device", default="cuda")
parser.add_argument("--sizes", default="1024,2048,4096")
parser.add_argument("--steps", type=int, default=50)
args = parser.parse_args()
dev = torch.device(args.device)


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


def timed(step, repeats):
    for _ in range(3):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    sync()
    return (time.perf_counter() - start) / repeats


# fp16 matmul has no CPU kernel in older PyTorch: the CPU self-check times bf16 only.
for dtype, label in ((torch.bfloat16, "bf16"), (torch.float16, "fp16"))[: 2 if dev.type == "cuda" else 1]:
    for n in (int(s) for s in args.sizes.split(",")):
        a = torch.randn(n, n, device=dev).to(dtype)
        b = torch.randn(n, n, device=dev).to(dtype)
        seconds = timed(lambda: torch.matmul(a, b), 10)
        print(json.dumps({"bench": "gemm", "backend": "torch-" + dev.type, "dtype": label, "m": n, "n": n, "k": n,
                          "trans": "NN", "gflops": round(2.0 * n ** 3 / seconds / 1e9, 1),
                          "median_ms": round(seconds * 1e3, 3)}), flush=True)


def train_rate(model, inputs, labels, autocast):
    model = model.to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            loss = loss_fn(model(inputs), labels)
        loss.backward()
        opt.step()

    return inputs.shape[0] / timed(step, args.steps)


mlp = nn.Sequential(nn.Linear(784, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 10))
x = torch.randn(1024, 784, device=dev)
y = torch.randint(0, 10, (1024,), device=dev)
print(json.dumps({"bench": "train", "backend": "torch-" + dev.type, "model": "784-4096-4096-10", "batch": 1024,
                  "precision": "bf16-autocast", "samples_per_sec": round(train_rate(mlp, x, y, True))}), flush=True)

cnn = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
images = torch.randn(128, 1, 28, 28, device=dev)
classes = torch.randint(0, 10, (128,), device=dev)
print(json.dumps({"bench": "train", "backend": "torch-" + dev.type, "model": "cnn-2block", "batch": 128,
                  "precision": "fp32", "samples_per_sec": round(train_rate(cnn, images, classes, False))}), flush=True)
