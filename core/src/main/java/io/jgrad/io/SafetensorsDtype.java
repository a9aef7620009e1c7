package io.jgrad.io;

import java.util.Optional;

/** The element types jgrad reads and writes in safetensors files, by their safetensors names. */
public enum SafetensorsDtype {
  F32(4),
  F64(8),
  /** bfloat16, as PyTorch writes torch.bfloat16. */
  BF16(2),
  /** IEEE binary16, as PyTorch writes torch.float16. */
  F16(2),
  I32(4),
  I64(8);

  private final int bytes;

  SafetensorsDtype(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /** The type named {@code code} in a header ("F32"), or empty when jgrad does not support it. */
  public static Optional<SafetensorsDtype> fromCode(String code) {
    for (SafetensorsDtype dtype : values()) {
      if (dtype.name().equals(code)) {
        return Optional.of(dtype);
      }
    }
    return Optional.empty();
  }
}
