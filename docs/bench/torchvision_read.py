"""How long torchvision takes to read an image folder once: ImageFolder with ToTensor through a DataLoader (batch
1,000), as a PyTorch training loop reads it each epoch; the anchor beside docs/bench/ImageFolderRead.java's folder mode.

Run: /usr/bin/python3 docs/bench/torchvision_read.py DIR WORKERS ROUNDS
"""
import json
import sys
import time

import torch
from torchvision import datasets, transforms


def main():
    root, workers, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(2)
    for r in range(rounds):
        t = time.perf_counter()
        loader = torch.utils.data.DataLoader(datasets.ImageFolder(root, transform=transforms.ToTensor()),
                                             batch_size=1000, num_workers=workers)
        n = sum(x.shape[0] for x, _ in loader)
        print(json.dumps({"bench": "torchvision_read", "round": r, "workers": workers, "images": n,
                          "seconds": round(time.perf_counter() - t, 3)}), flush=True)


if __name__ == "__main__":
    main()
