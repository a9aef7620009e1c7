"""PyTorch CPU reference for `jgrad train --model cnn --dataset fashion-mnist`: the same network and recipe.

Network (jgrad's Cnn for 28x28 images): two blocks of [3x3 conv, padding 1, no bias; BatchNorm2d; 2x2 max-pool; ReLU]
of 32 and 64 channels, then Flatten (3136), Linear 128, ReLU, Dropout 0.2, Linear 10. Max-pool before ReLU is the same
function with the same gradients as ReLU before max-pool (ReLU is non-decreasing) on a quarter of the elements, as
jgrad's CnnSpec runs it; `--relu-first` runs the textbook order (the state dict's names are the same either way). Recipe (as torch_recipe.py):
inputs standardised with the training set's mean/std, batch 128 shuffled, AdamW (lr 5e-3, decay 0.01), linear
warmup over the first 1/20 of the steps then cosine down to lr/100 (per batch), label smoothing 0.1, evaluation on the
10,000 test images (batch 1000) after each epoch. One JSON line per epoch with the training samples/s (evaluation
excluded, as jgrad's `samples_per_sec`), then a summary whose samples_per_sec is the mean over epochs.

With `--model resnet [--depth 20]`, the network of `jgrad train --model resnet`: He et al.'s CIFAR-10 ResNet of 6n + 2
layers, torchvision's BasicBlock (its downsample a 1x1 conv and a BatchNorm2d) in stages of 16, 32 and 64 channels after
a 3x3 conv + BatchNorm2d + ReLU stem, then global average pooling, Dropout 0.2 and Linear; the same recipe.

With `--dataset cifar10` (`--data` then a folder of CIFAR-10's binary batches, data_batch_1.bin … data_batch_5.bin and
test_batch.bin, of any number of records), the network of `jgrad train --model cnn --dataset cifar10`: a third block of
128 channels on the 32x32x3 images (Flatten 2048), inputs standardised per channel with the training set's statistics.

Run beside `examples/target/jgrad train --model cnn --dataset fashion-mnist --epochs 10` in a quiet window:
    /usr/bin/python3 docs/bench/torch_cnn.py [--epochs 10] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
        [--relu-first] [--model resnet [--depth 20]] [--dataset cifar10 --data DIR]
"""
import os

import numpy as np
import torch
from torch import nn
from torchvision.models.resnet import BasicBlock

from torch_recipe import arguments, fit, standardised


def cnn(channels=(1, 32, 64), side=28, relu_first=False):
    def block(cin, cout):
        act = [nn.ReLU(), nn.MaxPool2d(2)] if relu_first else [nn.MaxPool2d(2), nn.ReLU()]
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), *act]
    blocks = [layer for cin, cout in zip(channels, channels[1:]) for layer in block(cin, cout)]
    features = channels[-1] * (side >> (len(channels) - 1)) ** 2
    return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(features, 128), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(128, 10))


def resnet(shape=(1, 28, 28), depth=20, classes=10, dropout=0.2, unflatten=False):
    """jgrad's ResNetSpec: the same layers in the same nn.Sequential order, so the state dicts' names agree."""
    n = (depth - 2) // 6
    layers = [nn.Unflatten(1, shape)] if unflatten else []
    layers += [nn.Conv2d(shape[0], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, cout in enumerate((16, 32, 64)):
        for b in range(n):
            stride = 2 if stage > 0 and b == 0 else 1
            down = None if stride == 1 and cin == cout else nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
            layers.append(BasicBlock(cin, cout, stride, down))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    layers += [nn.Dropout(dropout)] if dropout > 0 else []
    return nn.Sequential(*layers, nn.Linear(cin, classes))


def network(args, shape):
    return resnet(shape, args.depth) if args.model == "resnet" else cnn(
        (shape[0], 32, 64) + ((128,) if shape[1] >= 32 else ()), shape[1], args.relu_first)


def cifar(root):
    """CIFAR-10's binary batches as [N, 3, 32, 32] tensors, standardised per channel with the training set's
    statistics (as jgrad's CifarReader)."""
    def read(name):
        raw = np.fromfile(os.path.join(root, name), dtype=np.uint8).reshape(-1, 3073)
        x = raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255
        return torch.from_numpy(x), torch.from_numpy(raw[:, 0].astype(np.int64))
    parts = [read("data_batch_%d.bin" % b) for b in range(1, 6)]
    x_train, y_train = torch.cat([x for x, _ in parts]), torch.cat([y for _, y in parts])
    x_test, y_test = read("test_batch.bin")
    mean = x_train.mean(dim=(0, 2, 3), keepdim=True)
    std = x_train.std(dim=(0, 2, 3), keepdim=True)
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


def main():
    def extra(ap):
        ap.add_argument("--relu-first", action="store_true", help="ReLU before max-pool (the textbook order)")
        ap.add_argument("--dataset", choices=["fashion-mnist", "cifar10"], default="fashion-mnist")
        ap.add_argument("--model", choices=["cnn", "resnet"], default="cnn")
        ap.add_argument("--depth", type=int, default=20, help="--model resnet: 6n + 2")
        ap.add_argument("--lr", type=float, default=5e-3)
    args = arguments(extra)
    # jgrad's default under AdamW for both networks (TrainCommand.CONV_NET_ADAM_LR).
    name = args.model if args.model == "cnn" else "resnet%d" % args.depth
    if args.dataset == "cifar10":
        x_train, y_train, x_test, y_test = cifar(args.data)
        fit(network(args, (3, 32, 32)), name + "_cifar10", args, x_train, y_train, x_test, y_test, lr=args.lr)
        return
    x_train, y_train, x_test, y_test = standardised(args.data)
    fit(network(args, (1, 28, 28)), name, args, x_train.view(-1, 1, 28, 28), y_train, x_test.view(-1, 1, 28, 28),
        y_test, lr=args.lr)


if __name__ == "__main__":
    main()
