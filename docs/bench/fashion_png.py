"""Fashion-MNIST's IDX files written out as an image folder (one folder per class, 8-bit grey PNGs, the pixels exactly
as the IDX files hold them), the data behind docs/benchmarks.md's "CPU: an image folder" and "Imbalanced classes".
With --cut N, the first N classes in name order keep a tenth of their training images (the imbalanced folder).

Run: /usr/bin/python3 docs/bench/fashion_png.py OUT [--data /usr/share/datasets/fashion-mnist] [--cut 5]
     (writes OUT/train/<class>/*.png and, without --cut, OUT/test/<class>/*.png)
"""
import argparse
import gzip
import os

import numpy as np
from PIL import Image

NAMES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def idx(root, prefix, kind, offset):
    name = next(f for f in os.listdir(root) if f.startswith(prefix + "-" + kind))
    path = os.path.join(root, name)
    with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--cut", type=int, default=0)
    args = ap.parse_args()
    cut = set(sorted(NAMES)[:args.cut])
    parts = (("train", "train"),) if args.cut else (("train", "train"), ("test", "t10k"))
    for part, prefix in parts:
        x = idx(args.data, prefix, "images", 16).reshape(-1, 28, 28)
        y = idx(args.data, prefix, "labels", 8)
        seen, written = {}, {}
        for i in range(len(y)):
            name = NAMES[y[i]]
            seen[name] = seen.get(name, 0) + 1
            # A cut class keeps its first tenth: 600 of 6,000 in the training part.
            if name in cut and seen[name] > (y == y[i]).sum() // 10:
                continue
            folder = os.path.join(args.out, part, name)
            os.makedirs(folder, exist_ok=True)
            Image.fromarray(x[i], "L").save(os.path.join(folder, f"{i:05d}.png"))
            written[name] = written.get(name, 0) + 1
        print(part, written)


if __name__ == "__main__":
    main()
