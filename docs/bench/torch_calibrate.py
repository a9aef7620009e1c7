"""Temperature scaling (Guo et al. 2017) of the PyTorch recipe, beside `jgrad train --val-split 0.1 --calibrate`
(docs/benchmarks.md, "Calibration"): the recipe of torch_recipe.py trained on a random 90% of Fashion-MNIST's training
images, T fitted by L-BFGS on log T to the other 10%'s cross-entropy (Guo et al.'s code's way), then the test set's
cross-entropy and expected calibration error (15 bins) without and with T.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_calibrate.py \
         [--epochs 10] [--threads 2] [--seed 0]
"""
import json

import torch
from torch import nn

from torch_recipe import arguments, ece, fit, recipe_mlp, standardised


def logits(model, x):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])


def main():
    args = arguments()
    x_train, y_train, x_test, y_test = standardised(args.data)
    order = torch.randperm(len(x_train))
    held = order[:len(order) // 10]
    kept = order[len(order) // 10:]
    model = recipe_mlp()
    fit(model, "calibrate", args, x_train[kept], y_train[kept], x_test, y_test)
    val = logits(model, x_train[held]).double()
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.5, max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(val / log_t.exp(), y_train[held])
        loss.backward()
        return loss

    opt.step(closure)
    t = log_t.exp().item()
    test = logits(model, x_test).double()
    print(json.dumps({"bench": "calibrate", "backend": "torch", "temperature": t,
                      "test_nll_uncalibrated": nn.functional.cross_entropy(test, y_test).item(),
                      "test_nll_calibrated": nn.functional.cross_entropy(test / t, y_test).item(),
                      "test_ece_uncalibrated": ece(test, y_test), "test_ece_calibrated": ece(test / t, y_test)}))


if __name__ == "__main__":
    main()
