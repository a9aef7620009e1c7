package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import io.jgrad.spi.StepGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;

/**
 * A training step recorded by stream capture on the backend's stream and replayed with one {@code cuGraphLaunch}.
 * What a replay changes lives in device words the recorded kernels read instead of their arguments (the slots): the
 * learning rate of training_step.cu's optimizer steps and, per seed, the shift added to random.cu's Philox offsets;
 * each replay sets them with memsets queued before the launch. The blocks the step used are the graph's (a {@link
 * CachingAllocator.Pool}) until it closes. The deferred label check the step queued is armed again by each replay, so
 * a bad label in a replayed batch is still reported at the next read-back.
 */
final class CudaStepGraph implements StepGraph {
  /** Random seeds one recorded step may draw with (dropout layers with generators of their own). */
  static final int MAX_SEEDS = 16;

  private final CudaContext context;
  private final CachingAllocator<CUdeviceptr> allocator;
  private final SoftmaxCrossEntropyKernels losses;
  /** 8-byte words: [0] the learning rate (a double), [1 + i] the offset shift of seeds[i] (unsigned 64-bit). */
  private final CUdeviceptr slots = new CUdeviceptr();
  private final List<Long> seeds = new ArrayList<>();
  /** The shifts of {@link #seeds} for a replay, allocated once after recording (the seeds are known then). */
  private long[] shifts;
  private CachingAllocator.Pool<CUdeviceptr> pool;
  private CUgraph graph;
  private CUgraphExec exec;
  private SoftmaxCrossEntropyKernels.Pending labelCheck;
  private boolean closed;

  CudaStepGraph(CudaContext context, CachingAllocator<CUdeviceptr> allocator, SoftmaxCrossEntropyKernels losses) {
    this.context = context;
    this.allocator = allocator;
    this.losses = losses;
    cuMemAlloc(slots, 8L * (1 + MAX_SEEDS));
    cuMemsetD32Async(slots, 0, 2L * (1 + MAX_SEEDS), context.stream());
  }

  /** Where the recorded optimizer steps read their learning rate. */
  CUdeviceptr learningRateSlot() {
    return slots;
  }

  /** Where the recorded random draws of {@code seed} read their offset shift. */
  CUdeviceptr shiftSlot(long seed) {
    int i = seeds.indexOf(seed);
    if (i < 0) {
      if (seeds.size() == MAX_SEEDS) {
        throw new IllegalStateException("capture: the step draws with more than " + MAX_SEEDS + " random seeds");
      }
      seeds.add(seed);
      i = seeds.size() - 1;
    }
    return slots.withByteOffset(8L * (1 + i));
  }

  /**
   * Records what {@code step} queues. On failure (the step threw, or the driver refused the capture) everything is
   * freed, the stream is out of capture, and the exception is rethrown.
   */
  void record(Runnable step) {
    pool = allocator.beginPool();
    boolean capturing = false;
    try {
      // Thread-local: a call on this thread that cannot be captured (a synchronisation) fails the capture at once.
      cuStreamBeginCapture(context.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
      capturing = true;
      step.run();
      capturing = false;
      CUgraph recorded = new CUgraph();
      cuStreamEndCapture(context.stream(), recorded);
      graph = recorded;
      CUgraphExec instance = new CUgraphExec();
      cuGraphInstantiate(instance, graph, 0);
      exec = instance;
      labelCheck = losses.takePending(); // queued while recording, so nothing ran: each replay arms it
      shifts = new long[seeds.size()];
    } catch (RuntimeException | Error e) {
      if (capturing) {
        abandonCapture();
      }
      close();
      throw e;
    } finally {
      allocator.endRecording();
    }
  }

  private void abandonCapture() {
    CUgraph partial = new CUgraph();
    try {
      cuStreamEndCapture(context.stream(), partial);
      cuGraphDestroy(partial);
    } catch (CudaException invalidated) {
      // the capture was invalidated by what failed: there is no graph to destroy
    }
    losses.takePending();
  }

  @Override
  public void replay(double learningRate, Map<Long, Long> offsetShifts) {
    if (closed) {
      throw new IllegalStateException("replay: the graph is closed");
    }
    for (int i = 0; i < shifts.length; i++) {
      Long shift = offsetShifts.get(seeds.get(i));
      if (shift == null) {
        throw new IllegalArgumentException("replay: no offset shift for the recorded seed " + seeds.get(i));
      }
      shifts[i] = shift;
    }
    context.bind();
    set(slots, Double.doubleToRawLongBits(learningRate));
    for (int i = 0; i < shifts.length; i++) {
      set(slots.withByteOffset(8L * (1 + i)), shifts[i]);
    }
    cuGraphLaunch(exec, context.stream());
    losses.arm(labelCheck);
  }

  /** A 64-bit word as two 32-bit memsets (little-endian, as every CUDA device). */
  private void set(CUdeviceptr word, long value) {
    cuMemsetD32Async(word, (int) value, 1, context.stream());
    cuMemsetD32Async(word.withByteOffset(4), (int) (value >>> 32), 1, context.stream());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    context.bind();
    context.synchronize(); // a replay still running uses the pool's blocks and the slots
    if (exec != null) {
      cuGraphExecDestroy(exec);
    }
    if (graph != null) {
      cuGraphDestroy(graph);
    }
    allocator.closePool(pool);
    cuMemFree(slots);
  }
}
