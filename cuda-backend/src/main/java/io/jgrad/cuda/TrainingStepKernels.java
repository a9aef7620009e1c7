package io.jgrad.cuda;

import io.jgrad.DType;
import io.jgrad.spi.StepGuard;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * Launchers of training_step.cu: the multi-tensor sums of squares, the step guard and the guarded multi-tensor SGD and
 * Adam steps (which write the parameters' 16-bit copies too, as optimizers.cu's per-tensor steps do). A list goes to
 * the kernels by value, {@link #LIST_MAX} tensors per launch (so no pointer table is uploaded, and nothing waits for
 * the host), cut into chunks of {@link #CHUNK} elements, one block each. Shapes: each list's tensors [n_t]; sums and
 * layerOf [P]; loss [1]; the guard state as {@link StepGuard} lays it out.
 */
final class TrainingStepKernels {
  /** training_step.cu's LIST_MAX, CHUNK and LIST_THREADS (KernelSourceTest checks them). */
  static final int LIST_MAX = 32;
  static final int CHUNK = 4096;
  static final int LIST_THREADS = 256;
  /** TensorList as 64-bit fields: ptr[4][LIST_MAX], length[LIST_MAX], chunkStart[LIST_MAX + 1], count. */
  static final int LIST_LONGS = 4 * LIST_MAX + LIST_MAX + LIST_MAX + 1 + 1;
  /** CopyList as 64-bit fields: ptr[LIST_MAX], type[LIST_MAX]. */
  static final int COPY_LONGS = 2 * LIST_MAX;
  /** The step guard's single block. */
  static final int GUARD_THREADS = 256;

  private final Kernel sumChunks;
  private final Kernel sumCombine;
  private final Kernel guard;
  private final Kernel sgd;
  private final Kernel adam;
  private final CachingAllocator<CUdeviceptr> allocator;

  TrainingStepKernels(CudaContext context, CachingAllocator<CUdeviceptr> allocator) {
    sumChunks = context.kernel(PtxModule.TRAINING_STEP, "sum_squares_chunks");
    sumCombine = context.kernel(PtxModule.TRAINING_STEP, "sum_squares_combine");
    guard = context.kernel(PtxModule.TRAINING_STEP, "step_guard");
    sgd = context.kernel(PtxModule.TRAINING_STEP, "sgd_steps");
    adam = context.kernel(PtxModule.TRAINING_STEP, "adam_steps");
    this.allocator = allocator;
  }

  /**
   * TensorList of tensors [from, to) of the given kinds (each list one kind: param, grad, …; a null list leaves its
   * addresses 0), as the long[] the kernel reads. Its chunk count is {@code list[LIST_LONGS − 2]}: chunkStart[count].
   */
  static long[] tensorList(List<long[]> addresses, long[] lengths, int from, int to) {
    int count = to - from;
    if (count < 1 || count > LIST_MAX || addresses.size() > 4) {
      throw new IllegalArgumentException("a tensor list holds 1 to " + LIST_MAX + " tensors of at most 4 kinds");
    }
    long[] list = new long[LIST_LONGS];
    long chunks = 0;
    for (int t = 0; t < count; t++) {
      for (int kind = 0; kind < addresses.size(); kind++) {
        if (addresses.get(kind) != null) {
          list[kind * LIST_MAX + t] = addresses.get(kind)[from + t];
        }
      }
      list[4 * LIST_MAX + t] = lengths[from + t];
      list[5 * LIST_MAX + t] = chunks;
      chunks += Grid.ceilDiv(lengths[from + t], CHUNK);
    }
    for (int t = count; t <= LIST_MAX; t++) {
      list[5 * LIST_MAX + t] = chunks; // chunkStart[count] is the total; the slots after it repeat it
    }
    list[LIST_LONGS - 1] = count;
    return list;
  }

  /**
   * CopyList of the 16-bit copies of tensors [from, to) (null, or a list with null where a tensor has none), as the
   * long[] the kernel reads: each copy's address and half.cuh Storage code, 0 where there is none.
   */
  static long[] copyList(String kernel, List<CudaBuffer> copies, List<CudaBuffer> params, int from, int to) {
    long[] list = new long[COPY_LONGS];
    if (copies == null) {
      return list;
    }
    Check.that(copies.size() == params.size(), kernel, "paramCopies has " + copies.size() + " buffers for "
        + params.size() + " parameters");
    for (int t = 0; t < to - from; t++) {
      CudaBuffer copy = copies.get(from + t);
      if (copy != null) {
        Storage type = Storage.of(kernel, "paramCopies[" + (from + t) + "]", copy.dtype());
        Check.that(type.isHalf(), kernel, "paramCopies[" + (from + t) + "] must be bfloat16 or float16, got "
            + copy.dtype().label());
        Check.typed(kernel, "paramCopies[" + (from + t) + "]", copy, copy.dtype(), params.get(from + t).length());
        list[t] = DeviceAddress.of(copy.pointer());
        list[LIST_MAX + t] = type.ordinal();
      }
    }
    return list;
  }

  /** The blocks a list's launch takes: its total chunks. */
  static long chunks(long[] list) {
    return list[5 * LIST_MAX + (int) list[LIST_LONGS - 1]];
  }

  /** out[i] = Σ xs[i]², float32 xs and out. */
  void sumsOfSquares(List<CudaBuffer> xs, CudaBuffer out) {
    Check.that(out.dtype() == DType.FLOAT32 && out.length() >= xs.size(), "sumsOfSquares",
        "out must be float32 of at least " + xs.size() + " elements, got " + out.dtype().label() + " of "
            + out.length());
    long[] addresses = new long[xs.size()];
    long[] lengths = new long[xs.size()];
    for (int i = 0; i < xs.size(); i++) {
      CudaBuffer x = xs.get(i);
      Check.floats("sumsOfSquares", "xs[" + i + "]", x, x.length());
      addresses[i] = DeviceAddress.of(x.pointer());
      lengths[i] = x.length();
    }
    for (int from = 0; from < xs.size(); from += LIST_MAX) {
      int to = Math.min(xs.size(), from + LIST_MAX);
      long[] list = tensorList(List.of(addresses), lengths, from, to);
      long blocks = chunks(list);
      int group = from;
      allocator.withWorkspace(Math.max(1, blocks) * Double.BYTES, partial -> {
        sumChunks.args().struct(list).ptr(partial).launch(chunkGrid(blocks));
        sumCombine.args().struct(list).ptr(partial).ptr(out.pointer()).i32(group).launch(Grid.elementwise(to - group));
      });
    }
  }

  /**
   * {@link StepGuard#apply} on the device, with dynamic loss scaling when {@code growthInterval} &gt; 0.
   *
   * @param lossScale null without loss scaling; else one float32 that receives the new S (state[LOSS_SCALE])
   * @param growthInterval 0 without loss scaling; else the clean steps after which S doubles
   */
  void stepGuard(CudaBuffer sums, CudaBuffer layerOf, CudaBuffer loss, int examples, double maxNorm,
      int maxSkippedInARow, CudaBuffer state, int layers, CudaBuffer lossScale, int growthInterval) {
    Check.that(sums.dtype() == DType.FLOAT32 && loss.dtype() == DType.FLOAT32, "stepGuard",
        "sums and loss must be float32, got " + sums.dtype().label() + " and " + loss.dtype().label());
    Check.that(maxSkippedInARow >= 1, "stepGuard", "maxSkippedInARow must be >= 1, got " + maxSkippedInARow);
    Check.that(sums.length() <= Integer.MAX_VALUE, "stepGuard", "too many sums: " + sums.length());
    Check.that(growthInterval >= 0 && (lossScale == null) == (growthInterval == 0), "stepGuard",
        "the loss scale buffer must be given exactly when the growth interval is > 0, got growth interval "
            + growthInterval + (lossScale == null ? " without" : " with") + " a buffer");
    if (lossScale != null) {
      Check.floats("stepGuard", "lossScale", lossScale, 1);
    }
    guard.args().ptr(sums.pointer()).ptr(layerOf.pointer()).i32((int) sums.length()).i32(layers).ptr(loss.pointer())
        .i32(examples).f64(maxNorm).i32(maxSkippedInARow).ptr(state.pointer())
        .ptr(lossScale == null ? null : lossScale.pointer()).i32(growthInterval)
        .launch(new Grid(1, 1, 1, GUARD_THREADS, 1, 1));
  }

  /**
   * copies: null, or each parameter's 16-bit copy (null where none), written with it.
   *
   * @param lrAt null, or a float64 on the device read in place of {@code lr}: the rate a replayed CUDA graph reads
   */
  void sgdSteps(List<CudaBuffer> params, List<CudaBuffer> copies, List<CudaBuffer> grads, List<CudaBuffer> velocities,
      double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean firstStep,
      CudaBuffer guard, CUdeviceptr lrAt) {
    Check.that((velocities == null) == (momentum == 0), "sgdSteps",
        "velocities must be given exactly when momentum ≠ 0");
    List<long[]> kinds = addresses("sgdSteps", params, grads, velocities, null);
    long[] lengths = lengths(params);
    for (int from = 0; from < params.size(); from += LIST_MAX) {
      int to = Math.min(params.size(), from + LIST_MAX);
      long[] list = tensorList(kinds, lengths, from, to);
      long[] copyList = copyList("sgdSteps", copies, params, from, to);
      sgd.args().struct(list).struct(copyList).f64(lr).f64(momentum).f64(dampening).f64(weightDecay)
          .i32(nesterov ? 1 : 0).i32(firstStep ? 1 : 0).ptr(guard.pointer()).ptr(lrAt).launch(chunkGrid(chunks(list)));
    }
  }

  /** copies and lrAt as in {@link #sgdSteps}. */
  void adamSteps(List<CudaBuffer> params, List<CudaBuffer> copies, List<CudaBuffer> grads, List<CudaBuffer> ms,
      List<CudaBuffer> vs, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
      CudaBuffer guard, CUdeviceptr lrAt) {
    List<long[]> kinds = addresses("adamSteps", params, grads, ms, vs);
    long[] lengths = lengths(params);
    for (int from = 0; from < params.size(); from += LIST_MAX) {
      int to = Math.min(params.size(), from + LIST_MAX);
      long[] list = tensorList(kinds, lengths, from, to);
      long[] copyList = copyList("adamSteps", copies, params, from, to);
      adam.args().struct(list).struct(copyList).f64(lr).f64(beta1).f64(beta2).f64(eps).f64(weightDecay)
          .i32(decoupled ? 1 : 0).ptr(guard.pointer()).ptr(lrAt).launch(chunkGrid(chunks(list)));
    }
  }

  /** One block of {@link #LIST_THREADS} per chunk; empty (no launch) for a list of empty tensors. */
  private static Grid chunkGrid(long blocks) {
    Check.that(blocks <= Integer.MAX_VALUE, "training step", blocks + " chunks exceed a grid");
    return new Grid((int) blocks, 1, 1, LIST_THREADS, 1, 1);
  }

  /** Addresses per kind (a null kind stays null), each buffer float32 of its parameter's length. */
  private static List<long[]> addresses(String kernel, List<CudaBuffer> params, List<CudaBuffer> a,
      List<CudaBuffer> b, List<CudaBuffer> c) {
    java.util.ArrayList<long[]> kinds = new java.util.ArrayList<>();
    String[] names = {"params", "grads", kernel.equals("adamSteps") ? "ms" : "velocities", "vs"};
    List<List<CudaBuffer>> lists = java.util.Arrays.asList(params, a, b, c);
    for (int kind = 0; kind < lists.size(); kind++) {
      List<CudaBuffer> list = lists.get(kind);
      if (list == null) {
        kinds.add(null);
        continue;
      }
      Check.that(list.size() == params.size(), kernel, names[kind] + " has " + list.size() + " buffers for "
          + params.size() + " parameters");
      long[] at = new long[list.size()];
      for (int i = 0; i < list.size(); i++) {
        Check.floats(kernel, names[kind] + "[" + i + "]", list.get(i), params.get(i).length());
        at[i] = DeviceAddress.of(list.get(i).pointer());
      }
      kinds.add(at);
    }
    return kinds;
  }

  private static long[] lengths(List<CudaBuffer> params) {
    long[] lengths = new long[params.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = params.get(i).length();
    }
    return lengths;
  }
}
