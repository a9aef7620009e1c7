"""Writes torch_16bit.safetensors with PyTorch, in the safetensors layout (8-byte little-endian header length, JSON
header, raw little-endian data), and checks that a file jgrad wrote loads back into the same tensors.

    /usr/bin/python3 torch_16bit.py                 # writes torch_16bit.safetensors
    /usr/bin/python3 torch_16bit.py check FILE      # loads FILE (written by jgrad) and compares with the same tensors

The safetensors Python package is not needed: the format is parsed here by hand, the bytes come from torch.
"""
import json
import struct
import sys

import torch

DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def tensors():
    values = torch.tensor([[0.0, -0.0, 1.0, -2.5, 3.140625, 1e-3],
                           [65504.0, -1e-7, float("inf"), float("-inf"), 1.0 / 3.0, 7.0]])
    return {"w_bf16": values.to(torch.bfloat16), "w_f16": values.to(torch.float16), "w_f32": values}


def write(path):
    header, data = {}, b""
    for name, t in tensors().items():
        raw = t.contiguous().view(torch.uint8).numpy().tobytes()
        code = [k for k, v in DTYPES.items() if v == t.dtype][0]
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = bytearray(blob[8 + n + b:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=torch.uint8).view(DTYPES[e["dtype"]]).reshape(e["shape"])
    return out


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "check":
        got = read(sys.argv[2])
        for name, t in tensors().items():
            assert got[name].dtype == t.dtype, (name, got[name].dtype)
            assert torch.equal(got[name].view(torch.uint8), t.view(torch.uint8)), name
        print("ok: %s loads in torch %s with the same dtypes and bits" % (sys.argv[2], torch.__version__))
    else:
        write("torch_16bit.safetensors")
