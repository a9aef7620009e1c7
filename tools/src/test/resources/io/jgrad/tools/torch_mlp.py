"""Writes the PyTorch networks TorchMlpTest imports, and what PyTorch 1.13 computes with them (in evaluation mode).

- torch_mlp.safetensors: nn.Sequential(Linear(4, 16), ReLU(), Dropout(0.2), Linear(16, 8), ReLU(), Dropout(0.2),
  Linear(8, 3)) behind a StandardScaler-like standardisation (mean, std below); torch_mlp.txt: its inputs (raw), then
  the softmax of its outputs, one row each.
- torch_named.safetensors: a module whose Linear layers are fc1 (3 -> 5) and fc2 (5 -> 2, no bias), tanh between
  them, fitting two values; torch_named.txt: inputs, then outputs.
- torch_images.safetensors: nn.Sequential(Flatten(), Linear(12, 6), GELU(approximate='tanh'), Linear(6, 2)) on 3x2x2
  images behind transforms.Normalize(MEAN, STD) per channel; torch_images.txt: the pixels (channels first), then the
  softmax.
Run from this folder: /usr/bin/python3 torch_mlp.py
"""
import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

torch.manual_seed(0)
np.random.seed(0)


def rows(path, inputs, outputs):
    with open(path, "w") as f:
        for a in (inputs, outputs):
            for r in a.reshape(len(a), -1):
                f.write(",".join(repr(float(v)) for v in r) + "\n")


mlp = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 8), nn.ReLU(), nn.Dropout(0.2),
                    nn.Linear(8, 3)).eval()
mean = torch.tensor([1.0, -2.0, 0.5, 10.0])
std = torch.tensor([2.0, 0.5, 1.0, 4.0])
x = (torch.randn(6, 4) * std + mean).float()
with torch.no_grad():
    p = torch.softmax(mlp((x - mean) / std), dim=1)
save_file(mlp.state_dict(), "torch_mlp.safetensors")
rows("torch_mlp.txt", x.numpy(), p.numpy())


class Named(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.fc2 = nn.Linear(5, 2, bias=False)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


named = Named().eval()
x = torch.randn(4, 3)
with torch.no_grad():
    y = named(x)
save_file(named.state_dict(), "torch_named.safetensors")
rows("torch_named.txt", x.numpy(), y.numpy())

images = nn.Sequential(nn.Flatten(), nn.Linear(12, 6), nn.GELU(approximate="tanh"), nn.Linear(6, 2)).eval()
MEAN, STD = torch.tensor([0.4, 0.5, 0.6]), torch.tensor([0.2, 0.25, 0.3])
x = torch.rand(5, 3, 2, 2)
with torch.no_grad():
    p = torch.softmax(images((x - MEAN[:, None, None]) / STD[:, None, None]), dim=1)
save_file(images.state_dict(), "torch_images.safetensors")
rows("torch_images.txt", x.numpy(), p.numpy())
