"""Exports a small PyTorch ResNet for jgrad's ResNet test (tools' TorchResNetTest).

The network of `jgrad train --model resnet --depth 8 --dropout 0` for 3x9x7 images and 4 classes, built by
torch_cnn.resnet from torchvision's own BasicBlock (conv1, bn1, conv2, bn2, downsample: the layout ResNetSpec names its
layers by) inside an nn.Sequential whose first element is the Unflatten, as jgrad's. Writes, next to the test,
torch_resnet.safetensors (its state dict after a few training-mode batches moved the running statistics and noise moved
the batch norms' affine terms) and torch_resnet_io.safetensors: an input batch with its labels; the training-mode
cross-entropy and every parameter's gradient (grad.NAME) for that batch; then the eval-mode output (after the
training-mode pass moved the running statistics once more). Run from the repository root: /usr/bin/python3
docs/bench/export_torch_resnet.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_torch_cnn import write_safetensors  # noqa: E402
from torch_cnn import resnet  # noqa: E402

OUT = "tools/src/test/resources/io/jgrad/tools/"
SHAPE = (3, 9, 7)
CLASSES = 4


def main():
    torch.manual_seed(0)
    features = SHAPE[0] * SHAPE[1] * SHAPE[2]
    model = resnet(SHAPE, 8, CLASSES, dropout=0, unflatten=True)
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(5, features) * 2 + 0.5)
        for name, p in model.named_parameters():
            if ".bn" in name or "downsample.1" in name or name.startswith("2."):
                p.add_(torch.randn_like(p) * 0.1)
    write_safetensors(OUT + "torch_resnet.safetensors", model.state_dict())
    x = torch.randn(6, features)
    labels = torch.tensor([0, 3, 1, 2, 3, 0])
    model.train()
    loss = nn.functional.cross_entropy(model(x), labels)
    loss.backward()
    io = {"input": x, "labels": labels, "train_loss": loss.detach().reshape(1)}
    io.update({"grad." + name: p.grad for name, p in model.named_parameters()})
    model.eval()
    with torch.no_grad():
        io["output"] = model(x)
    write_safetensors(OUT + "torch_resnet_io.safetensors", io)
    print(json.dumps({"torch": torch.__version__, "train_loss": loss.item()}))


if __name__ == "__main__":
    main()
