"""PyTorch CPU reference for the GEMMs of one `jgrad bench train` step (784-512-256-10 MLP, batch 128, Linear weights
stored [out, in]): the shapes `jgrad bench train --profile` names, as JSON lines with GFLOP/s (median of 5).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_mlp_gemms.py [threads]
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
# (m, n, k, transposes): forward X·Wᵀ (NT), weight gradient dYᵀ·X (TN), input gradient dY·W (NN); the step's order
SHAPES = [(128, 512, 784, "NT"), (128, 256, 512, "NT"), (128, 10, 256, "NT"), (10, 256, 128, "TN"),
          (128, 256, 10, "NN"), (256, 512, 128, "TN"), (128, 512, 256, "NN"), (512, 784, 128, "TN"),
          (1024, 1024, 1024, "NN")]
for m, n, k, t in SHAPES:
    a = torch.randn(k, m).t() if t[0] == "T" else torch.randn(m, k)
    b = torch.randn(n, k).t() if t[1] == "T" else torch.randn(k, n)
    c = torch.empty(m, n)
    for _ in range(50):
        torch.mm(a, b, out=c)
    reps = max(3, int(2e9 / (2 * m * n * k)))
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        rates.append(2 * m * n * k * reps / (time.perf_counter() - t0) / 1e9)
    rates.sort()
    print(json.dumps({"bench": "gemm", "backend": "torch", "threads": threads, "m": m, "n": n, "k": k, "trans": t,
                      "gflops": round(rates[2], 1)}))
