"""How fast NumPy reads an .npz archive of images, as a PyTorch user loads one: np.load of every array, and the same
with the images turned into float32 pixels in [0, 1] (x.astype(np.float32) / 255, what a training loop then takes),
ROUNDS times in this process, the first round cold. One JSON line a reading.

Run: /usr/bin/python3 docs/bench/numpy_load.py ARCHIVE.npz ROUNDS
"""
import json
import sys
import time

import numpy as np

path, rounds = sys.argv[1], int(sys.argv[2])
for r in range(rounds):
    t = time.perf_counter()
    with np.load(path) as d:
        arrays = {k: d[k] for k in d.files}
    loaded = time.perf_counter() - t
    pixels = [a.astype(np.float32) / 255 for k, a in arrays.items() if k.startswith("x")]
    total = time.perf_counter() - t
    print(json.dumps({"bench": "numpy_load", "round": r, "examples": sum(len(p) for p in pixels),
                      "load_seconds": round(loaded, 3), "as_float_seconds": round(total, 3)}))
