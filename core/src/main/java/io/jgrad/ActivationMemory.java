package io.jgrad;

import io.jgrad.spi.Buffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The activation cache's size: bytes of the tensors that recorded functions hold for backward, on this thread. A
 * buffer saved by two functions (a ReLU's output that is also the next matmul's input) counts once; parameters are
 * not activations and do not count. Read by memory reports and the train summary's {@code peak_activation_bytes}.
 */
public final class ActivationMemory {
  private static final ThreadLocal<ActivationMemory> CURRENT = ThreadLocal.withInitial(ActivationMemory::new);

  private final Map<Buffer, Integer> holders = new IdentityHashMap<>();
  private long bytes;
  private long peak;

  private ActivationMemory() {}

  /** Bytes saved for backward now, on this thread. */
  public static long currentBytes() {
    return CURRENT.get().bytes;
  }

  /** The most bytes saved at once since the last {@link #resetPeak()}. */
  public static long peakBytes() {
    return CURRENT.get().peak;
  }

  public static void resetPeak() {
    ActivationMemory m = CURRENT.get();
    m.peak = m.bytes;
  }

  /**
   * Raises the peak to {@code bytes} if it is lower: what a step replayed from a recorded graph saved, which no
   * function of this thread recorded.
   */
  public static void notePeak(long bytes) {
    ActivationMemory m = CURRENT.get();
    m.peak = Math.max(m.peak, bytes);
  }

  static void saved(Buffer b) {
    ActivationMemory m = CURRENT.get();
    if (m.holders.merge(b, 1, Integer::sum) == 1) {
      m.bytes += b.bytes();
      m.peak = Math.max(m.peak, m.bytes);
    }
  }

  static void released(Buffer b) {
    ActivationMemory m = CURRENT.get();
    Integer n = m.holders.get(b);
    if (n == null) {
      return;
    }
    if (n == 1) {
      m.holders.remove(b);
      m.bytes -= b.bytes();
    } else {
      m.holders.put(b, n - 1);
    }
  }
}
