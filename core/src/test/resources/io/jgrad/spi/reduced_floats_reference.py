"""Writes reduced_floats_reference.txt: SHA-256 digests of PyTorch's float32 <-> bfloat16/float16 casts over input
sets that ReducedFloatsTest rebuilds identically (random bit patterns, every bfloat16 tie, every normal float16 tie,
the float16 subnormal ties, every 16-bit pattern decoded). NaN results are canonicalised (any NaN is NaN), since the
payload PyTorch keeps depends on its vectorised or scalar path.

Run: /usr/bin/python3 reduced_floats_reference.py   (needs torch and numpy)
"""
import hashlib

import numpy as np
import torch


def encode_inputs():
    i = np.arange(1 << 20, dtype=np.uint64)
    a = ((i * 0x9E3779B1) & 0xFFFFFFFF).astype(np.uint32)
    h = np.arange(1 << 16, dtype=np.uint32)
    b = np.concatenate([(h << 16) | low for low in (0x7FFF, 0x8000, 0x8001)]).astype(np.uint32)
    c = ((np.arange(1 << 19, dtype=np.uint32) << 13) | 0x1000).astype(np.uint32)
    d = (np.arange(1 << 12, dtype=np.float32) * np.float32(2.0 ** -25)).view(np.uint32)
    return np.concatenate([a, b, c, d]).view(np.float32)


def digest16(bits, nan_mask, canonical):
    out = bits.copy()
    out[nan_mask] = canonical
    return hashlib.sha256(out.astype('<u2').tobytes()).hexdigest()


def main():
    x = encode_inputs()
    t = torch.from_numpy(x.copy())
    nan = np.isnan(x)
    bf16 = t.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    fp16 = t.to(torch.float16).view(torch.int16).numpy().view(np.uint16)
    patterns = torch.arange(1 << 16, dtype=torch.int32).to(torch.int16)
    lines = [
        "encode_count %d" % len(x),
        "bfloat16_encode %s" % digest16(bf16, nan, 0x7FC0),
        "float16_encode %s" % digest16(fp16, nan, 0x7E00),
    ]
    for name, dtype in (("bfloat16", torch.bfloat16), ("float16", torch.float16)):
        f = patterns.view(dtype).to(torch.float32).numpy()
        fb = f.view(np.uint32).copy()
        fb[np.isnan(f)] = 0x7FC00000
        lines.append("%s_decode %s" % (name, hashlib.sha256(fb.astype('<u4').tobytes()).hexdigest()))
    with open("reduced_floats_reference.txt", "w") as out:
        out.write("# written by reduced_floats_reference.py with torch %s\n" % torch.__version__)
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
