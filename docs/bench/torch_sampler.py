"""PyTorch CPU reference for `jgrad train --sampler balanced`: the default recipe (torch_recipe.py's network, AdamW,
warmup + cosine, label smoothing 0.1, batch 128, 10 epochs) on the imbalanced Fashion-MNIST image folder
(`fashion_png.py OUT --cut 5`), its images decoded once into tensors (one grey channel, standardised with the training
images' mean and std), through a DataLoader that shuffles or, with --sampler balanced, draws each epoch with
`WeightedRandomSampler(1 / its class's count, len(train))`. Prints the test accuracy and macro F1 (scikit-learn's) on
the balanced test folder.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_sampler.py \
         --train imb/train --test fashion/test [--sampler balanced] [--epochs 10] [--seed 0]
"""
import json

import numpy as np
import torch
from sklearn.metrics import f1_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler
from torchvision import datasets, transforms

from torch_recipe import arguments, train_epoch, warmup_cosine


def tensors(folder):
    """Every image of an ImageFolder as [N, 784] pixels in [0, 1], and its labels."""
    data = datasets.ImageFolder(folder, transforms.Compose([transforms.Grayscale(1), transforms.ToTensor()]))
    x, y = zip(*[(image.reshape(-1), label) for image, label in data])
    return torch.stack(x), torch.tensor(y)


def main():
    args = arguments(lambda ap: (ap.add_argument("--train", required=True), ap.add_argument("--test", required=True),
                                 ap.add_argument("--sampler", choices=["shuffle", "balanced"], default="shuffle")))
    x, y = tensors(args.train)
    x_test, y_test = tensors(args.test)
    mean, std = x.mean(), x.std()
    x, x_test = (x - mean) / std, (x_test - mean) / std
    if args.sampler == "balanced":
        counts = torch.bincount(y).double()
        sampler = WeightedRandomSampler((1 / counts)[y], num_samples=len(y), replacement=True)
        train = DataLoader(TensorDataset(x, y), batch_size=128, sampler=sampler)
    else:
        train = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                          nn.Dropout(0.2), nn.Linear(256, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = warmup_cosine(opt, args.epochs * len(train))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for _ in range(args.epochs):
        train_epoch(model, train, opt, schedule, loss_fn)
    model.eval()
    with torch.no_grad():
        predicted = model(x_test).argmax(1).numpy()
    print(json.dumps({"bench": "sampler", "sampler": args.sampler, "seed": args.seed, "epochs": args.epochs,
                      "test_accuracy": float(np.mean(predicted == y_test.numpy())),
                      "test_macro_f1": f1_score(y_test.numpy(), predicted, average="macro")}))


if __name__ == "__main__":
    main()
