package io.jgrad.data;

/**
 * Where a {@link DataLoader} assembles its batches. The default is {@link #HOST} unless the system property {@code
 * jgrad.data.deviceResident} is {@code true}.
 */
public enum BatchAssembly {
  /** A background thread copies each batch's rows on the host, then the batch is uploaded. */
  HOST,
  /**
   * The dataset is uploaded to the backend once; each epoch uploads only its order (an int per example) and every
   * batch is gathered by the backend ({@link io.jgrad.Backend#gather}), so a device backend builds batches without
   * the host waiting for it. Falls back to {@link #HOST} where the loader augments (a host transform) or the data
   * would take more than half of the backend's free memory.
   */
  RESIDENT;

  /** The system property that makes {@link #RESIDENT} the default. */
  public static final String PROPERTY = "jgrad.data.deviceResident";

  /** {@link #RESIDENT} when the system property {@value #PROPERTY} is {@code true}, else {@link #HOST}. */
  public static BatchAssembly fromSystemProperty() {
    return Boolean.getBoolean(PROPERTY) ? RESIDENT : HOST;
  }
}
