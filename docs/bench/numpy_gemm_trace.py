"""numpy/OpenBLAS counterpart of `jgrad bench gemm --trace`: one float32 product's GFLOP/s per 200 ms window.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
       /usr/bin/python3 docs/bench/numpy_gemm_trace.py SECONDS [MxNxK[:TT]]
(Debian's OpenBLAS is the openmp build: OMP_NUM_THREADS sets its threads; OPENBLAS_NUM_THREADS alone does not.)
Default shape 128x512x784:NT, the MLP's first layer forward X·Wᵀ, as `jgrad bench gemm --trace`.
"""
import json
import re
import sys
import time

import numpy as np

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
shape = sys.argv[2] if len(sys.argv) > 2 else "128x512x784:NT"
match = re.fullmatch(r"(\d+)x(\d+)x(\d+)(?::([NT]{2}))?", shape)
if not match:
    sys.exit(f"numpy_gemm_trace: expected MxNxK or MxNxK:TT, got '{shape}'")
m, n, k = (int(g) for g in match.group(1, 2, 3))
trans = match.group(4) or "NN"
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, (k, m) if trans[0] == "T" else (m, k)).astype(np.float32)
b = rng.uniform(-1, 1, (n, k) if trans[1] == "T" else (k, n)).astype(np.float32)
op_a = a.T if trans[0] == "T" else a
op_b = b.T if trans[1] == "T" else b
c = np.empty((m, n), np.float32)
warm_end = time.perf_counter() + 0.3
while time.perf_counter() < warm_end:
    np.matmul(op_a, op_b, out=c)
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    t0 = time.perf_counter()
    calls = 0
    while calls == 0 or time.perf_counter() - t0 < 0.2:
        np.matmul(op_a, op_b, out=c)
        calls += 1
    t1 = time.perf_counter()
    print(json.dumps({"bench": "gemm", "event": "trace", "backend": "numpy", "m": m, "n": n, "k": k, "trans": trans,
                      "t_s": round(t1 - start, 2), "gflops": round(2.0 * m * n * k * calls / (t1 - t0) / 1e9, 1)}),
          flush=True)
