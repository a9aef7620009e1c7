package io.jgrad.cuda;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;

/**
 * One float32 element through a CPU backend's element-wise kernels: the reference the host tests of the CUDA kernels'
 * math compare each case with. Every buffer it makes is freed before it returns.
 */
final class ScalarReference {
  /** The alpha (LeakyReLU slope, ELU scale) the host tests give every parameterised activation. */
  static final float ALPHA = 0.5f;

  private ScalarReference() {}

  static float unary(Backend cpu, UnaryOp op, float x) {
    Buffer in = put(cpu, x);
    Buffer out = cpu.allocate(DType.FLOAT32, 1);
    cpu.unary(op, ALPHA, in, out);
    return take(cpu, out, in);
  }

  static float unaryBackward(Backend cpu, UnaryOp op, float saved, float dy) {
    Buffer s = op.saves() == UnaryOp.Saves.NOTHING ? null : put(cpu, saved);
    Buffer d = put(cpu, dy);
    Buffer dx = cpu.allocate(DType.FLOAT32, 1);
    cpu.unaryBackward(op, ALPHA, s, d, dx);
    if (s != null) {
      cpu.free(s);
    }
    return take(cpu, dx, d);
  }

  static float binary(Backend cpu, BinaryOp op, float a, float b) {
    Buffer ba = put(cpu, a);
    Buffer bb = put(cpu, b);
    Buffer out = cpu.allocate(DType.FLOAT32, 1);
    cpu.binary(op, ba, Shape.of(1), bb, Shape.of(1), out, Shape.of(1));
    cpu.free(bb);
    return take(cpu, out, ba);
  }

  private static Buffer put(Backend cpu, float value) {
    Buffer b = cpu.allocate(DType.FLOAT32, 1);
    cpu.upload(b, new float[] {value});
    return b;
  }

  /** Downloads out's one element and frees out and the input. */
  private static float take(Backend cpu, Buffer out, Buffer input) {
    float[] v = new float[1];
    cpu.download(out, v);
    cpu.free(out);
    cpu.free(input);
    return v[0];
  }
}
