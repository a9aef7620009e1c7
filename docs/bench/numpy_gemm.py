"""float32 a @ b throughput, the numpy/OpenBLAS reference for `jgrad bench gemm` (JSON lines, median of 5).

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 docs/bench/numpy_gemm.py 1024 2048
"""
import json
import sys
import time

import numpy as np

for n in [int(s) for s in sys.argv[1:]] or [1024, 2048]:
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = a @ b
    warm_end = time.perf_counter() + 0.3
    calls = 0
    t0 = time.perf_counter()
    while time.perf_counter() < warm_end or calls < 2:
        np.matmul(a, b, out=c)
        calls += 1
    once = (time.perf_counter() - t0) / calls
    reps = max(1, min(1000, int(0.05 / once)))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / reps * 1e3)
    times.sort()
    median = times[2]
    print(json.dumps({"bench": "gemm", "backend": "numpy", "m": n, "n": n, "k": n,
                      "gflops": round(2.0 * n ** 3 / median / 1e6, 1), "median_ms": round(median, 3)}))
