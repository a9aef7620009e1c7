"""A small two-class task for transfer learning, from Fashion-MNIST: the first N training images (200 by default) and
the 10,000 test images relabelled "top" (T-shirt/top, pullover, coat, shirt) or "not top", or with --classes footwear
"footwear" (sandal, sneaker, ankle boot) or "not footwear", saved as Keras' mnist.npz lays out its arrays (x_train,
y_train, x_test, y_test; uint8 pixels, text labels) for `jgrad train --dataset npz`.

Run: /usr/bin/python3 docs/bench/tops_npz.py OUT.npz [--train 200] [--classes tops|footwear]
"""
import argparse
import gzip

import numpy as np

DIR = "/usr/share/datasets/fashion-mnist/"
GROUPS = {"tops": ("top", {0, 2, 4, 6}), "footwear": ("footwear", {5, 7, 9})}


def idx(name, offset, shape):
    with gzip.open(DIR + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--train", type=int, default=200)
ap.add_argument("--classes", choices=sorted(GROUPS), default="tops")
args = ap.parse_args()
name, members = GROUPS[args.classes]


def relabel(labels):
    return np.array([name if int(c) in members else "not " + name for c in labels])


x = idx("train-images-idx3-ubyte.gz", 16, (-1, 28, 28))[:args.train]
y = idx("train-labels-idx1-ubyte.gz", 8, (-1,))[:args.train]
xt = idx("t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28))
yt = idx("t10k-labels-idx1-ubyte.gz", 8, (-1,))
np.savez(args.out, x_train=x, y_train=relabel(y), x_test=xt, y_test=relabel(yt))
