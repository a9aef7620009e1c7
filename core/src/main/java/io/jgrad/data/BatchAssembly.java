package io.jgrad.data;

/**
 * Where a {@link DataLoader} assembles its batches. The default is {@link #AUTO} unless the system property {@code
 * jgrad.data.deviceResident} is {@code true}, which makes it {@link #RESIDENT}.
 */
public enum BatchAssembly {
  /** A background thread copies each batch's rows on the host, then the batch is uploaded. */
  HOST,
  /**
   * The dataset is uploaded to the backend once; each epoch uploads only its order (an int per example) and every
   * batch is gathered by the backend ({@link io.jgrad.Backend#gather}), so a device backend builds batches without
   * the host waiting for it. Falls back to {@link #HOST} where the loader augments (a host transform) or the data
   * would take more than half of the backend's free memory. A backend that wraps host arrays ({@link
   * io.jgrad.Backend#wrap}: the CPU backends) reads the dataset in place, with no copy.
   */
  RESIDENT,
  /**
   * {@link #RESIDENT} where the backend reads the dataset in place (the CPU backends), {@link #HOST} elsewhere. In place,
   * a batch is one copy of its rows on the training thread, where the host path copied them twice (gathered on a
   * prefetch thread, then uploaded): with no third thread beside the kernels' two on a 2-core machine, the
   * Fashion-MNIST recipe ran 1.06× faster (docs/benchmarks.md, "The dataset read in place").
   */
  AUTO;

  /** The system property that makes {@link #RESIDENT} the default. */
  public static final String PROPERTY = "jgrad.data.deviceResident";

  /** {@link #RESIDENT} when the system property {@value #PROPERTY} is {@code true}, else {@link #AUTO}. */
  public static BatchAssembly fromSystemProperty() {
    return Boolean.getBoolean(PROPERTY) ? RESIDENT : AUTO;
  }
}
