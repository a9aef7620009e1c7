"""Integrated gradients of a jgrad MLP classifier in PyTorch, beside `jgrad predict --explain`'s (docs/benchmarks.md,
"Attributions: integrated gradients").

Reads the model file's weights and standardisation (a table of numeric columns, ReLU MLP), then for each row of TABLE
integrates the gradient of the predicted class's softmax probability along the straight path from the standardised
zero (the training mean) to the row, with the midpoint rule over STEPS points (Captum's riemann_middle), in float64;
prints the largest difference from the attributions in JSONL (jgrad predict --explain's lines for the same rows), and
the time PyTorch takes for the same attributions in float32.

Run: /usr/bin/python3 docs/bench/torch_integrated_gradients.py MODEL.safetensors TABLE.csv JGRAD.jsonl [--steps 50]
         [--threads 2]
"""
import argparse
import csv
import json
import struct
import time

import numpy as np
import torch


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    body = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        if name.startswith("model."):
            a, b = t["data_offsets"]
            tensors[name[len("model."):]] = np.frombuffer(body[a:b], dtype=np.float32).reshape(t["shape"])
    layers = sorted({int(k.split(".")[0]) for k in tensors})
    return meta, [(tensors[f"{i}.weight"], tensors[f"{i}.bias"]) for i in layers]


def forward(layers, x):
    for i, (w, b) in enumerate(layers):
        x = x @ w.T + b
        if i < len(layers) - 1:
            x = torch.relu(x)
    return torch.softmax(x, dim=1)


def integrated_gradients(layers, z, steps, dtype):
    layers = [(torch.tensor(w, dtype=dtype), torch.tensor(b, dtype=dtype)) for w, b in layers]
    z = torch.tensor(z, dtype=dtype)
    with torch.no_grad():
        target = forward(layers, z).argmax(dim=1)
    alphas = (torch.arange(steps, dtype=dtype) + 0.5) / steps
    out = torch.empty_like(z)
    group = max(1, 2048 // steps)
    for s in range(0, len(z), group):
        rows = z[s:s + group]
        path = (alphas[None, :, None] * rows[:, None, :]).reshape(-1, z.shape[1]).requires_grad_(True)
        p = forward(layers, path)
        picked = p[torch.arange(len(path)), target[s:s + group].repeat_interleave(steps)]
        (g,) = torch.autograd.grad(picked.sum(), path)
        out[s:s + group] = rows * g.reshape(len(rows), steps, -1).mean(dim=1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("table")
    ap.add_argument("jgrad")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    meta, layers = load(args.model)
    columns = json.loads(meta["jgrad.input.columns"])
    mean = np.array([float(v) for v in meta["jgrad.input.mean"].split(",")])
    std = np.array([float(v) for v in meta["jgrad.input.std"].split(",")])
    with open(args.table) as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in columns] for r in rows])
    z = ((x.astype(np.float32) - mean) / std)
    reference = integrated_gradients(layers, z, args.steps, torch.float64).numpy()
    with open(args.jgrad) as f:
        ours = np.array([[json.loads(line)["attributions"][c] for c in columns] for line in f])
    start = time.perf_counter()
    integrated_gradients(layers, z, args.steps, torch.float32)
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": len(rows), "steps": args.steps,
                      "max_abs_difference": float(np.abs(ours - reference).max()),
                      "max_abs_attribution": float(np.abs(reference).max()),
                      "torch_seconds": seconds, "torch_rows_per_sec": len(rows) / seconds}))


if __name__ == "__main__":
    main()
