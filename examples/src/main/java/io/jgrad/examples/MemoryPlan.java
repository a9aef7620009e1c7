package io.jgrad.examples;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a {@code jgrad train} run will hold in memory, estimated before the model is built, so that a size the JVM
 * cannot hold is refused in one line naming the option that asked for it instead of ending in an OutOfMemoryError
 * (or, for widths whose product passes 2³¹, an overflow) minutes later.
 *
 * <p>float32 throughout. Parameters and their gradients: 2·P·4 bytes; optimizer state: Adam's two moments 2·P·4,
 * SGD's momentum P·4; activations: about {@link #TENSORS_PER_UNIT} tensors of batch × width per layer (the linear
 * output, the activation's saved output, dropout's mask and output, and backward's gradient of each).
 *
 * @param parameterBytes parameters and their gradients
 * @param optimizerBytes the optimizer's state
 * @param activationBytes one training step's activations and their gradients
 */
record MemoryPlan(long parameterBytes, long optimizerBytes, long activationBytes) {
  static final int TENSORS_PER_UNIT = 5;

  static MemoryPlan of(int inputs, int[] hidden, int classes, int batch, String optimizer, double momentum) {
    long parameters = 0;
    long units = 0;
    long width = inputs;
    for (long h : append(hidden, classes)) {
      parameters += width * h + h;
      units += h;
      width = h;
    }
    long optimizerStates = switch (optimizer) {
      case "adam", "adamw" -> 2;
      default -> momentum > 0 ? 1 : 0;
    };
    return new MemoryPlan(2 * 4 * parameters, optimizerStates * 4 * parameters,
        TENSORS_PER_UNIT * 4L * batch * (units + inputs));
  }

  long totalBytes() {
    return parameterBytes + optimizerBytes + activationBytes;
  }

  /**
   * Refuses the run when it cannot fit in {@code available} bytes of the Java heap, naming the option that asked for
   * the larger part (--hidden for parameters and optimizer state, --batch for activations) and the flag that raises
   * the limit.
   */
  void checkFits(long available, int[] hidden, int batch) {
    if (totalBytes() <= available) {
      return;
    }
    String option = parameterBytes + optimizerBytes >= activationBytes
        ? "--hidden " + Arrays.toString(hidden).replaceAll("[\\[\\] ]", "")
        : "--batch " + batch;
    throw new IllegalArgumentException(option + " needs about " + gib(totalBytes()) + " (parameters and gradients "
        + gib(parameterBytes) + ", optimizer state " + gib(optimizerBytes) + ", activations " + gib(activationBytes)
        + ") but the Java heap has " + gib(available) + " free: ask for less, or raise the limit with "
        + "JGRAD_JAVA_OPTS=-Xmx<size>");
  }

  /** What the heap can still take: its limit less what is in use now. */
  static long freeHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  private static long[] append(int[] hidden, int classes) {
    long[] all = new long[hidden.length + 1];
    for (int i = 0; i < hidden.length; i++) {
      all[i] = hidden[i];
    }
    all[hidden.length] = classes;
    return all;
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
