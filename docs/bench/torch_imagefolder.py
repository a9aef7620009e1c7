"""PyTorch CPU reference for `jgrad train --dataset images`: the default recipe (torch_recipe.py's network, AdamW,
warmup + cosine, label smoothing 0.1) on a folder of class folders of images, read as a PyTorch user reads one:
torchvision's ImageFolder with ToTensor and Normalize through a shuffling DataLoader, which decodes every image again
each epoch. Images are read as one grey channel (Grayscale(1)); Normalize takes the training folder's mean and std,
measured in one pass before training (as jgrad standardises with the training set's statistics). One JSON line per
epoch, then a summary with the wall time from start to end (reading included, as jgrad's `wall_seconds`).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_imagefolder.py \
         --train DIR --test DIR [--epochs 10] [--threads 2] [--workers 0]
"""
import json
import time

import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from torch_recipe import arguments, train_epoch, warmup_cosine


def main():
    start = time.perf_counter()
    args = arguments(lambda ap: (ap.add_argument("--train", required=True), ap.add_argument("--test", required=True),
                                 ap.add_argument("--workers", type=int, default=0)))
    plain = transforms.Compose([transforms.Grayscale(1), transforms.ToTensor()])
    stats = DataLoader(datasets.ImageFolder(args.train, plain), batch_size=1000, num_workers=args.workers)
    total, squares, count = 0.0, 0.0, 0
    for x, _ in stats:
        total += x.sum().item()
        squares += (x * x).sum().item()
        count += x.numel()
    mean = total / count
    std = (squares / count - mean * mean) ** 0.5
    shaped = transforms.Compose([plain, transforms.Normalize((mean,), (std,)), nn.Flatten(0)])
    train_set = datasets.ImageFolder(args.train, shaped)
    train = DataLoader(train_set, batch_size=128, shuffle=True, num_workers=args.workers)
    test = DataLoader(datasets.ImageFolder(args.test, shaped), batch_size=1000, num_workers=args.workers)
    features = train_set[0][0].numel()
    classes = len(train_set.classes)
    model = nn.Sequential(nn.Linear(features, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                          nn.Dropout(0.2), nn.Linear(256, classes))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    accuracy = None
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        loss_sum, seen = train_epoch(model, train, opt, schedule, loss_fn)
        rate = seen / (time.perf_counter() - t0)
        model.eval()
        correct, n = 0, 0
        with torch.no_grad():
            for x, y in test:
                correct += (model(x).argmax(1) == y).sum().item()
                n += len(y)
        accuracy = correct / n
        print(json.dumps({"event": "epoch", "epoch": epoch, "train_loss": round(loss_sum / seen, 4),
                          "test_accuracy": accuracy, "samples_per_sec": round(rate)}), flush=True)
    print(json.dumps({"event": "summary", "backend": "torch", "workers": args.workers, "epochs": args.epochs,
                      "test_accuracy": accuracy, "wall_seconds": round(time.perf_counter() - start, 2)}))


if __name__ == "__main__":
    main()
