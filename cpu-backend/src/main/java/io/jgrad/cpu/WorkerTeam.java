package io.jgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fork-join for the kernels that allocates nothing per call: {@link #run} hands parts 1…n−1 of a task to parked
 * worker threads, runs part 0 on the caller, and returns once every part is done. It replaces an executor's submit
 * and Future.get, which allocated a task, a future and queue nodes on every GEMM and took tens of microseconds to
 * wake a worker through a blocking queue. Every run uses every thread, so a worker never has to decide whether a run
 * is meant for it. Calls from several threads are serialized.
 */
final class WorkerTeam implements AutoCloseable {
  /** One part of a parallel loop. */
  interface Task {
    void run(int part, int parts);
  }

  /**
   * How long a waiting part spins before it parks, by the clock: long enough to span a training step's serial parts
   * between two kernels, so that a worker is not parked and woken within a step. A count of onSpinWait calls measured
   * no fixed time: 4,096 of them took about 20 µs on AMD Zen 5 and 45–57 µs on an Intel Xeon VM, where the CNN step
   * ran 1.10–1.13× faster spinning 1 ms instead (docs/benchmarks.md). None while the JIT is busy ({@link
   * JitActivity}): on 2 cores, epoch 1 of the Fashion-MNIST recipe 1.22× faster (47.6k against 39.0k samples/s,
   * medians of 4 alternating runs), the bundled digits' whole run 1.04×; later epochs and {@code bench train}
   * unchanged.
   */
  private static final long SPIN_NANOS = 1_000_000;

  private final Thread[] workers;
  private final AtomicInteger unfinished = new AtomicInteger();
  /** Bumped once per run; a worker runs its part when it sees a generation it has not run yet. */
  private volatile long generation;
  private volatile boolean closed;
  private volatile Thread caller;
  /** Written before the generation bump and read after it, so plain fields suffice. */
  private Task task;
  private volatile Throwable failure;
  private final AtomicInteger arrived = new AtomicInteger();
  private volatile int phase;
  private final JitActivity jit = JitActivity.ofThisJvm();
  /** SPIN_NANOS, or 0 while the JIT is busy; set by the caller at each run, read by every waiting part. */
  private volatile long spinNanos = SPIN_NANOS;

  /** @param threads the caller plus {@code threads − 1} daemon workers owned by this team */
  WorkerTeam(int threads) {
    workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      int part = i + 1;
      workers[i] = new Thread(() -> work(part), "jgrad-cpu-" + part);
      workers[i].setDaemon(true); // an unclosed backend must not keep the JVM alive
      workers[i].start();
    }
  }

  /** The number of parts {@link #run} splits a task into: the caller and every worker. */
  int threads() {
    return workers.length + 1;
  }

  /** Runs task(part, threads()) for every part &lt; threads(), part 0 on the calling thread. */
  synchronized void run(Task task) {
    long s = jit.busy() ? 0 : SPIN_NANOS;
    if (s != spinNanos) {
      spinNanos = s;
    }
    this.task = task;
    this.caller = Thread.currentThread();
    failure = null;
    arrived.set(0); // a failed run may have left parts counted at its barrier
    unfinished.set(workers.length);
    generation++; // volatile write: publishes task to the workers
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    try {
      task.run(0, threads());
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      long deadline = System.nanoTime() + spinNanos;
      while (unfinished.get() > 0) {
        if (deadline - System.nanoTime() > 0) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      this.task = null;
    }
    Throwable f = failure; // the first failure of the run: never the PartFailedException it caused elsewhere
    if (f instanceof RuntimeException e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
    if (f != null) { // a checked exception thrown past the compiler: reported, never dropped
      throw new IllegalStateException("a jgrad-cpu worker failed", f);
    }
  }

  /**
   * Records the first failure of a run and wakes every part: those waiting at the barrier must not wait for a part
   * that will never arrive (that was a deadlock).
   */
  private void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
    LockSupport.unpark(caller);
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }

  /** Thrown at the barrier of the parts that did not fail when another part did. */
  private static final class PartFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PartFailedException() {
      super("another part of this parallel kernel failed", null, false, false);
    }
  }

  /**
   * Waits inside a running task until every part has called it (a barrier); then all go on. Every part of the task
   * must call it the same number of times.
   */
  void await() {
    int ph = phase;
    if (arrived.incrementAndGet() == threads()) {
      arrived.set(0);
      phase = ph + 1;
      LockSupport.unpark(caller);
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      return;
    }
    long deadline = System.nanoTime() + spinNanos;
    while (phase == ph) {
      if (failure != null) {
        throw new PartFailedException();
      }
      if (deadline - System.nanoTime() > 0) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
  }

  private void work(int part) {
    long seen = 0;
    while (true) {
      long g;
      long deadline = System.nanoTime() + spinNanos;
      while ((g = generation) == seen && !closed) {
        if (deadline - System.nanoTime() > 0) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = g;
      try {
        task.run(part, workers.length + 1);
      } catch (Throwable t) {
        fail(t);
      }
      if (unfinished.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
