package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gather.cu's gather_rows32 on the host CUDA emulator against a Java reference: float bit patterns (NaN payloads
 * and negative zero travel untouched) and int labels, odd row counts and lengths, an index offset, repeated indices,
 * with the launcher's grid ({@link Grid#elementwise}) and with a grid smaller than the work, so the grid-stride loop
 * runs; no word past the batch is written.
 */
class GatherHostTest {
  private record Case(int rows, int rowLength, int[] src, int[] indices, int from, int count, Grid grid) {
    String line() {
      StringBuilder b = new StringBuilder();
      b.append(rows).append(' ').append(rowLength).append(' ').append(indices.length).append(' ').append(from)
          .append(' ').append(count).append(' ').append(grid.gridX()).append(' ').append(grid.blockX());
      for (int w : src) {
        b.append(' ').append(Integer.toUnsignedString(w));
      }
      for (int i : indices) {
        b.append(' ').append(i);
      }
      return b.append('\n').toString();
    }

    /** dst as the reference computes it, then the untouched guard word. */
    long[] expected() {
      long[] out = new long[count * rowLength + 1];
      for (int r = 0; r < count; r++) {
        for (int c = 0; c < rowLength; c++) {
          out[r * rowLength + c] = Integer.toUnsignedLong(src[indices[from + r] * rowLength + c]);
        }
      }
      out[out.length - 1] = 0xDEADBEEFL;
      return out;
    }
  }

  @Test
  void gathersTheRowsTheIndicesName(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of gather.cu");
    HostKernel harness = HostKernel.build("gather_host.cpp", tmp);
    SplittableRandom rng = new SplittableRandom(17);
    List<Case> cases = new ArrayList<>();
    int[][] shapes = {{1, 1}, {37, 1}, {37, 785}, {130, 33}, {5, 257}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int rowLength = shape[1];
      int[] src = new int[rows * rowLength];
      for (int k = 0; k < src.length; k++) {
        src[k] = k % 11 == 0 ? Float.floatToRawIntBits(-0f) : k % 13 == 0 ? 0x7FC0_1234 : rng.nextInt();
      }
      int n = rows + 9;
      int[] indices = new int[n];
      for (int k = 0; k < n; k++) {
        indices[k] = rng.nextInt(rows);
      }
      for (int[] range : new int[][] {{0, n}, {3, Math.min(n - 3, 16)}, {n - 1, 1}}) {
        long words = (long) range[1] * rowLength;
        cases.add(new Case(rows, rowLength, src, indices, range[0], range[1], Grid.elementwise(words)));
        cases.add(new Case(rows, rowLength, src, indices, range[0], range[1], new Grid(2, 1, 1, 32, 1, 1)));
      }
    }
    StringBuilder input = new StringBuilder();
    cases.forEach(c -> input.append(c.line()));
    long[] out = harness.run(input.toString());
    int at = 0;
    for (Case c : cases) {
      long[] expected = c.expected();
      for (int k = 0; k < expected.length; k++) {
        assertEquals(expected[k], out[at + k], c.rows() + " rows of " + c.rowLength() + ", indices [" + c.from()
            + ", +" + c.count() + "), grid " + c.grid().gridX() + "×" + c.grid().blockX() + ": word " + k);
      }
      at += expected.length;
    }
    assertEquals(at, out.length, "words printed");
  }
}
