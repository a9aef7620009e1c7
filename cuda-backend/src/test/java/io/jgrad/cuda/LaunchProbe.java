package io.jgrad.cuda;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Run by {@link KernelLaunchHostTest} in a child JVM whose libcuda.so.1 is native/host/null_driver.c: launches
 * through {@link Kernel} and JCuda, then prints what the driver was handed, read back through JCuda: one line per
 * argument (its bytes in hex), the grid, and the Java heap a launch allocates once compiled.
 */
final class LaunchProbe {
  static final int I32 = -7;
  static final double F32 = 0.25;
  static final long ADDRESS = 0x7f12_3456_7800L;
  static final long I64 = Long.MIN_VALUE + 5;
  static final double F64 = Math.PI;
  static final int[] INTS = {1, -2, 3};
  /** As large as training_step.cu's TensorList. */
  static final long[] LONGS = longs(TrainingStepKernels.LIST_LONGS);
  /** Each argument's size in bytes, in the order of {@link #main}'s list. */
  static final int[] SIZES = {4, 4, 8, 8, 8, 8, 4 * INTS.length, 8 * LONGS.length};
  static final Grid GRID = new Grid(3, 2, 1, 256, 1, 1);
  static final int TIMED_LAUNCHES = 200_000;

  private LaunchProbe() {}

  public static void main(String[] args) {
    JCudaDriver.setExceptionsEnabled(true);
    try (ArgumentArena arena = new ArgumentArena()) {
      Kernel kernel = new Kernel("probe", new CUfunction(), new CUstream(), arena.block());
      kernel.args().i32(I32).f32(F32).ptr(null).ptr(address(ADDRESS)).i64(I64).f64(F64).struct(INTS).struct(LONGS)
          .launch(GRID);
      long[] launch = read(0, 10);
      long table = launch[1];
      for (int i = 0; i < SIZES.length; i++) {
        long at = read(table + 8L * i, 1)[0];
        System.out.println("arg " + i + " " + HexFormat.of().formatHex(bytes(at, SIZES[i])));
      }
      System.out.println("launches " + launch[0] + " extra " + launch[2]);
      System.out.println("grid " + Arrays.toString(Arrays.copyOfRange(launch, 3, 10)));
      timed(arena);
    }
  }

  /** A launch as a kernel of the backend sees it, many times: heap bytes and nanoseconds per launch. */
  private static void timed(ArgumentArena arena) {
    Kernel kernel = new Kernel("timed", new CUfunction(), new CUstream(), arena.block());
    CUdeviceptr x = address(ADDRESS);
    CUdeviceptr y = address(ADDRESS + 4096);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) {  // the first compiles it
      long bytes = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      for (int i = 0; i < TIMED_LAUNCHES; i++) {
        kernel.args().i32(i & 3).f32(0.5).ptr(x).ptr(y).i64(i).launch(GRID);
      }
      long nanos = System.nanoTime() - start;
      bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
      System.out.println("round " + round + " heap_bytes_per_launch " + (double) bytes / TIMED_LAUNCHES
          + " ns_per_launch " + (double) nanos / TIMED_LAUNCHES);
    }
  }

  static CUdeviceptr address(long address) {
    return new CUdeviceptr().withByteOffset(address);
  }

  /** {@code count} 64-bit words from host address {@code at}, or the driver's launch record when it is 0. */
  private static long[] read(long at, int count) {
    long[] words = new long[count];
    JCudaDriver.cuMemcpyDtoH(Pointer.to(words), address(at), 8L * count);
    return words;
  }

  private static byte[] bytes(long at, int count) {
    byte[] bytes = new byte[count];
    JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), address(at), count);
    return bytes;
  }

  private static long[] longs(int n) {
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = 0x0101_0101_0101_0101L * (i + 1) ^ (long) i << 60;
    }
    return values;
  }
}
