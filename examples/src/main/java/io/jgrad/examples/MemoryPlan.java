package io.jgrad.examples;

import io.jgrad.MemoryCapacity;
import io.jgrad.examples.OptimizerChoice.Kind;
import io.jgrad.tools.ImageArchitecture;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a {@code jgrad train} run will hold in memory, estimated before the model is built, so that a size the JVM
 * cannot hold is refused in one line naming the option that asked for it instead of ending in an OutOfMemoryError
 * (or, for widths whose product passes 2³¹, an overflow) minutes later.
 *
 * <p>float32 throughout. Parameters and their gradients: 2·P·4 bytes; optimizer state: Adam's two moments 2·P·4,
 * SGD's momentum P·4; activations: about {@link #TENSORS_PER_UNIT} tensors of batch × width per layer (the linear
 * output, the activation's saved output, dropout's mask and output, and backward's gradient of each); a CNN's or
 * ResNet's from its {@link ImageArchitecture}'s layer shapes.
 *
 * @param parameterBytes parameters and their gradients
 * @param optimizerBytes the optimizer's state
 * @param activationBytes one training step's activations and their gradients
 */
record MemoryPlan(long parameterBytes, long optimizerBytes, long activationBytes) {
  static final int TENSORS_PER_UNIT = 5;

  static MemoryPlan of(int inputs, int[] hidden, int classes, int batch, Kind optimizer, double momentum) {
    long parameters = 0;
    long units = 0;
    long width = inputs;
    for (long h : append(hidden, classes)) {
      parameters += width * h + h;
      units += h;
      width = h;
    }
    return of(parameters, TENSORS_PER_UNIT * 4L * batch * (units + inputs), optimizer, momentum);
  }

  /** A CNN's or ResNet's plan, from its own sizes: each layer output it keeps, and backward's gradient of each. */
  static MemoryPlan of(ImageArchitecture net, int batch, Kind optimizer, double momentum) {
    return of(net.parameterCount(), 2 * 4L * batch * net.activationFloatsPerSample(), optimizer, momentum);
  }

  private static MemoryPlan of(long parameters, long activationBytes, Kind optimizer, double momentum) {
    long optimizerStates = switch (optimizer) {
      case ADAM, ADAMW -> 2;
      case SGD -> momentum > 0 ? 1 : 0;
    };
    return new MemoryPlan(2 * 4 * parameters, optimizerStates * 4 * parameters, activationBytes);
  }

  long totalBytes() {
    return parameterBytes + optimizerBytes + activationBytes;
  }

  /** Whether the run takes at most {@code fraction} of what the backend can still hold. */
  boolean fitsIn(MemoryCapacity capacity, double fraction) {
    return totalBytes() <= capacity.freeBytes() * fraction;
  }

  /**
   * Refuses the run when it cannot fit in what the backend can still hold, naming the option that asked for the
   * larger part (--hidden for parameters and optimizer state, --batch for activations) and how to get more: the
   * flag that raises the heap's limit, or, on a device, its free memory, which only asking for less gets round.
   */
  void checkFits(MemoryCapacity capacity, int[] hidden, int batch) {
    checkFits(capacity, parameterBytes + optimizerBytes >= activationBytes
        ? "--hidden " + Arrays.toString(hidden).replaceAll("[\\[\\] ]", "")
        : "--batch " + batch);
  }

  /** As {@link #checkFits(MemoryCapacity, int[], int)} for a CNN or ResNet, whose only size option is --batch. */
  void checkFits(MemoryCapacity capacity, int batch) {
    checkFits(capacity, "--batch " + batch);
  }

  private void checkFits(MemoryCapacity capacity, String option) {
    if (totalBytes() <= capacity.freeBytes()) {
      return;
    }
    String room = switch (capacity.where()) {
      case JAVA_HEAP -> "the Java heap has " + gib(capacity.freeBytes()) + " free: ask for less, or raise the limit "
          + "with JGRAD_JAVA_OPTS=-Xmx<size>";
      case DEVICE -> "the device has " + gib(capacity.freeBytes()) + " free of " + gib(capacity.totalBytes())
          + ": ask for less";
    };
    throw new IllegalArgumentException(option + " needs about " + gib(totalBytes()) + " (parameters and gradients "
        + gib(parameterBytes) + ", optimizer state " + gib(optimizerBytes) + ", activations " + gib(activationBytes)
        + ") but " + room);
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
