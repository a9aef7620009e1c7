"""Exports a small PyTorch CNN for jgrad's state-dict test (cpu-backend's TorchCnnTest).

Writes, next to the test, torch_cnn.safetensors (the model's state dict, as torch saves it: float32 weights and
running statistics, int64 num_batches_tracked) and torch_cnn_io.safetensors (an input batch and the model's output in
eval mode). The safetensors format is written by hand (an 8-byte header length, a JSON header, the raw little-endian
bytes), so only torch is needed. Run from the repository root: /usr/bin/python3 docs/bench/export_torch_cnn.py
"""
import json
import struct

import torch
import torch.nn as nn

OUT = "cpu-backend/src/test/resources/io/jgrad/nn/"
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
        nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    # A few training-mode batches so the running statistics and num_batches_tracked are not their defaults.
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(5, 1, 12, 12) * 2 + 0.5)
        for p in model.parameters():  # move the affine terms off their ones and zeros
            p.add_(torch.randn_like(p) * 0.1)
    model.eval()
    x = torch.randn(2, 1, 12, 12)
    with torch.no_grad():
        y = model(x)
    write_safetensors(OUT + "torch_cnn.safetensors", model.state_dict())
    write_safetensors(OUT + "torch_cnn_io.safetensors", {"input": x, "output": y})
    print(json.dumps({"torch": torch.__version__, "output": y.tolist()}))


if __name__ == "__main__":
    main()
