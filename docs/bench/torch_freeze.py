"""PyTorch CPU reference for `jgrad train --freeze K`: torch_recipe.py's recipe loop (Fashion-MNIST, 784-512-256-10
ReLU MLP with dropout 0.2, batch 128, AdamW, warmup + cosine, label smoothing 0.1) with the first K Linear layers
frozen as a PyTorch user freezes them, `requires_grad_(False)`, the optimizer given every parameter (AdamW skips those
without a gradient). Prints torch_recipe.py's JSON lines; the summary's samples_per_sec is the mean over epochs.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_freeze.py \
         --freeze 2 [--epochs 3] [--threads 2]
"""
from torch import nn

from torch_recipe import arguments, fit, recipe_mlp, standardised


def main():
    args = arguments(lambda ap: ap.add_argument("--freeze", type=int, default=0))
    model = recipe_mlp()
    linear = [m for m in model if isinstance(m, nn.Linear)]
    for layer in linear[:args.freeze]:
        layer.requires_grad_(False)
    fit(model, "freeze", args, *standardised(args.data))


if __name__ == "__main__":
    main()
