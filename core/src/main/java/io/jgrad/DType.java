package io.jgrad;

/** Element types. FLOAT32 is the training type everywhere; FLOAT64 exists on the CPU backends for gradient checks; INT32 holds class labels. */
public enum DType {
  FLOAT32(4),
  FLOAT64(8),
  INT32(4);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  public boolean isFloating() {
    return this != INT32;
  }

  /** Lower-case name as used in error messages and file formats ("float32"). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
