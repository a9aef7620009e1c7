"""Trains a PyTorch MLP on Fashion-MNIST and saves its state dict for `jgrad import`: 784-512-256-10 (nn.Sequential of
Flatten, Linear, ReLU, Dropout 0.2, ...), AdamW 1e-3, batch 128, the pixels standardised by the training set's mean
and std. Prints one JSON line: the test accuracy and loss PyTorch measures in evaluation mode (float32), the mean and
std to give `jgrad import`, and the file written.

Run: /usr/bin/python3 docs/bench/torch_state_dict.py OUT.safetensors [EPOCHS]
  then: jgrad import --weights OUT.safetensors --output M.safetensors --input-shape 1,28,28 --mean MEAN --std STD \
            --classes "T-shirt/top,Trouser,..."; jgrad eval --model M.safetensors --dataset fashion-mnist
"""
import gzip
import json
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

DIR = "/usr/share/datasets/fashion-mnist/"


def idx(name, offset, shape):
    with gzip.open(DIR + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


out, epochs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.manual_seed(0)
x = torch.from_numpy(idx("train-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz", 8, (-1,)).astype(np.int64))
xt = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
yt = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz", 8, (-1,)).astype(np.int64))
mean, std = x.mean().item(), x.std().item()
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                      nn.Dropout(0.2), nn.Linear(256, 10))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(epochs):
    model.train()
    for i in torch.randperm(len(x)).split(128):
        opt.zero_grad()
        nn.functional.cross_entropy(model((x[i] - mean) / std), y[i]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    logits = model((xt - mean) / std)
save_file(model.state_dict(), out)
print(json.dumps({"event": "torch", "epochs": epochs, "test_accuracy": (logits.argmax(1) == yt).float().mean().item(),
                  "test_loss": nn.functional.cross_entropy(logits, yt).item(), "mean": mean, "std": std,
                  "weights": out}))
