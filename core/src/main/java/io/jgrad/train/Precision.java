package io.jgrad.train;

import io.jgrad.Autocast;
import io.jgrad.DType;
import java.util.Locale;

/** The precision a {@link Trainer} runs its steps in: float32, or mixed with bfloat16 or float16 GEMMs (Autocast). */
public enum Precision {
  FP32(DType.FLOAT32),
  /** bfloat16 GEMMs: float32's range, so no loss scaling. */
  BF16(DType.BFLOAT16),
  /** float16 GEMMs with a dynamic {@link GradScaler}: small gradients would underflow float16 without it. */
  FP16(DType.FLOAT16);

  private final DType dtype;

  Precision(DType dtype) {
    this.dtype = dtype;
  }

  /** The GEMM type: FLOAT32, BFLOAT16 or FLOAT16. */
  public DType dtype() {
    return dtype;
  }

  /** "fp32", "bf16", "fp16": the command line's and the summary's name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The precision named {@code label} ("fp32", "bf16", "fp16"). */
  public static Precision parse(String label) {
    for (Precision p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, got '" + label + "'");
  }

  /** The autocast region of a forward in this precision (for FP32, one that turns autocast off). */
  public Autocast enter() {
    return Autocast.enter(dtype);
  }
}
