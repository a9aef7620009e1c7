package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Test;

/**
 * The argument block without a driver: a direct buffer stands for the page-locked block and a made-up number for
 * its address. The table holds each value's address, values sit 8-aligned in the order added, and every kernel of
 * every PTX module fits a block.
 */
class KernelArgsTest {
  private static final long ADDRESS = 0x10_0000L;
  private static final int TABLE_BYTES = 8 * KernelArgs.MAX_ARGS;

  private final ByteBuffer memory = ByteBuffer.allocateDirect(KernelArgs.BYTES).order(ByteOrder.nativeOrder());
  private final Kernel kernel = new Kernel("k", new CUfunction(), new CUstream(),
      new ArgumentArena.Block(memory, ADDRESS, null));
  /** What the driver reads: little-endian, as on every host CUDA runs on. */
  private final ByteBuffer driver = memory.duplicate().order(ByteOrder.LITTLE_ENDIAN);

  @Test
  void eachValueSitsWhereItsTableEntryPoints() {
    CUdeviceptr x = new CUdeviceptr().withByteOffset(0x7f00_0000_1000L);
    int[] ints = {5, -6, 7};
    long[] longs = {Long.MAX_VALUE, -1, 42};
    KernelArgs args = kernel.args().i32(-3).f32(1.5).ptr(x).ptr(null).i64(-9).f64(-0.125).struct(ints).struct(longs);

    assertEquals(8, args.count());
    int[] sizes = {4, 4, 8, 8, 8, 8, 12, 24};
    long expected = ADDRESS + TABLE_BYTES;
    for (int i = 0; i < sizes.length; i++) {
      assertEquals(expected, driver.getLong(8 * i), "argument " + i + "'s address");
      expected += (sizes[i] + 7) & ~7;
    }
    assertEquals(-3, driver.getInt(value(0)));
    assertEquals(1.5f, driver.getFloat(value(1)));
    assertEquals(0x7f00_0000_1000L, driver.getLong(value(2)));
    assertEquals(0, driver.getLong(value(3)));
    assertEquals(-9, driver.getLong(value(4)));
    assertEquals(-0.125, driver.getDouble(value(5)));
    for (int i = 0; i < ints.length; i++) {
      assertEquals(ints[i], driver.getInt(value(6) + 4 * i));
    }
    for (int i = 0; i < longs.length; i++) {
      assertEquals(longs[i], driver.getLong(value(7) + 8 * i));
    }
  }

  @Test
  void aNewListStartsAtTheFirstEntry() {
    kernel.args().i64(1).i64(2).i64(3);
    KernelArgs again = kernel.args().i32(11);
    assertEquals(1, again.count());
    assertEquals(ADDRESS + TABLE_BYTES, driver.getLong(0));
    assertEquals(11, driver.getInt(value(0)));
  }

  @Test
  void aListBeyondTheBlockIsRefusedNamingTheKernel() {
    KernelArgs args = kernel.args();
    for (int i = 0; i < KernelArgs.MAX_ARGS; i++) {
      args.i32(i);
    }
    IllegalStateException tooMany = assertThrows(IllegalStateException.class, () -> args.i32(0));
    assertEquals("k: more than 32 arguments or " + KernelArgs.VALUE_BYTES + " bytes of them", tooMany.getMessage());
    assertThrows(IllegalStateException.class,
        () -> kernel.args().struct(new long[KernelArgs.VALUE_BYTES / 8 - 1]).i64(0).i64(0));
  }

  /** Each PTX entry's parameters, each rounded up to 8 bytes as the block stores them, fit the block. */
  @Test
  void everyKernelsParametersFitItsBlock() {
    Pattern entry = Pattern.compile("\\.entry (\\w+)\\(([^)]*)\\)");
    // .param [.align N] .<type><bits> [.ptr …] name[[bytes]]
    Pattern param =
        Pattern.compile("\\.param (?:\\.align \\d+ )?\\.(?:[usfb])(\\d+)(?: \\.ptr[^,]*?)? \\w+(?:\\[(\\d+)])?");
    int entries = 0;
    int largest = 0;
    for (PtxModule m : PtxModule.values()) {
      Matcher e = entry.matcher(m.source());
      while (e.find()) {
        entries++;
        Matcher p = param.matcher(e.group(2));
        int count = 0;
        int bytes = 0;
        while (p.find()) {
          int size = p.group(2) != null ? Integer.parseInt(p.group(2)) : Integer.parseInt(p.group(1)) / 8;
          bytes += (size + 7) & ~7;
          count++;
        }
        assertTrue(count == e.group(2).split(",").length || e.group(2).isBlank(), e.group(1) + ": parsed "
            + count + " of " + e.group(2));
        assertTrue(count <= KernelArgs.MAX_ARGS, e.group(1) + " takes " + count + " arguments");
        assertTrue(bytes <= KernelArgs.VALUE_BYTES, e.group(1) + " takes " + bytes + " bytes");
        largest = Math.max(largest, bytes);
      }
    }
    assertTrue(entries > 60, "found " + entries + " kernels");
    assertTrue(largest > 2000, "the largest list, training_step.cu's, is " + largest + " bytes");
  }

  /** Where argument i's value is in the block, read from its table entry. */
  private int value(int i) {
    return (int) (driver.getLong(8 * i) - ADDRESS);
  }
}
