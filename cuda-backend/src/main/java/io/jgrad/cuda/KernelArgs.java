package io.jgrad.cuda;

import java.nio.ByteBuffer;
import jcuda.driver.CUdeviceptr;

/**
 * One kernel's parameter list in the form cuLaunchKernel wants, kept in the kernel's own block of page-locked
 * memory ({@link ArgumentArena}): a table of {@link #MAX_ARGS} addresses, each pointing to one argument's value in
 * the value area after it. {@link Kernel#args()} starts a list, the typed adders follow the kernel's C signature in
 * order, and {@link #launch} hands the driver the table's address. The driver copies the values during the launch
 * (and into the node when a graph is being recorded), so the block is free again when launch returns: a launch
 * allocates nothing, on the Java heap or in native memory. A list is built and launched within one call, on the
 * thread that owns the backend.
 */
final class KernelArgs {
  /** Parameters a kernel may take; the most any kernel here takes is 15 (the tensor-core GEMMs). */
  static final int MAX_ARGS = 32;
  /** The value area: the driver's 4 KB of parameters, each value here rounded up to 8 bytes. */
  static final int VALUE_BYTES = 4096 + 8 * MAX_ARGS;
  private static final int TABLE_BYTES = 8 * MAX_ARGS;
  static final int BYTES = TABLE_BYTES + VALUE_BYTES;

  private final Kernel kernel;
  private final ArgumentArena.Block block;
  private final ByteBuffer bytes;
  private int count;
  private int used;

  KernelArgs(Kernel kernel, ArgumentArena.Block block) {
    this.kernel = kernel;
    this.block = block;
    this.bytes = block.bytes();
  }

  /** An empty list (the previous one was launched or abandoned). */
  KernelArgs clear() {
    count = 0;
    used = 0;
    return this;
  }

  KernelArgs i32(int value) {
    bytes.putInt(next(4), value);
    return this;
  }

  KernelArgs i64(long value) {
    bytes.putLong(next(8), value);
    return this;
  }

  KernelArgs f32(double value) {
    bytes.putFloat(next(4), (float) value);
    return this;
  }

  KernelArgs f64(double value) {
    bytes.putDouble(next(8), value);
    return this;
  }

  /** A device pointer; null passes a null pointer (kernels document which arguments may be null). */
  KernelArgs ptr(CUdeviceptr pointer) {
    return i64(pointer == null ? 0 : DeviceAddress.of(pointer));
  }

  /** A struct of 64-bit fields passed by value (e.g. binary.cu's Broadcast). */
  KernelArgs struct(long[] fields) {
    int at = next(8 * fields.length);
    for (int i = 0; i < fields.length; i++) {
      bytes.putLong(at + 8 * i, fields[i]);
    }
    return this;
  }

  /** A struct of 32-bit int fields passed by value (e.g. conv.cu's Conv). */
  KernelArgs struct(int[] fields) {
    int at = next(4 * fields.length);
    for (int i = 0; i < fields.length; i++) {
      bytes.putInt(at + 4 * i, fields[i]);
    }
    return this;
  }

  /** Launches the kernel with this list (see {@link Kernel#launch}). */
  void launch(Grid grid) {
    kernel.launch(grid, block.pointer());
  }

  /** Arguments added since {@link #clear}. */
  int count() {
    return count;
  }

  /** Reserves the next argument's {@code size} bytes (8-aligned) and enters their address in the table. */
  private int next(int size) {
    if (count == MAX_ARGS || used + size > VALUE_BYTES) {
      throw new IllegalStateException(kernel.name() + ": more than " + MAX_ARGS + " arguments or "
          + VALUE_BYTES + " bytes of them");
    }
    int at = TABLE_BYTES + used;
    bytes.putLong(8 * count, block.address() + at);
    count++;
    used += (size + 7) & ~7;
    return at;
  }
}
