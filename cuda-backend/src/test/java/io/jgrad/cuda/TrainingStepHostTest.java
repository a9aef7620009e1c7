package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.StepGuard;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * training_step.cu on the host CUDA emulator, fed the TensorList that {@link TrainingStepKernels#tensorList} builds:
 * the sums of squares against float64, the step guard against {@link StepGuard#apply} over skips, clipping and a stop,
 * and the guarded Adam/AdamW and SGD steps against cpu-scalar's per-tensor kernels on the gradients clipped as the
 * host clips them (MUL_SCALAR), each step writing the params' bf16 or fp16 copies (exactly the updated params rounded;
 * untouched when the guard skips the step) or none. Sizes cross chunks (4,096) and include an empty tensor. The steps'
 * rate read from device memory (lr_at, for a replayed CUDA graph) gives the bits of the same rate by value.
 */
class TrainingStepHostTest {
  private static final int[] SIZES = {1, 7, 0, 4095, 4097, 9000};
  private static final double LR_ADAM = 0.01;
  private static final double LR_SGD = 0.05;

  private final Random rng = new Random(17);

  @Test
  void theKernelsFollowTheReferences(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of training_step.cu");
    HostKernel harness = HostKernel.build("training_step_host.cpp", tmp);
    sumsOfSquares(harness);
    stepGuard(harness);
    stepGuardOfManyLayers(harness);
    stepGuardWithLossScaling(harness);
    stepGuardOfManyLayersWithLossScaling(harness);
    try (Backend cpu = Backends.create("cpu-scalar")) {
      for (double[] guard : new double[][] {{1, 1, 1}, {1, 0.5, 4}, {0, 1, 3}}) {
        adam(harness, cpu, false, guard, Half16.BFLOAT16);
        adam(harness, cpu, true, guard, Half16.FLOAT16);
        double[][] sgd = {{0.875, 0.125, 0, 0}, {0.875, 0, 1, 1}, {0.875, 0, 0, 1}};
        Half16[] copies = {null, Half16.BFLOAT16, Half16.FLOAT16};
        for (int i = 0; i < sgd.length; i++) {
          sgd(harness, cpu, sgd[i], guard, copies[i]);
        }
      }
    }
  }

  /**
   * lr_at, the rate a replayed graph reads from device memory: pointing at X it gives the bits of lr = X by value,
   * whatever the by-value rate; a different rate must change the result, or the comparison would prove nothing.
   */
  @Test
  void theRateReadFromDeviceMemoryReplacesTheArgument(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of training_step.cu");
    HostKernel harness = HostKernel.build("training_step_host.cpp", tmp);
    int[] sizes = {1, 0, 4097};
    double[] guard = {1, 0.5, 4};
    float[][] p = tensors(sizes, 1);
    float[][] g = tensors(sizes, 1);
    float[][] m = tensors(sizes, 0.1);
    float[][] v = positive(tensors(sizes, 0.1));
    StringBuilder adam = new StringBuilder(list(sizes)).append(" 1 ").append(Half16.FLOAT16.storageCode())
        .append(bits(guard));
    StringBuilder sgd = new StringBuilder(list(sizes)).append(" 1 0").append(bits(new double[] {0.875, 0}))
        .append(' ').append(Half16.BFLOAT16.storageCode()).append(bits(guard));
    for (int t = 0; t < sizes.length; t++) {
      adam.append(bits(p[t])).append(bits(g[t])).append(bits(m[t])).append(bits(v[t]));
      sgd.append(bits(p[t])).append(bits(g[t])).append(bits(m[t]));
    }
    double rate = 1e-3;
    for (String[] step : new String[][] {{"adam_steps", "A", adam.toString()}, {"sgd_steps", "M", sgd.toString()}}) {
      long[] byValue = harness.run(rate(step[1], rate, null) + step[2]);
      long[] other = harness.run(rate(step[1], 0.5, null) + step[2]);
      assertFalse(Arrays.equals(byValue, other), step[0] + ": rates 1e-3 and 0.5 gave the same params");
      assertArrayEquals(byValue, harness.run(rate(step[1], rate, rate) + step[2]), step[0] + ": lr_at = lr");
      assertArrayEquals(byValue, harness.run(rate(step[1], 0.5, rate) + step[2]),
          step[0] + ": lr_at 1e-3 over lr 0.5");
    }
  }

  /** The A or M command's head: lr by value, then lr_at (null: none), doubles as raw bits. */
  private static String rate(String command, double lr, Double at) {
    String lrAt = at == null ? " 0 0" : " 1 " + Double.doubleToRawLongBits(at);
    return command + ' ' + Double.doubleToRawLongBits(lr) + lrAt;
  }

  private void sumsOfSquares(HostKernel harness) throws Exception {
    float[][] x = tensors(SIZES, 2);
    StringBuilder in = new StringBuilder("s ").append(list(SIZES));
    for (float[] t : x) {
      in.append(bits(t));
    }
    long[] out = harness.run(in.toString());
    assertEquals(SIZES.length, out.length);
    for (int t = 0; t < SIZES.length; t++) {
      double expected = 0;
      for (float v : x[t]) {
        expected += (double) v * v;
      }
      assertEquals(expected, Float.intBitsToFloat((int) out[t]), 1e-6 * expected, "sum of tensor " + t);
    }
  }

  private void stepGuard(HostKernel harness) throws Exception {
    int[] layerOf = {0, 0, 1, 2, 2};
    int layers = 3;
    float inf = Float.POSITIVE_INFINITY;
    float[][] steps = { // {loss, sums...}
      {0.5f, 1, 2, 3, 4, 5}, {2, 100, 200, 300, 400, 500}, {Float.NaN, 1, 1, 1, 1, 1}, {1, 1, inf, 1, 1, 1},
      {0.25f, 0.5f, 0.25f, 0, 1e-30f, 0}, {1, inf, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};
    float[] reference = StepGuard.initial(layers, 3);
    float[] device = reference.clone();
    for (int s = 0; s < steps.length; s++) {
      double[] sums = new double[layerOf.length];
      StringBuilder in = new StringBuilder("g " + layerOf.length + " " + layers);
      for (int p = 0; p < layerOf.length; p++) {
        in.append(' ').append(layerOf[p]);
      }
      for (int p = 0; p < layerOf.length; p++) {
        sums[p] = steps[s][p + 1];
        in.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(steps[s][p + 1])));
      }
      in.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(steps[s][0]))).append(" 64 ")
          .append(Integer.toUnsignedString(Float.floatToRawIntBits(5f))).append(" 2").append(bits(device));
      StepGuard.apply(reference, sums, layerOf, layers, steps[s][0], 64, 5, 2);
      long[] out = harness.run(in.toString());
      for (int i = 0; i < out.length; i++) {
        device[i] = Float.intBitsToFloat((int) out[i]);
      }
      for (int i = 0; i < reference.length; i++) {
        boolean same = Float.compare(reference[i], device[i]) == 0
            || (Float.isNaN(reference[i]) && Float.isNaN(device[i]))
            || Math.abs(reference[i] - device[i]) <= 1e-6 * Math.abs(reference[i]);
        assertEquals(true, same, "step " + s + ", state[" + i + "]: kernel " + device[i] + ", reference "
            + reference[i] + "\nkernel    " + Arrays.toString(device) + "\nreference " + Arrays.toString(reference));
      }
    }
    assertEquals(1f, device[StepGuard.STOPPED], "two skips in a row stopped the run");
  }

  /** 350 layers, more than the guard's 256 threads: each thread strides over its layers. */
  private void stepGuardOfManyLayers(HostKernel harness) throws Exception {
    int count = 700;
    int layers = count / 2;
    int[] layerOf = new int[count];
    double[] sums = new double[count];
    StringBuilder in = new StringBuilder("g " + count + " " + layers);
    for (int p = 0; p < count; p++) {
      layerOf[p] = p / 2;
      in.append(' ').append(layerOf[p]);
    }
    for (int p = 0; p < count; p++) {
      float v = p == 651 ? Float.NaN : (float) (2 * rng.nextDouble());
      sums[p] = v;
      in.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(v)));
    }
    float[] reference = StepGuard.initial(layers, 0);
    in.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(0.5f))).append(" 16 ")
        .append(Integer.toUnsignedString(Float.floatToRawIntBits(1f))).append(" 1").append(bits(reference));
    StepGuard.apply(reference, sums, layerOf, layers, 0.5, 16, 1, 1);
    long[] out = harness.run(in.toString());
    assertEquals(reference.length, out.length);
    for (int i = 0; i < out.length; i++) {
      float got = Float.intBitsToFloat((int) out[i]);
      assertEquals(true, Float.compare(reference[i], got) == 0 || (Float.isNaN(reference[i]) && Float.isNaN(got)),
          "state[" + i + "]: kernel " + got + ", reference " + reference[i]);
    }
  }

  /**
   * Dynamic loss scaling (growth interval 3, S = 1024 to start) against {@link StepGuard#apply} with the same interval,
   * bit for bit (any NaN for a NaN), step by step on the state the kernel wrote, and loss_scale[0] = the kernel's
   * state[LOSS_SCALE] after every step. The sums the kernel gets are those of gradients scaled by the current S (each
   * true Σg² × S², exact in float: S is a power of two). The sequence: clean steps growing S (with clipping at S ≠ 1:
   * SCALE = clip/S), a genuine overflow (a true 1e33 × S² is infinite) and a NaN sum with a finite loss halving S twice
   * without counting as skips (two in a row under maxSkippedInARow 2 do not stop the run), a NaN loss (a real skip that
   * still counts as a clean step), an infinite loss with an infinite sum (a skip, not an overflow, growing S), the
   * second skip in a row stopping the run, and stopped steps changing nothing of the scaler.
   */
  private void stepGuardWithLossScaling(HostKernel harness) throws Exception {
    int[] layerOf = {0, 0, 1, 2, 2};
    int layers = 3;
    int growth = 3;
    float inf = Float.POSITIVE_INFINITY;
    float nan = Float.NaN;
    float[][] steps = { // {loss, true Σg² per gradient...}
      {0.5f, 1e-4f, 2e-4f, 3e-4f, 4e-4f, 5e-4f}, {2, 10, 20, 30, 40, 50}, {1, 4, 5, 6, 7, 8}, {1, 1e33f, 1, 1, 1, 1},
      {0.75f, 1, nan, 1, 1, 1}, {nan, 1, 1, 1, 1, 1}, {0.25f, 0.5f, 0.25f, 0, 1e-30f, 0}, {inf, inf, 1, 1, 1, 1},
      {nan, 1, 1, 1, 1, 1}, {1, inf, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};
    // What each step must leave, so that the sequence covers what it claims: S, CLEAN_STEPS, OVERFLOWS, SKIPPED,
    // SKIPPED_IN_A_ROW, STOPPED, APPLY.
    int[] columns = {StepGuard.LOSS_SCALE, StepGuard.CLEAN_STEPS, StepGuard.OVERFLOWS, StepGuard.SKIPPED,
        StepGuard.SKIPPED_IN_A_ROW, StepGuard.STOPPED, StepGuard.APPLY};
    float[][] expected = {
      {1024, 1, 0, 0, 0, 0, 1}, {1024, 2, 0, 0, 0, 0, 1}, {2048, 0, 0, 0, 0, 0, 1}, {1024, 0, 1, 0, 0, 0, 0},
      {512, 0, 2, 0, 0, 0, 0}, {512, 1, 2, 1, 1, 0, 0}, {512, 2, 2, 1, 0, 0, 1}, {1024, 0, 2, 2, 1, 0, 0},
      {1024, 1, 2, 3, 2, 1, 0}, {1024, 1, 2, 3, 2, 1, 0}, {1024, 1, 2, 3, 2, 1, 0}};
    float[] reference = StepGuard.initial(layers, 3);
    reference[StepGuard.LOSS_SCALE] = 1024;
    float[] device = reference.clone();
    for (int s = 0; s < steps.length; s++) {
      float scale = reference[StepGuard.LOSS_SCALE];
      float[] sums = new float[layerOf.length];
      for (int p = 0; p < sums.length; p++) {
        sums[p] = steps[s][p + 1] * (scale * scale);
      }
      float before = scale;
      StepGuard.apply(reference, widen(sums), layerOf, layers, steps[s][0], 64, 5, 2, growth);
      for (int c = 0; c < columns.length; c++) {
        assertEquals(expected[s][c], reference[columns[c]], "the scenario's step " + s + ", state[" + columns[c] + "]");
      }
      if (s == 1 || s == 2) {
        assertTrue(reference[StepGuard.SCALE] < 1 / before, "step " + s + " is clipped: SCALE below 1/S");
      } else if (reference[StepGuard.APPLY] == 1) {
        assertEquals(1 / before, reference[StepGuard.SCALE], "step " + s + ": SCALE = 1/S");
      }
      long[] out = harness.run(guardInput(layerOf, layers, sums, steps[s][0], 64, 5, 2, growth, device));
      assertEquals(reference.length + 1, out.length);
      device = sameState(reference, out, "scaled step " + s);
      assertEquals(Float.floatToRawIntBits(device[StepGuard.LOSS_SCALE]), (int) out[reference.length],
          "step " + s + ": loss_scale[0] = state[LOSS_SCALE]");
    }
  }

  /**
   * 350 layers with loss scaling (growth interval 2, S = 256): an overflow (a NaN sum, a finite loss) writes no layer
   * block on any thread, then two applied steps store each layer's Σg² / S² (S = 128), the second doubling S.
   */
  private void stepGuardOfManyLayersWithLossScaling(HostKernel harness) throws Exception {
    int count = 700;
    int layers = count / 2;
    int[] layerOf = new int[count];
    for (int p = 0; p < count; p++) {
      layerOf[p] = p / 2;
    }
    float[] reference = StepGuard.initial(layers, 0);
    reference[StepGuard.LOSS_SCALE] = 256;
    float[] device = reference.clone();
    float[] scales = {128, 128, 256};
    for (int s = 0; s < scales.length; s++) {
      float scale = reference[StepGuard.LOSS_SCALE];
      float[] sums = new float[count];
      for (int p = 0; p < count; p++) {
        sums[p] = s == 0 && p == 651 ? Float.NaN : (float) (2 * rng.nextDouble()) * (scale * scale);
      }
      StepGuard.apply(reference, widen(sums), layerOf, layers, 0.5, 16, 1, 1, 2);
      assertEquals(scales[s], reference[StepGuard.LOSS_SCALE], "the scenario's S after step " + s);
      assertEquals(s == 0 ? 0 : 1, reference[StepGuard.APPLY], "the scenario's step " + s);
      long[] out = harness.run(guardInput(layerOf, layers, sums, 0.5f, 16, 1, 1, 2, device));
      assertEquals(reference.length + 1, out.length);
      device = sameState(reference, out, "350 layers, scaled step " + s);
      assertEquals(Float.floatToRawIntBits(device[StepGuard.LOSS_SCALE]), (int) out[reference.length],
          "step " + s + ": loss_scale[0] = state[LOSS_SCALE]");
    }
    assertEquals(0f, reference[StepGuard.STOPPED], "an overflow under maxSkippedInARow 1 does not stop the run");
    assertTrue(reference[StepGuard.Block.MIN.at(layers, layers - 1)] < Float.POSITIVE_INFINITY,
        "the applied steps wrote the layer blocks, the last layer's too");
  }

  /** The harness's G command: step_guard with the growth interval (0: no loss scaling). */
  private static String guardInput(int[] layerOf, int layers, float[] sums, float loss, int examples, float maxNorm,
      int maxSkippedInARow, int growth, float[] state) {
    StringBuilder in = new StringBuilder("G " + layerOf.length + " " + layers);
    for (int p : layerOf) {
      in.append(' ').append(p);
    }
    in.append(bits(sums)).append(bits(new float[] {loss})).append(' ').append(examples)
        .append(bits(new float[] {maxNorm})).append(' ').append(maxSkippedInARow).append(' ').append(growth)
        .append(bits(state));
    return in.toString();
  }

  /**
   * The state the kernel printed (its first reference.length values) equals the reference bit for bit, any NaN
   * matching any NaN; returns it.
   */
  private static float[] sameState(float[] reference, long[] out, String what) {
    float[] device = new float[reference.length];
    for (int i = 0; i < reference.length; i++) {
      device[i] = Float.intBitsToFloat((int) out[i]);
    }
    for (int i = 0; i < reference.length; i++) {
      assertEquals(Float.floatToIntBits(reference[i]), Float.floatToIntBits(device[i]), what + ", state[" + i
          + "]: kernel " + device[i] + ", reference " + reference[i] + "\nkernel    " + Arrays.toString(device)
          + "\nreference " + Arrays.toString(reference));
    }
    return device;
  }

  private static double[] widen(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return d;
  }

  /** copy: the type of the params' 16-bit copies, or null for none. */
  private void adam(HostKernel harness, Backend cpu, boolean decoupled, double[] guard, Half16 copy)
      throws Exception {
    float[][] p = tensors(SIZES, 1);
    float[][] g = tensors(SIZES, 1);
    float[][] m = tensors(SIZES, 0.1);
    float[][] v = positive(tensors(SIZES, 0.1));
    StringBuilder in = new StringBuilder("a ").append(list(SIZES)).append(decoupled ? " 1" : " 0")
        .append(' ').append(copy == null ? 0 : copy.storageCode()).append(bits(guard));
    for (int t = 0; t < SIZES.length; t++) {
      in.append(bits(p[t])).append(bits(g[t])).append(bits(m[t])).append(bits(v[t]));
    }
    long[] out = harness.run(in.toString());
    int at = 0;
    for (int t = 0; t < SIZES.length; t++) {
      float[][] expected = {p[t].clone(), m[t].clone(), v[t].clone()};
      if (guard[0] != 0) {
        Buffer[] b = {upload(cpu, expected[0]), upload(cpu, expected[1]), upload(cpu, expected[2])};
        cpu.adamStep(b[0], null, clipped(cpu, g[t], guard[1]), b[1], b[2], LR_ADAM, 0.9, 0.999, 1e-8, 0.05, decoupled,
            (long) guard[2]);
        for (int k = 0; k < 3; k++) {
          cpu.download(b[k], expected[k]);
        }
      }
      String what = "adam" + (decoupled ? "w" : "") + " guard " + Arrays.toString(guard) + " tensor " + t;
      int param = at;
      for (float[] e : expected) {
        at = compare(out, at, e, what);
      }
      at = compareCopy(out, at, param, p[t].length, copy, guard[0] != 0, what);
    }
  }

  /** h = {momentum, dampening, nesterov, firstStep}; copy as in {@link #adam}. */
  private void sgd(HostKernel harness, Backend cpu, double[] h, double[] guard, Half16 copy) throws Exception {
    float[][] p = tensors(SIZES, 1);
    float[][] g = tensors(SIZES, 1);
    float[][] vel = tensors(SIZES, 0.1);
    StringBuilder in = new StringBuilder("m ").append(list(SIZES)).append(' ').append((int) h[2]).append(' ')
        .append((int) h[3]).append(bits(new double[] {h[0], h[1]})).append(' ')
        .append(copy == null ? 0 : copy.storageCode()).append(bits(guard));
    for (int t = 0; t < SIZES.length; t++) {
      in.append(bits(p[t])).append(bits(g[t])).append(bits(vel[t]));
    }
    long[] out = harness.run(in.toString());
    int at = 0;
    for (int t = 0; t < SIZES.length; t++) {
      float[][] expected = {p[t].clone(), vel[t].clone()};
      if (guard[0] != 0) {
        Buffer pb = upload(cpu, expected[0]);
        Buffer vb = upload(cpu, expected[1]);
        cpu.sgdStep(pb, null, clipped(cpu, g[t], guard[1]), vb, LR_SGD, h[0], h[1], 0.01, h[2] != 0, h[3] != 0);
        cpu.download(pb, expected[0]);
        cpu.download(vb, expected[1]);
      }
      String what = "sgd " + Arrays.toString(h) + " guard " + Arrays.toString(guard) + " tensor " + t;
      int param = at;
      for (float[] e : expected) {
        at = compare(out, at, e, what);
      }
      at = compareCopy(out, at, param, p[t].length, copy, guard[0] != 0, what);
    }
  }

  /** Within 1e-6 relative (+1e-7 absolute): the kernel's double math against cpu-scalar's. */
  private static int compare(long[] out, int at, float[] expected, String what) {
    for (int i = 0; i < expected.length; i++) {
      float got = Float.intBitsToFloat((int) out[at + i]);
      assertEquals(expected[i], got, 1e-7 + 1e-6 * Math.abs(expected[i]), what + " element " + i);
    }
    return at + expected.length;
  }

  /**
   * The copy the kernel printed after the params at out[param..]: exactly each updated param rounded when the step
   * was applied, the harness's starting 0xFFFF patterns when the guard skipped it; nothing printed without a copy.
   */
  private static int compareCopy(long[] out, int at, int param, int n, Half16 copy, boolean applied, String what) {
    if (copy == null) {
      return at;
    }
    for (int i = 0; i < n; i++) {
      int expected = applied ? copy.encode(Float.intBitsToFloat((int) out[param + i])) : 0xFFFF;
      assertEquals(expected, (int) out[at + i], what + ": " + copy + " copy of element " + i);
    }
    return at + n;
  }

  private static Buffer clipped(Backend cpu, float[] grad, double scale) {
    Buffer g = upload(cpu, grad.clone());
    if (scale != 1) {
      cpu.unary(UnaryOp.MUL_SCALAR, scale, g, g);
    }
    return g;
  }

  private static Buffer upload(Backend cpu, float[] values) {
    Buffer b = cpu.allocate(DType.FLOAT32, values.length);
    cpu.upload(b, values);
    return b;
  }

  /** The TensorList Java builds for these sizes, addresses 0, as harness input. */
  private static String list(int[] sizes) {
    long[] lengths = Arrays.stream(sizes).asLongStream().toArray();
    List<long[]> kinds = Arrays.asList(new long[4][]);
    StringBuilder s = new StringBuilder();
    for (long field : TrainingStepKernels.tensorList(kinds, lengths, 0, sizes.length)) {
      s.append(' ').append(field);
    }
    return s.toString();
  }

  private float[][] tensors(int[] sizes, double range) {
    float[][] t = new float[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      t[i] = new float[sizes[i]];
      for (int j = 0; j < sizes[i]; j++) {
        t[i][j] = (float) (range * (2 * rng.nextDouble() - 1));
      }
    }
    return t;
  }

  private static float[][] positive(float[][] t) {
    for (float[] row : t) {
      for (int i = 0; i < row.length; i++) {
        row[i] = Math.abs(row[i]);
      }
    }
    return t;
  }

  private static String bits(float[] values) {
    StringBuilder s = new StringBuilder();
    for (float v : values) {
      s.append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(v)));
    }
    return s.toString();
  }

  private static String bits(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return bits(f);
  }
}
