package io.jgrad.conformance;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.nn.Module;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * One row of the op table (PyTorch's OpInfo): a function of tensors built on any backend, its inputs' shapes and value
 * range, the kinks its inputs keep away from, the dtypes and backends it runs on and how close a backend must come to
 * the float64 reference. Unary rows also carry the kernel-level reference ({@link UnaryCase}) that the unary kernel
 * family checks. Build rows with {@link #op}, {@link #unary} or {@link #module}, then the {@code with…} methods.
 *
 * @param skipOn backend name → why the row does not run there
 */
public record OpCase(
    String name,
    Subject subject,
    int[][] shapes,
    double low,
    double high,
    double[] kinks,
    UnaryCase unary,
    Set<DType> dtypes,
    Tolerance tolerance,
    Map<String, String> skipOn) {

  /**
   * How close a backend's forward output and gradients must come to the float64 reference: float32 results are
   * compared with the reference run on the same float32-rounded inputs, so the slack covers float32 arithmetic.
   */
  public static final Tolerance DEFAULT_TOLERANCE =
      new Tolerance(new Tolerance.Bound(1e-5, 1e-4, 1e-4), new Tolerance.Bound(1e-10, 1e-10, 1e-10));

  /** Builds the function under test on one backend, in one dtype, with its own parameters if it has any. */
  @FunctionalInterface
  public interface Subject {
    Instance build(Backend backend, DType dtype, Generator gen);
  }

  /** A module built on one backend, in one dtype, from a seeded generator (the same weights on every backend). */
  @FunctionalInterface
  public interface ModuleFactory {
    Module build(Backend backend, DType dtype, Generator gen);
  }

  /**
   * The function under test on one backend.
   *
   * @param parameters tensors the function uses besides its inputs (a module's weights): they are differentiated too
   * @param release frees what the instance owns (the module), or null
   */
  public record Instance(Function<Tensor[], Tensor> f, List<Tensor> parameters, Runnable release)
      implements AutoCloseable {
    @Override
    public void close() {
      if (release != null) {
        release.run();
      }
    }
  }

  /** An op or a composition of ops on inputs of the given shapes, drawn from [low, high). */
  public static OpCase op(String name, Function<Tensor[], Tensor> f, double low, double high, int[]... shapes) {
    return new OpCase(name, (b, d, g) -> new Instance(f, List.of(), null), shapes, low, high, new double[0], null,
        EnumSet.of(DType.FLOAT32, DType.FLOAT64), DEFAULT_TOLERANCE, Map.of());
  }

  /** A unary op on a 5×7 input: the row also serves the unary kernel family as its reference. */
  public static OpCase unary(UnaryCase ref) {
    Function<Tensor[], Tensor> f = x -> io.jgrad.Functional.unary(ref.op(), ref.alpha(), x[0]);
    return op(ref.op().name().toLowerCase(), f, ref.low(), ref.high(), new int[] {5, 7})
        .withKinks(ref.kinks()).withUnary(ref);
  }

  /** A module: its input of the given shape and all its parameters are differentiated. */
  public static OpCase module(String name, ModuleFactory build, double low, double high, int... inputShape) {
    Subject subject = (b, d, g) -> {
      Module m = build.build(b, d, g);
      return new Instance(x -> m.forward(x[0]), m.parameters().stream().map(p -> p.value()).toList(), m::close);
    };
    return new OpCase(name, subject, new int[][] {inputShape}, low, high, new double[0], null,
        EnumSet.of(DType.FLOAT32, DType.FLOAT64), DEFAULT_TOLERANCE, Map.of());
  }

  /** The inputs' range [low, high). */
  public OpCase withRange(double newLow, double newHigh) {
    return new OpCase(name, subject, shapes, newLow, newHigh, kinks, unary, dtypes, tolerance, skipOn);
  }

  public OpCase withKinks(double... newKinks) {
    return new OpCase(name, subject, shapes, low, high, newKinks, unary, dtypes, tolerance, skipOn);
  }

  private OpCase withUnary(UnaryCase newUnary) {
    return new OpCase(name, subject, shapes, low, high, kinks, newUnary, dtypes, tolerance, skipOn);
  }

  public OpCase withDtypes(DType first, DType... rest) {
    return new OpCase(name, subject, shapes, low, high, kinks, unary, EnumSet.of(first, rest), tolerance, skipOn);
  }

  public OpCase withTolerance(Tolerance newTolerance) {
    return new OpCase(name, subject, shapes, low, high, kinks, unary, dtypes, newTolerance, skipOn);
  }

  public OpCase skippedOn(String backend, String why) {
    Map<String, String> more = new HashMap<>(skipOn);
    more.put(backend, why);
    return new OpCase(name, subject, shapes, low, high, kinks, unary, dtypes, tolerance, Map.copyOf(more));
  }

  /** Whether the op has a gradient (every row but the dropout mask's). */
  public boolean differentiable() {
    return unary == null || unary.derivative() != null;
  }

  /** The seed of this row's inputs and parameters: the same on every backend. */
  public long seed() {
    return name.hashCode();
  }

  /**
   * The row's inputs on {@code backend}: the same values on every backend (rounded to dtype), uniform in [low, high)
   * and at least 1e-3 from every kink, so that a float32 rounding or a finite difference cannot cross one.
   */
  public Tensor[] inputs(Backend backend, DType dtype) {
    return inputs(backend, dtype, dtype);
  }

  /** The row's inputs in {@code dtype} holding {@code valuesOf}'s values (the reference runs float32's in float64). */
  public Tensor[] inputs(Backend backend, DType dtype, DType valuesOf) {
    Random rng = new Random(seed());
    Tensor[] out = new Tensor[shapes.length];
    for (int i = 0; i < shapes.length; i++) {
      double[] v = new double[Arrays.stream(shapes[i]).reduce(1, (a, b) -> a * b)];
      for (int j = 0; j < v.length; j++) {
        do {
          v[j] = low + (high - low) * rng.nextDouble();
        } while (nearKink(v[j]));
      }
      out[i] = tensor(backend, dtype, round(valuesOf, v), shapes[i]);
    }
    return out;
  }

  /** A tensor of dtype holding {@code v} (rounded to float for FLOAT32). */
  static Tensor tensor(Backend backend, DType dtype, double[] v, int... dims) {
    if (dtype == DType.FLOAT64) {
      return Tensor.of(backend, v, dims);
    }
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.of(backend, f, dims);
  }

  /** v rounded to float where dtype is FLOAT32. */
  static double[] round(DType dtype, double[] v) {
    double[] out = v.clone();
    if (dtype == DType.FLOAT32) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) out[i];
      }
    }
    return out;
  }

  private boolean nearKink(double x) {
    for (double k : kinks) {
      if (Math.abs(x - k) < 1e-3) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name;
  }
}
