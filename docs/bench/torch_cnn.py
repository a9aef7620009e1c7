"""PyTorch CPU reference for `jgrad train --model cnn --dataset fashion-mnist`: the same network and recipe.

Network (jgrad's Cnn for 28x28 images): two blocks of [3x3 conv, padding 1, no bias; BatchNorm2d; 2x2 max-pool; ReLU]
of 32 and 64 channels, then Flatten (3136), Linear 128, ReLU, Dropout 0.2, Linear 10. Max-pool before ReLU is the same
function with the same gradients as ReLU before max-pool (ReLU is non-decreasing) on a quarter of the elements, as
jgrad's CnnSpec runs it; `--relu-first` runs the textbook order (the state dict's names are the same either way). Recipe (as torch_recipe.py):
inputs standardised with the training set's mean/std, batch 128 shuffled, AdamW (lr 5e-3, decay 0.01), linear
warmup over the first 1/20 of the steps then cosine down to lr/100 (per batch), label smoothing 0.1, evaluation on the
10,000 test images (batch 1000) after each epoch. One JSON line per epoch with the training samples/s (evaluation
excluded, as jgrad's `samples_per_sec`), then a summary whose samples_per_sec is the mean over epochs.

Run beside `examples/target/jgrad train --model cnn --dataset fashion-mnist --epochs 10` in a quiet window:
    /usr/bin/python3 docs/bench/torch_cnn.py [--epochs 10] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
        [--relu-first]
"""

import torch
from torch import nn

from torch_recipe import arguments, fit, standardised


def cnn(relu_first=False):
    def block(cin, cout):
        act = [nn.ReLU(), nn.MaxPool2d(2)] if relu_first else [nn.MaxPool2d(2), nn.ReLU()]
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), *act]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(128, 10))


def main():
    args = arguments(lambda ap: ap.add_argument("--relu-first", action="store_true",
                                                help="ReLU before max-pool (the textbook order)"))
    x_train, y_train, x_test, y_test = standardised(args.data)
    # jgrad's CNN default under AdamW (TrainCommand.CNN_ADAM_LR).
    fit(cnn(args.relu_first), "cnn", args, x_train.view(-1, 1, 28, 28), y_train, x_test.view(-1, 1, 28, 28), y_test,
        lr=5e-3)


if __name__ == "__main__":
    main()
