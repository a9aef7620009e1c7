"""PyTorch CPU reference for `jgrad train --schedule plateau`: torch_recipe.py's network and data (Fashion-MNIST,
784-512-256-10 ReLU MLP, dropout 0.2, batch 128, label smoothing 0.1) trained with SGD (momentum 0.9, lr 0.05, no
weight decay) at a constant rate lowered by ReduceLROnPlateau (factor 0.1, patience --patience) on the validation loss
(the criterion's, smoothing included, as jgrad's) of a tenth of the training images held out. One JSON line per epoch
(the rate it ran at, the validation loss and the test accuracy), then a summary.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_plateau.py \
         [--epochs 30] [--patience 2] [--threads 2]
"""
import json

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torch_recipe import arguments, recipe_mlp, standardised, train_epoch


class NoSchedule:
    """train_epoch steps a per-batch schedule; the plateau is stepped once an epoch instead."""

    def step(self):
        pass


def evaluate(model, data, loss_fn):
    model.eval()
    loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for x, y in data:
            out = model(x)
            loss += loss_fn(out, y).item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            n += len(y)
    return loss / n, correct / n


def main():
    args = arguments(lambda ap: ap.add_argument("--patience", type=int, default=2))
    x, y, x_test, y_test = standardised(args.data)
    order = torch.randperm(len(x))
    held = len(x) // 10
    val, fit = order[:held], order[held:]
    train = DataLoader(TensorDataset(x[fit], y[fit]), batch_size=128, shuffle=True)
    validation = DataLoader(TensorDataset(x[val], y[val]), batch_size=1000)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    model = recipe_mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=args.patience)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(1, args.epochs + 1):
        lr = opt.param_groups[0]["lr"]
        loss_sum, seen = train_epoch(model, train, opt, NoSchedule(), loss_fn)
        val_loss, _ = evaluate(model, validation, loss_fn)
        _, accuracy = evaluate(model, test, loss_fn)
        plateau.step(val_loss)
        print(json.dumps({"bench": "plateau", "event": "epoch", "epoch": epoch, "lr": lr,
                          "train_loss": round(loss_sum / seen, 4), "validation_loss": round(val_loss, 4),
                          "test_accuracy": accuracy}), flush=True)
    print(json.dumps({"bench": "plateau", "event": "summary", "torch": torch.__version__, "epochs": args.epochs,
                      "patience": args.patience, "test_accuracy": accuracy}))


if __name__ == "__main__":
    main()
