"""The learning rates PyTorch's ReduceLROnPlateau (default threshold 1e-4 rel, no cooldown, min_lr 0, eps 1e-8) sets
after each epoch's metric, the expected rates of ReduceLrOnPlateauTest (PyTorch 1.13).
Run: /usr/bin/python3 reduce_lr_on_plateau.py"""
import json

import torch

CASES = [
    # mode, lr, patience, factor, the metrics of the epochs
    ("min", 0.1, 2, 0.5, [1.0, 0.9, 0.95, 0.91, 0.8999, 0.89995, 0.9, 0.7, 0.7, float("nan"), 0.69999, 0.71, 0.72]),
    ("max", 1e-7, 0, 0.1, [0.5, 0.6, 0.6, 0.60005, 0.6001, 0.59, 0.7, 0.7, 0.7]),
    ("min", 1.0, 1, 0.3, [float("nan"), float("inf"), 2.0, -1.0, -0.99995, -1.1, -1.1, -1.1]),
]
for mode, lr, patience, factor, metrics in CASES:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=mode, patience=patience, factor=factor)
    rates = []
    for m in metrics:
        plateau.step(m)
        rates.append(opt.param_groups[0]["lr"])
    print(json.dumps({"mode": mode, "lr": lr, "patience": patience, "factor": factor, "rates": rates}))
