package io.jgrad;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports tensors that were garbage-collected without {@link Tensor#close()}: a tensor made outside every {@link Scope}
 * and forgotten holds backend memory (device memory, on CUDA) until the backend closes. Each backend owns one.
 *
 * <p>Off the hot path, as Netty's leak detector: an untracked tensor costs one counter increment; a tracked one
 * captures where it was made and registers a {@link Cleaner} action, which runs on the cleaner's thread after the
 * tensor is collected and reports it (a WARN log line with the creation stack, and {@link #reports()}) unless it was
 * closed. The report arrives when the garbage collector gets to it: late, but without a false alarm.
 */
public final class LeakDetector {
  private static final Logger log = System.getLogger(LeakDetector.class.getName());

  /** Under {@link LeakDetection#SAMPLED}, one tensor in this many is tracked. */
  public static final int SAMPLING_INTERVAL = 64;

  /** Reports kept for {@link #reports()}; the count goes on. */
  private static final int KEPT_REPORTS = 100;

  /** Tracks nothing. */
  public static final LeakDetector OFF = new LeakDetector(LeakDetection.OFF, "");

  private final LeakDetection level;
  private final String backendName;
  private final Cleaner cleaner;
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong leaks = new AtomicLong();
  private final List<String> reports = new ArrayList<>();

  private LeakDetector(LeakDetection level, String backendName) {
    this.level = level;
    this.backendName = backendName;
    this.cleaner = level == LeakDetection.OFF ? null : Cleaner.create();
  }

  /** A detector for the tensors of backend {@code backendName}; OFF shares one that does nothing. */
  public static LeakDetector create(LeakDetection level, String backendName) {
    return level == LeakDetection.OFF ? OFF : new LeakDetector(level, backendName);
  }

  public LeakDetection level() {
    return level;
  }

  /** Leaks reported so far. */
  public long leaks() {
    return leaks.get();
  }

  /** The first reports (at most 100), oldest first: "tensor [2,3] float32 ... created at ...". */
  public synchronized List<String> reports() {
    return List.copyOf(reports);
  }

  /** Called by every new tensor: a tracker to close with it, or null when this one is not watched. */
  Tracker track(Tensor tensor, Shape shape, DType dtype) {
    if (level == LeakDetection.OFF
        || level == LeakDetection.SAMPLED && created.getAndIncrement() % SAMPLING_INTERVAL != 0) {
      return null;
    }
    Tracker tracker = new Tracker(this, "tensor " + shape + " " + dtype.label() + " on " + backendName,
        new Throwable("created here"));
    tracker.cleanable = cleaner.register(tensor, tracker);
    return tracker;
  }

  private void report(String what, Throwable site) {
    leaks.incrementAndGet();
    StringBuilder text = new StringBuilder(what).append(" was garbage-collected without close(); created at");
    for (StackTraceElement e : site.getStackTrace()) {
      text.append("\n\tat ").append(e);
    }
    synchronized (this) {
      if (reports.size() < KEPT_REPORTS) {
        reports.add(text.toString());
      }
    }
    log.log(Level.WARNING, "LEAK: " + text);
  }

  /** The state the cleaner action needs; it must not refer to the tensor, or the tensor would never be collected. */
  static final class Tracker implements Runnable {
    private final LeakDetector detector;
    private final String what;
    private final Throwable site;
    private volatile boolean closed;
    private Cleaner.Cleanable cleanable;

    private Tracker(LeakDetector detector, String what, Throwable site) {
      this.detector = detector;
      this.what = what;
      this.site = site;
    }

    /** The tensor was closed: no report, and the cleaner forgets it now. */
    void close() {
      closed = true;
      cleanable.clean();
    }

    @Override
    public void run() {
      if (!closed) {
        detector.report(what, site);
      }
    }
  }
}
